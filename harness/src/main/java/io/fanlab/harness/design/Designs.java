package io.fanlab.harness.design;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The designs found on the classpath, by name: every {@link DesignProvider} listed for {@link ServiceLoader}, plus
 * the classes named in the system property {@value #PROPERTY} (comma-separated; each a {@link Design} or a
 * {@link DesignProvider} with a public no-argument constructor), which is how a design that is not registered as a
 * service reaches a forked point JVM. Duplicate names are an error naming both classes.
 */
public final class Designs {
    /** System property naming extra design classes: {@code -Dfanlab.designs=com.acme.MyDesign,com.acme.Other}. */
    public static final String PROPERTY = "fanlab.designs";

    private Designs() {}

    public static Map<String, Design> discover() {
        return discover(Thread.currentThread().getContextClassLoader());
    }

    public static Map<String, Design> discover(ClassLoader loader) {
        Map<String, Design> byName = new LinkedHashMap<>();
        for (DesignProvider p : ServiceLoader.load(DesignProvider.class, loader)) add(byName, p.designs());
        String named = System.getProperty(PROPERTY, "");
        for (String className : named.split(",")) {
            if (className.isBlank()) continue;
            List<Design> designs = instantiate(className.strip(), loader);
            // a class both registered as a service and named in the property is one design, not a duplicate
            designs.removeIf(d -> byName.get(d.name()) != null && byName.get(d.name()).getClass() == d.getClass());
            add(byName, designs);
        }
        return byName;
    }

    /**
     * Instantiates a {@link Design} or {@link DesignProvider} class by name with its public no-argument constructor.
     *
     * @throws IllegalArgumentException naming the class and what is wrong with it
     */
    public static List<Design> instantiate(String className, ClassLoader loader) {
        Object o;
        try {
            Class<?> c = Class.forName(className, true, loader);
            if (!Design.class.isAssignableFrom(c) && !DesignProvider.class.isAssignableFrom(c))
                throw new IllegalArgumentException(PROPERTY + ": " + className + " is neither a Design nor a DesignProvider");
            o = c.getConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(PROPERTY + ": class " + className + " not found (expected: a class on the classpath)", e);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(PROPERTY + ": " + className + " has no public no-argument constructor (expected: one, so a point JVM can create it)", e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(PROPERTY + ": cannot create " + className + ": " + e, e);
        }
        // a class that is both (like a one-design provider) is used as a provider
        return new ArrayList<>(o instanceof DesignProvider p ? p.designs() : List.of((Design) o));
    }

    private static void add(Map<String, Design> byName, List<Design> designs) {
        for (Design d : designs) {
            Design prev = byName.putIfAbsent(d.name(), d);
            if (prev != null) throw new IllegalStateException("design name '" + d.name() + "' is offered by both "
                    + prev.getClass().getName() + " and " + d.getClass().getName() + " (expected: unique names)");
        }
    }
}
