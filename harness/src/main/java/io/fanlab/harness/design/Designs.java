package io.fanlab.harness.design;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;

/** The designs found on the classpath, by name. Duplicate names are an error naming both providers. */
public final class Designs {
    private Designs() {}

    public static Map<String, Design> discover() {
        return discover(Thread.currentThread().getContextClassLoader());
    }

    public static Map<String, Design> discover(ClassLoader loader) {
        Map<String, Design> byName = new LinkedHashMap<>();
        for (DesignProvider p : ServiceLoader.load(DesignProvider.class, loader)) {
            for (Design d : p.designs()) {
                Design prev = byName.putIfAbsent(d.name(), d);
                if (prev != null) throw new IllegalStateException("design name '" + d.name() + "' is offered by both "
                        + prev.getClass().getName() + " and " + d.getClass().getName() + " (expected: unique names)");
            }
        }
        return byName;
    }
}
