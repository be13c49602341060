package io.fanlab.reports.compare;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;


/**
 * How large a change of each {@link Metric} must be before {@link RunComparison} calls it a regression or an
 * improvement: a share of the baseline for relative metrics (0.10 = 10%), an absolute share for
 * {@link Metric#ERROR_RATE}. {@code +Infinity} turns a metric off (shown, never flagged; {@code off} in YAML and on
 * the CLI, {@code null} in JSON). Immutable.
 *
 * @param byMetric a tolerance for every metric
 */
public record Tolerances(Map<Metric, Double> byMetric) {

    /** The built-in tolerances ({@link Metric#defaultTolerance()}). */
    public static final Tolerances DEFAULT = defaults();

    public Tolerances {
        EnumMap<Metric, Double> m = new EnumMap<>(Metric.class);
        for (Metric metric : Metric.values()) {
            Double t = byMetric.get(metric);
            if (t == null) throw new IllegalArgumentException(metric.key() + ": missing (expected: a tolerance for every metric)");
            if (!(t >= 0)) throw new IllegalArgumentException(metric.key() + ": " + t + " (expected: >= 0, or off)");
            m.put(metric, t);
        }
        byMetric = Collections.unmodifiableMap(m);
    }

    private static Tolerances defaults() {
        EnumMap<Metric, Double> m = new EnumMap<>(Metric.class);
        for (Metric metric : Metric.values()) m.put(metric, metric.defaultTolerance());
        return new Tolerances(m);
    }

    public double of(Metric m) {
        return byMetric.get(m);
    }

    /** These tolerances with {@code overrides} applied. */
    public Tolerances with(Map<Metric, Double> overrides) {
        EnumMap<Metric, Double> m = new EnumMap<>(byMetric);
        m.putAll(overrides);
        return new Tolerances(m);
    }

    /** True when every tolerance is the built-in default. */
    public boolean isDefault() {
        return equals(DEFAULT);
    }

    /**
     * Parses the CLI form {@code throughput=0.05,p99=0.3,p999=off}.
     *
     * @throws IllegalArgumentException naming the bad entry and what is allowed
     */
    public static Map<Metric, Double> parseOverrides(String text) {
        EnumMap<Metric, Double> m = new EnumMap<>(Metric.class);
        if (text == null || text.isBlank()) return m;
        for (String part : text.split(",")) {
            String[] kv = part.strip().split("=", 2);
            Metric metric = Metric.byKey(kv[0].strip());
            if (metric == null || kv.length != 2) {
                throw new IllegalArgumentException("--tolerance: '" + part.strip() + "' (expected: METRIC=SHARE or METRIC=off, METRIC one of " + String.join(", ", keys()) + ")");
            }
            m.put(metric, parseValue(metric, kv[1].strip(), "--tolerance"));
        }
        return m;
    }

    /** {@code off} = +Infinity, else a number >= 0 (a share: 0.1 = 10%). */
    public static double parseValue(Metric metric, String v, String where) {
        if (v.equals("off")) return Double.POSITIVE_INFINITY;
        try {
            double d = Double.parseDouble(v);
            if (d >= 0 && !Double.isInfinite(d)) return d;
        } catch (NumberFormatException ignored) {
            // fall through to the message
        }
        throw new IllegalArgumentException(where + ": " + metric.key() + "=" + v + " (expected: a share >= 0 such as 0.1 for 10%"
            + (v.endsWith("%") ? ", written 0.1 not 10%" : "") + ", or off)");
    }

    /** Reads {@code results.compare_tolerances} ({@code {"throughput":0.1,...}}, null = off); absent keys keep the default. */
    public static Tolerances of(java.util.Map<String, Double> byKey) {
        EnumMap<Metric, Double> m = new EnumMap<>(Metric.class);
        if (byKey != null) {
            for (Metric metric : Metric.values()) {
                if (!byKey.containsKey(metric.key())) continue;
                Double v = byKey.get(metric.key());
                if (v == null) m.put(metric, Double.POSITIVE_INFINITY);
                else if (v >= 0) m.put(metric, v);
            }
        }
        return DEFAULT.with(m);
    }

    /** The metric keys, in order. */
    public static List<String> keys() {
        List<String> k = new ArrayList<>();
        for (Metric m : Metric.values()) k.add(m.key());
        return k;
    }
}
