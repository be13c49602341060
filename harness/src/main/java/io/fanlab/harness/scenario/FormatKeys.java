package io.fanlab.harness.scenario;

import io.fanlab.harness.fault.FaultKind;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SequencedSet;

/**
 * The keys the scenario format allows, per mapping, named like the {@code $defs} of
 * {@code scenarios/scenario.schema.json} (a test keeps the two equal). The binder rejects any other key with a
 * "did you mean". Immutable.
 */
public final class FormatKeys {
    private FormatKeys() {}

    /** Schema definition name -> allowed keys, in the order the writer emits them. */
    public static final Map<String, SequencedSet<String>> BY_DEFINITION;

    /** Keys of an open-load mapping for each arrival shape ({@code arrival} itself included). */
    public static final Map<String, SequencedSet<String>> OPEN_BY_ARRIVAL;

    static {
        Map<String, SequencedSet<String>> m = new LinkedHashMap<>();
        put(m, "scenario", "name", "description", "seed", "phases", "load", "keys", "pipeline", "downstream", "faults", "slos", "sweep", "gate", "compare", "capture");
        put(m, "phases", "warmup", "measure", "cooldown", "cancel");
        put(m, "load", "open", "closed", "fanout", "join", "trace", "speed");
        put(m, "open", "arrival", "rate", "from", "to", "over", "steps", "factor", "at", "duration");
        put(m, "closed", "users", "think");
        put(m, "step", "rate", "duration");
        put(m, "keys_zipf", "n", "s");
        put(m, "keys_hot_key", "n", "share");
        put(m, "stage", "name", "width", "threads", "queue", "order", "dispatch", "admission", "on_error", "timeout",
                "retry", "hedge", "limit", "rate_limit", "bulkhead", "per_key", "work", "error_rate");
        put(m, "order_ordered", "window");
        put(m, "route", "name", "when", "a", "b");
        put(m, "route_when", "fraction", "key_below");
        put(m, "loop", "name", "body", "again");
        put(m, "loop_again", "probability", "max");
        put(m, "dispatch_batched", "size", "adaptive");
        put(m, "admission", "overflow", "queue_deadline");
        put(m, "overflow_probabilistic", "threshold");
        put(m, "retry", "max_attempts", "backoff", "max_backoff", "jitter", "budget");
        put(m, "hedge", "delay", "percentile", "budget");
        put(m, "limit_aimd", "initial", "min", "max", "backoff", "timeout");
        put(m, "limit_gradient", "initial", "min", "max", "tolerance", "queue_size");
        put(m, "limit_vegas", "initial", "min", "max");
        put(m, "rate_limit", "rate", "burst");
        put(m, "bulkhead", "shares", "burst");
        put(m, "work_alloc", "bytes", "time");
        put(m, "dist_uniform", "min", "max");
        put(m, "dist_lognormal", "median", "p99");
        put(m, "dist_pareto", "scale", "shape");
        put(m, "dist_component", "weight", "constant", "uniform", "exponential", "lognormal", "pareto", "mixture", "empirical");
        put(m, "downstream", "connections", "error_rate");
        for (FaultKind k : FaultKind.values()) m.put("fault_" + k.yamlName(), k.keys()); // the fault table owns these
        put(m, "slo_latency", "metric", "percentile", "max");
        put(m, "sweep", "stage", "widths", "designs", "repeats", "abort_on_fail");
        put(m, "widths_geometric", "from", "to", "factor");
        put(m, "gate_widths", "widths");
        put(m, "compare", "throughput", "p50", "p99", "p999", "error_rate");
        put(m, "capture", "jfr", "profiler", "interval", "required");
        BY_DEFINITION = Collections.unmodifiableMap(m);

        Map<String, SequencedSet<String>> o = new LinkedHashMap<>();
        put(o, "constant", "arrival", "rate");
        put(o, "poisson", "arrival", "rate");
        put(o, "ramp", "arrival", "from", "to", "over");
        put(o, "steps", "arrival", "steps");
        put(o, "spike", "arrival", "rate", "factor", "at", "duration");
        OPEN_BY_ARRIVAL = Collections.unmodifiableMap(o);
    }

    /** Names of the distribution kinds ({@code {constant: 1ms}} ...). */
    public static final List<String> DISTRIBUTIONS = List.of("constant", "uniform", "exponential", "lognormal", "pareto", "mixture", "empirical");
    /** Names of the work kinds. */
    public static final List<String> WORK = List.of("cpu", "sleep", "alloc", "http");
    /** Names of the fault kinds, from the one table of them ({@link FaultKind}). */
    public static final List<String> FAULTS = FaultKind.names();
    /** Names of the SLO kinds: the first two are bare words, the rest single-key mappings. */
    public static final List<String> SLOS = List.of("nothing_lost", "no_leaked_threads", "latency", "error_rate", "shed_rate",
            "throughput_floor", "cancellation_latency");

    public static SequencedSet<String> of(String definition) {
        SequencedSet<String> s = BY_DEFINITION.get(definition);
        if (s == null) throw new IllegalArgumentException("definition: " + definition + " (expected: one of " + BY_DEFINITION.keySet() + ")");
        return s;
    }

    private static void put(Map<String, SequencedSet<String>> m, String name, String... keys) {
        m.put(name, Collections.unmodifiableSequencedSet(new LinkedHashSet<>(List.of(keys))));
    }
}
