package io.fanlab.reports.nightly;

import java.util.List;

/**
 * Finds the most likely single shift in the mean of a short series (a nightly trend) and says whether it is a
 * change point worth flagging.
 *
 * <p>Rule: for every split of the series into a before part and an after part, each at least
 * {@value #MIN_SEGMENT} values long, compute the shift of the means relative to the before mean and Welch-like
 * {@code t = |mean_after - mean_before| / sqrt(var_b / n_b + var_a / n_a)} (a zero variance counts as 1e-12 of the
 * mean squared). The split with the largest {@code t} is the candidate; it is flagged when {@code t >= }
 * {@value #MIN_T} and the relative shift exceeds {@code minShift} (the metric's compare tolerance). A single-split
 * mean-shift test, not e-divisive or PELT: it finds one step, which is what a regression that landed looks like.
 * Pure function; thread-safe.
 */
public final class ChangePoint {

    /** Values needed on each side of a split. */
    public static final int MIN_SEGMENT = 2;
    /** Required t statistic. */
    public static final double MIN_T = 4.0;

    private ChangePoint() {
    }

    /**
     * @param index   the first index of the after part
     * @param before  mean before
     * @param after   mean after
     * @param shift   (after - before) / before
     * @param t       the statistic
     * @param flagged true when it is a change point by the rule
     */
    public record Result(int index, double before, double after, double shift, double t, boolean flagged) {
    }

    /** The best split of {@code xs}, or null when the series is shorter than 2 x {@value #MIN_SEGMENT} (NaNs are not allowed). */
    public static Result find(List<Double> xs, double minShift) {
        int n = xs.size();
        if (n < 2 * MIN_SEGMENT) return null;
        Result best = null;
        for (int k = MIN_SEGMENT; k <= n - MIN_SEGMENT; k++) {
            List<Double> a = xs.subList(0, k);
            List<Double> b = xs.subList(k, n);
            double ma = mean(a);
            double mb = mean(b);
            double floor = 1e-12 * Math.max(ma * ma, 1e-300);
            double se = Math.sqrt(Math.max(var(a, ma), floor) / a.size() + Math.max(var(b, mb), floor) / b.size());
            double t = Math.abs(mb - ma) / se;
            double shift = ma == 0 ? Double.NaN : (mb - ma) / ma;
            if (best == null || t > best.t()) best = new Result(k, ma, mb, shift, t, false);
        }
        boolean flagged = best.t() >= MIN_T && Double.isFinite(best.shift()) && Math.abs(best.shift()) > minShift;
        return new Result(best.index(), best.before(), best.after(), best.shift(), best.t(), flagged);
    }

    private static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static double var(List<Double> xs, double m) {
        if (xs.size() < 2) return 0;
        return xs.stream().mapToDouble(x -> (x - m) * (x - m)).sum() / (xs.size() - 1);
    }
}
