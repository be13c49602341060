package io.fanlab.harness.validity;

import io.fanlab.reports.run.PointResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Is the measured window in a steady state? Compares the last third of the window's per-interval rows (the
 * sampler's 1 s rows) with the first third (a third is {@code round(n / 3)} intervals, at least one: 2 of a 5 s
 * window), for throughput and for median response time. Thirds rather than a
 * regression slope: with the 5-10 intervals of a typical window a slope's confidence interval is wider than the
 * effect, while the mean of a third is robust to one noisy interval and a warmup transient shows as a step between
 * the thirds. Median rather than p99: a 1 s interval's p99 rests on a handful of samples at a few hundred items per
 * second, its median on half of them.
 *
 * <h2>Thresholds</h2>
 * <ul>
 *   <li>Throughput: flagged when the change exceeds {@link #THROUGHPUT_WARN} (10%) or four standard deviations of
 *       the counting noise of the two thirds, {@code 4 sqrt(2 / n)} with {@code n = (n1 + n2) / 2} the mean
 *       completions per third (Poisson counts, pooled under "no trend"), whichever is larger: a point at 100/s
 *       over 2 s thirds has 20% of pure noise at 4 sigma.</li>
 *   <li>Median response: flagged when it changes by more than {@link #P50_WARN} (20%) and by more than
 *       {@link #P50_MIN_CHANGE_MS} (0.1 ms, the order of the harness's own floor: scheduler wake-ups).</li>
 *   <li>Either change above {@link #INVALID} (50%) makes the point invalid: the window then holds two regimes, and its
 *       mean describes neither.</li>
 * </ul>
 * Not judged when the load itself varies (ramp, steps, spike, a load spike or any fault in the window), or with fewer
 * than {@link #MIN_INTERVALS} intervals. Pure functions; thread-safe.
 */
public final class SteadyState {
    public static final double THROUGHPUT_WARN = 0.10;
    public static final double P50_WARN = 0.20;
    public static final double P50_MIN_CHANGE_MS = 0.1;
    public static final double INVALID = 0.50;
    public static final int MIN_INTERVALS = 3;
    static final double NOISE_SIGMAS = 4;

    private SteadyState() {}

    /**
     * @param throughput completions per second of each interval inside the window, in time order
     * @param p50Ms      median response time of each interval, ms; negative when the interval had no completions
     * @param intervalS  length of an interval, seconds
     * @param notJudged  why the window is not judged (varying load, faults), or null to judge it
     */
    public static PointResult.Steady check(double[] throughput, double[] p50Ms, double intervalS, String notJudged) {
        int n = throughput.length;
        if (notJudged != null) return new PointResult.Steady(n, null, null, null, null, notJudged);
        if (n < MIN_INTERVALS) return new PointResult.Steady(n, null, null, null, null, "fewer than " + MIN_INTERVALS + " intervals in the window");
        int third = (int) Math.max(1, Math.round(n / 3.0)); // 5 intervals: 2 and 2, so one noisy interval does not decide
        double x1 = mean(throughput, 0, third), x2 = mean(throughput, n - third, n);
        Double dx = x1 > 0 ? (x2 - x1) / x1 : null;
        double c1 = x1 * intervalS * third, c2 = x2 * intervalS * third;
        // under "no trend" both thirds count the same rate: pooled, the difference's noise is sqrt(2 / mean count)
        Double tol = c1 + c2 > 0 ? Math.max(THROUGHPUT_WARN, NOISE_SIGMAS * Math.sqrt(4 / (c1 + c2))) : null;
        double l1 = meanPositive(p50Ms, 0, third), l2 = meanPositive(p50Ms, n - third, n);
        boolean latencyKnown = l1 > 0 && l2 > 0;
        return new PointResult.Steady(n, dx, tol, latencyKnown ? (l2 - l1) / l1 : null, latencyKnown ? l2 - l1 : null, null);
    }

    /** Whether the check flags a trend at all. */
    public static boolean trending(PointResult.Steady s) {
        if (s == null || s.notJudged() != null) return false;
        boolean x = s.throughputChange() != null && s.throughputTolerance() != null && Math.abs(s.throughputChange()) > s.throughputTolerance();
        boolean l = latencyMoved(s) && Math.abs(s.p50Change()) > P50_WARN;
        return x || l;
    }

    /** Whether the trend is large enough to invalidate the point. */
    public static boolean invalid(PointResult.Steady s) {
        if (!trending(s)) return false;
        return (s.throughputChange() != null && Math.abs(s.throughputChange()) > Math.max(INVALID, s.throughputTolerance()))
                || (latencyMoved(s) && Math.abs(s.p50Change()) > INVALID);
    }

    private static boolean latencyMoved(PointResult.Steady s) {
        return s.p50Change() != null && s.p50ChangeMs() != null && Math.abs(s.p50ChangeMs()) > P50_MIN_CHANGE_MS;
    }

    /** The warning for a trending window, or null. */
    public static String describe(PointResult.Steady s) {
        if (!trending(s)) return null;
        StringBuilder b = new StringBuilder("not in steady state: over the measured window's " + s.intervals() + " intervals, the last third vs the first");
        if (s.throughputChange() != null) b.append(String.format(Locale.ROOT, ": throughput %+.0f%% (tolerance %.0f%%)", s.throughputChange() * 100, s.throughputTolerance() * 100));
        if (s.p50Change() != null) b.append(String.format(Locale.ROOT, ", median response %+.0f%% (%+.2f ms; tolerance %.0f%% and %.1f ms)",
                s.p50Change() * 100, s.p50ChangeMs(), P50_WARN * 100, P50_MIN_CHANGE_MS));
        b.append("; lengthen the warmup (phases.warmup) so the window starts after the transient");
        if (invalid(s)) b.append(String.format(Locale.ROOT, " (a change above %.0f%% makes the point invalid)", INVALID * 100));
        return b.toString();
    }

    /**
     * The check over the sampler's rows ({@code intervals.json}: {@code t_s} at each interval's end, counted from the
     * point's start event, plus {@code throughput} and {@code p50_ms}) whose interval lies inside the measured window
     * {@code [warmupS, warmupS + measureS]} on the run's clock ({@code t_s - rowOffsetS}), within 50 ms of its edges
     * (the sampler wakes a few ms late).
     */
    public static PointResult.Steady fromRows(List<Map<String, Object>> rows, double rowOffsetS, double warmupS, double measureS,
                                              double intervalS, String notJudged) {
        double slack = 0.05;
        List<double[]> in = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            if (!(r.get("t_s") instanceof Number t) || !(r.get("throughput") instanceof Number x) || !(r.get("p50_ms") instanceof Number l)) continue;
            double end = t.doubleValue() - rowOffsetS;
            if (end - intervalS >= warmupS - slack && end <= warmupS + measureS + slack) in.add(new double[] {x.doubleValue(), l.doubleValue()});
        }
        double[] xs = new double[in.size()], ls = new double[in.size()];
        for (int i = 0; i < in.size(); i++) {
            xs[i] = in.get(i)[0];
            ls[i] = in.get(i)[1];
        }
        return check(xs, ls, intervalS, notJudged);
    }

    private static double mean(double[] a, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += a[i];
        return to > from ? s / (to - from) : 0;
    }

    private static double meanPositive(double[] a, int from, int to) {
        double s = 0;
        int k = 0;
        for (int i = from; i < to; i++) if (a[i] >= 0) { s += a[i]; k++; }
        return k == 0 ? -1 : s / k;
    }
}
