package io.fanlab.reports.compare;

import io.fanlab.reports.run.PointRecord;
import io.fanlab.reports.run.PointResult;

/**
 * A figure that {@link RunComparison} compares per sweep point, with its good direction and how its change is
 * measured. Relative metrics compare {@code (candidate - baseline) / baseline}; {@link #ERROR_RATE} compares the
 * absolute difference of two shares (a relative change of a near-zero rate means nothing).
 */
public enum Metric {
    /** Completed items per second in the measured window; higher is better. */
    THROUGHPUT("throughput", true, false, 0.10, "/s"),
    /** Median response time (end - intended start); lower is better. */
    P50("p50", false, false, 0.15, "ms"),
    /** 99th percentile response time; lower is better. */
    P99("p99", false, false, 0.25, "ms"),
    /** 99.9th percentile response time; lower is better. Tail of a few-second window: noisy, hence the wide default. */
    P999("p999", false, false, 0.50, "ms"),
    /** (failed + timed out + dead-lettered) / offered; lower is better; tolerance in absolute share (0.005 = half a point). */
    ERROR_RATE("error_rate", false, true, 0.005, "");

    private final String key;
    private final boolean higherIsBetter;
    private final boolean absolute;
    private final double defaultTolerance;
    private final String unit;

    Metric(String key, boolean higherIsBetter, boolean absolute, double defaultTolerance, String unit) {
        this.key = key;
        this.higherIsBetter = higherIsBetter;
        this.absolute = absolute;
        this.defaultTolerance = defaultTolerance;
        this.unit = unit;
    }

    /** The name in YAML ({@code compare:}), on the CLI ({@code --tolerance}) and in compare.json. */
    public String key() {
        return key;
    }

    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** True when the change is an absolute difference, false when relative to the baseline. */
    public boolean absolute() {
        return absolute;
    }

    /** The tolerance used when neither the scenario nor the CLI sets one (see the README's compare section for how these were chosen). */
    public double defaultTolerance() {
        return defaultTolerance;
    }

    public String unit() {
        return unit;
    }

    /** The metric's value at a completed point, or NaN when the record lacks it. */
    public double of(PointRecord p) {
        return switch (this) {
            case THROUGHPUT -> p.result().throughput();
            case P50 -> PointRecord.orNaN(p.result().responseMs(), PointResult.Latency::p50);
            case P99 -> PointRecord.orNaN(p.result().responseMs(), PointResult.Latency::p99);
            case P999 -> PointRecord.orNaN(p.result().responseMs(), PointResult.Latency::p999);
            case ERROR_RATE -> {
                double offered = p.result().offered();
                double bad = p.result().failed() + p.result().timedOut() + p.result().deadLettered();
                yield offered > 0 ? bad / offered : Double.NaN;
            }
        };
    }

    /** The metric named {@code key}, or null. */
    public static Metric byKey(String key) {
        for (Metric m : values()) if (m.key.equals(key)) return m;
        return null;
    }
}
