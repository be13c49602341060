package io.fanlab.reports.analysis;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Percentile-bootstrap confidence interval of a mean over repeats: draw {@link #RESAMPLES} samples of the same size
 * with replacement, take each sample's mean, and report the {@code (1 - level) / 2} and {@code (1 + level) / 2}
 * quantiles of those means. Seeded, so a report re-rendered from the same run directory draws the same intervals.
 *
 * <p>What it does and does not say: the interval is where the mean of another run of the same repeats would likely
 * fall if the repeats were all the variation there is (machine noise between points, not between machines). With
 * few repeats it says little: a resample of n repeats is all one repeat with probability n^(1-n), which is above
 * 2.5% for n = 2 and 3, so their 95% interval is the repeats' min..max; from 4 repeats on its ends lie inside
 * min..max (distinct values). Pure function; thread-safe.
 */
public final class Bootstrap {

    /** Resamples per interval. 2000 keeps the quantiles' Monte Carlo error near 1% of the interval width. */
    public static final int RESAMPLES = 2000;
    /** Confidence level of the intervals drawn in the report. */
    public static final double LEVEL = 0.95;
    /** Seed of every interval: the same data always gives the same interval. */
    public static final long SEED = 0x5EEDL;

    private Bootstrap() {
    }

    /**
     * An interval of the mean.
     *
     * @param mean the sample mean of the repeats
     * @param lo   lower bound ({@code <= mean})
     * @param hi   upper bound ({@code >= mean})
     * @param n    repeats
     */
    public record Interval(double mean, double lo, double hi, int n) {
    }

    /** The {@link #LEVEL} interval of the mean of {@code xs} with {@link #SEED}; null for fewer than 2 values. */
    public static Interval ofMean(double[] xs) {
        return ofMean(xs, LEVEL, RESAMPLES, SEED);
    }

    /**
     * The percentile-bootstrap interval of the mean of {@code xs}.
     *
     * @return null for fewer than 2 values (one repeat has no spread to resample)
     * @throws IllegalArgumentException when {@code level} is not in (0, 1), {@code resamples < 100} or a value is not finite
     */
    public static Interval ofMean(double[] xs, double level, int resamples, long seed) {
        if (!(level > 0 && level < 1)) throw new IllegalArgumentException("level: " + level + " (expected: in (0, 1))");
        if (resamples < 100) throw new IllegalArgumentException("resamples: " + resamples + " (expected: >= 100)");
        for (double x : xs) if (!Double.isFinite(x)) throw new IllegalArgumentException("value: " + x + " (expected: finite)");
        if (xs.length < 2) return null;
        int n = xs.length;
        double mean = Arrays.stream(xs).sum() / n;
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] means = new double[resamples];
        for (int r = 0; r < resamples; r++) {
            double sum = 0;
            for (int i = 0; i < n; i++) sum += xs[rnd.nextInt(n)];
            means[r] = sum / n;
        }
        Arrays.sort(means);
        double lo = quantile(means, (1 - level) / 2), hi = quantile(means, (1 + level) / 2);
        // the sample mean is itself a resampled mean's likeliest value; guard float summation order for exact ties
        return new Interval(mean, Math.min(lo, mean), Math.max(hi, mean), n);
    }

    /** Lower empirical quantile: the value at rank ceil(q * n) (1-based) of the sorted array. */
    static double quantile(double[] sorted, double q) {
        int k = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, k))];
    }
}
