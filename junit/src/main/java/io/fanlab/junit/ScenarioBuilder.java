package io.fanlab.junit;

import io.fanlab.harness.design.Designs;
import io.fanlab.harness.scenario.Scenario;
import io.fanlab.harness.scenario.ScenarioException;
import io.fanlab.harness.scenario.ScenarioLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * A scenario built in code. It writes the scenario format's YAML ({@link #yaml()}) and is validated by the same
 * loader as a file, so it gets the same defaults, rules and messages (with {@code builder:<name>} as the file and
 * the format's paths, e.g. {@code pipeline[0].width}). Values keep the format's units: durations and rates are
 * strings such as {@code "250ms"} and {@code "2000/s"}. Anything without a method here goes through
 * {@link #set(String, Object)} or {@link Stage#set(String, Object)} with the format's keys.
 * <pre>{@code
 * ScenarioBuilder.named("fanout")
 *     .phases("500ms", "2s", "500ms")
 *     .openLoad("2000/s")
 *     .stage("work", s -> s.sleep("exponential", "1ms").queue(256))
 *     .latencySlo("response", 99, "20ms").nothingLost().noLeakedThreads()
 *     .sweep("work", 2, 8);
 * }</pre>
 * Not thread-safe.
 */
public final class ScenarioBuilder {
    private final Map<String, Object> root = new LinkedHashMap<>();
    private final List<Object> pipeline = new ArrayList<>();
    private final List<Object> slos = new ArrayList<>();

    private ScenarioBuilder(String name) { root.put("name", name); }

    public static ScenarioBuilder named(String name) { return new ScenarioBuilder(name); }

    /** The file name used in messages: {@code builder:<name>}. */
    String label() { return "builder:" + root.get("name"); }

    public ScenarioBuilder description(String d) { return set("description", d); }

    public ScenarioBuilder seed(long seed) { return set("seed", seed); }

    /** Warmup, measured window and cooldown, e.g. {@code "500ms", "2s", "500ms"}. */
    public ScenarioBuilder phases(String warmup, String measure, String cooldown) {
        return set("phases", map("warmup", warmup, "measure", measure, "cooldown", cooldown));
    }

    /** Open load, Poisson arrivals at {@code rate} (e.g. {@code "2000/s"}). */
    public ScenarioBuilder openLoad(String rate) { return openLoad("poisson", rate); }

    /** Open load with {@code arrival} {@code constant} or {@code poisson}; other arrivals: {@link #set}. */
    public ScenarioBuilder openLoad(String arrival, String rate) { return set("load", map("open", map("arrival", arrival, "rate", rate))); }

    /** Closed load: {@code users} each waiting for their previous item, no think time. */
    public ScenarioBuilder closedLoad(int users) { return set("load", map("closed", map("users", users))); }

    /** Adds a stage; {@code spec} sets its work and policies. */
    public ScenarioBuilder stage(String name, Consumer<Stage> spec) {
        Stage s = new Stage(name);
        spec.accept(s);
        pipeline.add(s.fields);
        return this;
    }

    /** A latency SLO: {@code metric} response, service or request; e.g. {@code ("response", 99, "20ms")}. */
    public ScenarioBuilder latencySlo(String metric, double percentile, String max) {
        slos.add(map("latency", map("metric", metric, "percentile", percentile, "max", max)));
        return this;
    }

    public ScenarioBuilder throughputFloor(String rate) { return slo(map("throughput_floor", rate)); }

    /** Share of items failed, timed out or dead-lettered, e.g. {@code 0.01}. */
    public ScenarioBuilder errorRate(double max) { return slo(map("error_rate", max)); }

    public ScenarioBuilder nothingLost() { return slo("nothing_lost"); }

    public ScenarioBuilder noLeakedThreads() { return slo("no_leaked_threads"); }

    /** Any SLO in the format's form, e.g. {@code Map.of("shed_rate", 0.05)} or {@code "nothing_lost"}. */
    public ScenarioBuilder slo(Object slo) {
        slos.add(slo);
        return this;
    }

    /** Sweeps the widths of {@code stage}. */
    public ScenarioBuilder sweep(String stage, int... widths) {
        Map<String, Object> sweep = sweepMap();
        sweep.put("stage", stage);
        List<Integer> w = new ArrayList<>();
        for (int x : widths) w.add(x);
        sweep.put("widths", w);
        return this;
    }

    public ScenarioBuilder designs(String... names) {
        sweepMap().put("designs", List.of(names));
        return this;
    }

    public ScenarioBuilder repeats(int n) {
        sweepMap().put("repeats", n);
        return this;
    }

    /** Any top-level key, dotted for nested mappings: {@code set("phases.warmup", "1s")}, {@code set("keys", Map.of("uniform", 64))}. */
    public ScenarioBuilder set(String path, Object value) {
        String[] parts = path.split("\\.");
        Map<String, Object> m = root;
        for (int i = 0; i < parts.length - 1; i++) m = child(m, parts[i]);
        m.put(parts[parts.length - 1], value);
        return this;
    }

    /** The scenario as the format's YAML. */
    public String yaml() {
        Map<String, Object> doc = new LinkedHashMap<>(root);
        if (!pipeline.isEmpty()) doc.put("pipeline", pipeline);
        if (!slos.isEmpty()) doc.put("slos", slos);
        if (doc.containsKey("sweep")) doc.put("sweep", doc.remove("sweep")); // last, as in the library's files
        return new Dump(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build()).dumpToString(doc);
    }

    /** Validates as the loader does, with the designs on the classpath as the known names. */
    public Scenario build() throws ScenarioException { return build(Designs.discover().keySet()); }

    public Scenario build(Set<String> knownDesigns) throws ScenarioException {
        return ScenarioLoader.parse(yaml(), Path.of(label()), knownDesigns);
    }

    private Map<String, Object> sweepMap() { return child(root, "sweep"); }

    private ScenarioBuilder slo(Map<String, Object> slo) {
        slos.add(slo);
        return this;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> child(Map<String, Object> m, String key) {
        Object c = m.get(key);
        if (c instanceof Map<?, ?> existing) return (Map<String, Object>) existing;
        Map<String, Object> n = new LinkedHashMap<>();
        m.put(key, n);
        return n;
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    /** One stage of the pipeline, in the format's keys. */
    public static final class Stage {
        private final Map<String, Object> fields = new LinkedHashMap<>();

        private Stage(String name) { fields.put("name", name); }

        public Stage width(int w) { return set("width", w); }
        public Stage queue(int capacity) { return set("queue", capacity); }
        /** {@code platform} or {@code virtual}. */
        public Stage threads(String kind) { return set("threads", kind); }
        /** Blocking sleep drawn from a distribution: {@code ("constant", "1ms")}, {@code ("exponential", "2ms")}. */
        public Stage sleep(String dist, String value) { return set("work", map("sleep", map(dist, value))); }
        /** Busy CPU drawn from a distribution. */
        public Stage cpu(String dist, String value) { return set("work", map("cpu", map(dist, value))); }
        public Stage errorRate(double share) { return set("error_rate", share); }
        public Stage timeout(String d) { return set("timeout", d); }
        public Stage retry(int maxAttempts) { return set("retry", map("max_attempts", maxAttempts)); }
        /** Any stage key in the format's form, e.g. {@code set("admission", Map.of("overflow", "drop_newest"))}. */
        public Stage set(String key, Object value) {
            fields.put(key, value);
            return this;
        }
    }
}
