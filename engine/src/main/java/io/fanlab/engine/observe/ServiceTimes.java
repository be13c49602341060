package io.fanlab.engine.observe;

import java.util.Arrays;

/**
 * A stage's service times (the time its work took per item, in nanoseconds) as counts in {@value #BUCKETS} fixed
 * log-linear buckets: immutable, cumulative since the stage started when it comes from a {@link StageStats}; the
 * difference of two snapshots ({@link #minus}) is the histogram of the window between them.
 *
 * <p>Buckets: values below 8 ns have one bucket each; above, every power of two is split into 8 equal buckets, so a
 * bucket is at most 1/8 of its lower bound wide and a percentile read from it is at most 12.5% above the true value
 * ({@link #percentileNanos} returns the bucket's highest value, as HdrHistogram's highest equivalent value). Values
 * of {@value #MAX_TRACKED_NANOS} ns (about 4.9 hours) or more share the last bucket. Negative values count as 0.
 *
 * <p>Recording costs one clock read per item and a counter increment in the worker's own array (no allocation, no
 * shared write); it runs only while {@link ServiceTimeSampling#isOn()} (a JFR recording enables the engine's stage
 * window events).
 */
public final class ServiceTimes {
    /** Sub-buckets per power of two: 2^{@value #SUB_BITS}. */
    private static final int SUB_BITS = 3, SUB = 1 << SUB_BITS;
    /** The first value of the last bucket: 2^44 ns. */
    public static final long MAX_TRACKED_NANOS = 1L << 44;
    /** Number of buckets. */
    public static final int BUCKETS = index(MAX_TRACKED_NANOS) + 1;
    /** No item recorded. */
    public static final ServiceTimes EMPTY = new ServiceTimes(new long[BUCKETS], 0);

    private final long[] counts;
    private final long count;

    private ServiceTimes(long[] counts, long count) {
        this.counts = counts;
        this.count = count;
    }

    /** A snapshot of {@code counts} (copied; length {@link #BUCKETS}, every count >= 0). */
    public static ServiceTimes of(long[] counts) {
        if (counts.length != BUCKETS) throw new IllegalArgumentException("counts.length: " + counts.length + " (expected: " + BUCKETS + ")");
        long n = 0;
        for (long c : counts) {
            if (c < 0) throw new IllegalArgumentException("counts: " + c + " (expected: every count >= 0)");
            n += c;
        }
        return n == 0 ? EMPTY : new ServiceTimes(counts.clone(), n);
    }

    /** The bucket of {@code nanos}. */
    public static int index(long nanos) {
        if (nanos < SUB) return (int) Math.max(0, nanos);
        if (nanos >= MAX_TRACKED_NANOS) nanos = MAX_TRACKED_NANOS;
        int exp = 63 - Long.numberOfLeadingZeros(nanos); // >= SUB_BITS
        int sub = (int) (nanos >>> (exp - SUB_BITS)) & (SUB - 1);
        return (exp - SUB_BITS + 1) * SUB + sub;
    }

    /** The smallest value of bucket {@code i}. */
    public static long lowestNanos(int i) {
        if (i < SUB) return i;
        int exp = i / SUB + SUB_BITS - 1, sub = i % SUB;
        return (long) (SUB + sub) << (exp - SUB_BITS);
    }

    /** The largest value of bucket {@code i} (the last bucket: {@link Long#MAX_VALUE}). */
    public static long highestNanos(int i) {
        return i >= BUCKETS - 1 ? Long.MAX_VALUE : lowestNanos(i + 1) - 1;
    }

    /** Items recorded. */
    public long count() { return count; }

    /** Items in bucket {@code i}. */
    public long count(int i) { return counts[i]; }

    /**
     * The window since {@code earlier}: bucket-wise differences, a negative one (an earlier snapshot of another
     * stage, or counters that went backwards) read as 0.
     */
    public ServiceTimes minus(ServiceTimes earlier) {
        if (earlier.count == 0) return this;
        long[] d = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) d[i] = Math.max(0, counts[i] - earlier.counts[i]);
        return of(d);
    }

    /**
     * The highest value of the bucket holding the item of rank {@code ceil(q x count)} (q in (0, 1]): at most 12.5%
     * above the true percentile. 0 when empty.
     */
    public long percentileNanos(double q) {
        if (!(q > 0 && q <= 1)) throw new IllegalArgumentException("q: " + q + " (expected: 0 < q <= 1)");
        if (count == 0) return 0;
        long rank = Math.max(1, (long) Math.ceil(q * count)), seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) return highestNanos(i);
        }
        return highestNanos(BUCKETS - 1);
    }

    /** The highest value of the highest non-empty bucket (within 12.5% of the largest item); 0 when empty. */
    public long maxNanos() {
        for (int i = BUCKETS - 1; i >= 0; i--) if (counts[i] > 0) return highestNanos(i);
        return 0;
    }

    @Override public boolean equals(Object o) { return o instanceof ServiceTimes s && Arrays.equals(counts, s.counts); }
    @Override public int hashCode() { return Arrays.hashCode(counts); }
    @Override public String toString() {
        return count == 0 ? "ServiceTimes[empty]"
                : "ServiceTimes[n=" + count + ", p50=" + percentileNanos(0.5) + "ns, p99=" + percentileNanos(0.99) + "ns, max=" + maxNanos() + "ns]";
    }
}
