package io.fanlab.harness.load;

import java.util.Locale;

/**
 * What a load generator did, and whether its own lateness makes the run's latencies suspect.
 *
 * <p>Schedule lag is {@code actual submit time - intended start} of each item, measured on the generator thread
 * just before {@link ItemSink#submit}. It is not part of the system's latency (which is measured from the intended
 * start anyway) but large lag means the offered load was not the intended one.
 *
 * @param offered            items handed to the sink
 * @param intendedRatePerSec open model: the schedule's mean rate over the run (expected arrivals / duration);
 *                           closed model: the rate the users achieved (offered / elapsed), as there is no intent
 * @param lagP50Us           median schedule lag, microseconds (0 for the closed model)
 * @param lagP99Us           99th percentile schedule lag, microseconds
 * @param lagMaxUs           largest schedule lag, microseconds
 * @param missedStarts       items whose lag exceeded the generator's missed-start threshold
 * @param fellBehind         {@link #fellBehind(double, long, long)} on these figures
 * @param notStarted         open model: arrivals scheduled before the end offset that were not handed to the sink by
 *                           the deadline (the end offset; see {@link OpenLoadGenerator}); never offered, never silently
 *                           dropped: counted here. 0 for the closed model
 */
public record GeneratorStats(long offered, double intendedRatePerSec, double lagP50Us, double lagP99Us, double lagMaxUs,
                             long missedStarts, boolean fellBehind, long notStarted) {

    /** Rule part 1: the generator fell behind if its p99 schedule lag exceeds this many microseconds. */
    public static final double FELL_BEHIND_P99_LAG_US = 200;
    /** Rule part 2: ... or if more than this share of items were missed starts. */
    public static final double FELL_BEHIND_MISSED_SHARE = 0.01;

    public GeneratorStats {
        if (offered < 0) throw new IllegalArgumentException("offered: " + offered + " (expected: >= 0)");
        if (missedStarts < 0 || missedStarts > offered)
            throw new IllegalArgumentException("missedStarts: " + missedStarts + " (expected: 0.." + offered + ")");
        if (!(lagP50Us >= 0 && lagP99Us >= lagP50Us && lagMaxUs >= lagP99Us))
            throw new IllegalArgumentException("lag: p50 " + lagP50Us + " p99 " + lagP99Us + " max " + lagMaxUs + " us (expected: 0 <= p50 <= p99 <= max)");
        if (!(intendedRatePerSec >= 0) || Double.isInfinite(intendedRatePerSec))
            throw new IllegalArgumentException("intendedRatePerSec: " + intendedRatePerSec + " (expected: finite >= 0)");
        if (notStarted < 0) throw new IllegalArgumentException("notStarted: " + notStarted + " (expected: >= 0)");
    }

    /** Stats of a run that started every arrival ({@code notStarted = 0}). */
    public GeneratorStats(long offered, double intendedRatePerSec, double lagP50Us, double lagP99Us, double lagMaxUs,
                          long missedStarts, boolean fellBehind) {
        this(offered, intendedRatePerSec, lagP50Us, lagP99Us, lagMaxUs, missedStarts, fellBehind, 0);
    }

    /** The same figures with {@code notStarted} replaced. */
    public GeneratorStats withNotStarted(long n) {
        return new GeneratorStats(offered, intendedRatePerSec, lagP50Us, lagP99Us, lagMaxUs, missedStarts, fellBehind, n);
    }

    /** Stats with {@code fellBehind} computed by the rule. */
    public static GeneratorStats of(long offered, double intendedRatePerSec, double lagP50Us, double lagP99Us, double lagMaxUs, long missedStarts) {
        return new GeneratorStats(offered, intendedRatePerSec, lagP50Us, lagP99Us, lagMaxUs, missedStarts,
                fellBehind(lagP99Us, missedStarts, offered));
    }

    /**
     * The fell-behind rule: {@code lagP99Us > FELL_BEHIND_P99_LAG_US || missedStarts > FELL_BEHIND_MISSED_SHARE * offered}.
     * An empty run did not fall behind.
     */
    public static boolean fellBehind(double lagP99Us, long missedStarts, long offered) {
        return lagP99Us > FELL_BEHIND_P99_LAG_US || missedStarts > FELL_BEHIND_MISSED_SHARE * offered;
    }

    /** Share of offered items that were missed starts (0 when nothing was offered). */
    public double missedShare() { return offered == 0 ? 0 : (double) missedStarts / offered; }

    /** One line for logs and the self-check. */
    public String summary() {
        return String.format(Locale.ROOT,
                "offered=%d intended=%.1f/s lag p50=%.1fus p99=%.1fus max=%.1fus missed=%d (%.3f%%)%s %s",
                offered, intendedRatePerSec, lagP50Us, lagP99Us, lagMaxUs, missedStarts, 100 * missedShare(),
                notStarted == 0 ? "" : " not_started=" + notStarted,
                fellBehind ? "FELL BEHIND (p99 lag > " + (long) FELL_BEHIND_P99_LAG_US + "us or missed > "
                        + (FELL_BEHIND_MISSED_SHARE * 100) + "%)" : "kept up");
    }
}
