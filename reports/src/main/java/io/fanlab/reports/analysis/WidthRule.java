package io.fanlab.reports.analysis;

import java.util.List;
import java.util.Locale;

/**
 * The profile-driven tuning rule: <em>the smallest width whose throughput is within {@code share} of the plateau
 * (the maximum mean throughput over the sweep) and whose latency SLOs all pass</em>.
 *
 * <p>Inputs are per-width aggregates of valid, completed points ({@link WidthStats}). Widths that fail their latency
 * SLOs still count towards the plateau (the plateau is what the design can do, not what it can do within the SLO).
 * When no width qualifies the rule answers empty with the reason. Pure function; thread-safe.
 *
 * @param share tolerated shortfall from the plateau, in {@code [0, 1)}; default {@link #DEFAULT_SHARE}
 */
public record WidthRule(double share) {

    /** Default tolerated shortfall: 5% of the plateau. */
    public static final double DEFAULT_SHARE = 0.05;

    public WidthRule {
        if (!(share >= 0 && share < 1)) throw new IllegalArgumentException("share: " + share + " (expected: in [0, 1))");
    }

    /** Statement of the rule for the report and for {@code analysis.rule}. */
    public String describe() {
        return String.format(Locale.ROOT,
            "recommended width = the smallest width whose mean throughput is >= %.0f%% of the plateau "
                + "(the maximum mean throughput over the sweep) and whose latency SLOs (p99 etc.) pass in every repeat; "
                + "only completed, valid points count; with repeats, interval = min..max of the per-repeat recommendations",
            (1 - share) * 100);
    }

    /**
     * Aggregates of one width.
     *
     * @param width          the width
     * @param throughput     mean throughput over repeats, per s
     * @param p99Ms          mean p99 response time over repeats, ms (NaN when unknown)
     * @param latencySloPass true when every latency SLO of every repeat passed (true when there are none)
     */
    public record WidthStats(int width, double throughput, double p99Ms, boolean latencySloPass) {
    }

    /**
     * The answer.
     *
     * @param width   recommended width, or null when none qualifies
     * @param stats   the aggregates at that width, or null
     * @param plateau the plateau throughput, per s (NaN for an empty input)
     * @param reason  why there is no answer, or null
     */
    public record Choice(Integer width, WidthStats stats, double plateau, String reason) {
    }

    /** Applies the rule; {@code widths} in any order. */
    public Choice choose(List<WidthStats> widths) {
        if (widths.isEmpty()) return new Choice(null, null, Double.NaN, "no completed valid points");
        double plateau = widths.stream().mapToDouble(WidthStats::throughput).max().orElse(Double.NaN);
        double threshold = (1 - share) * plateau;
        WidthStats best = null;
        boolean anyNearPlateau = false;
        for (WidthStats w : widths) {
            if (w.throughput() >= threshold) {
                anyNearPlateau = true;
                if (w.latencySloPass() && (best == null || w.width() < best.width())) best = w;
            }
        }
        if (best != null) return new Choice(best.width(), best, plateau, null);
        return new Choice(null, null, plateau, anyNearPlateau
            ? "no width near the plateau meets the latency SLO" : "no width near the plateau");
    }
}
