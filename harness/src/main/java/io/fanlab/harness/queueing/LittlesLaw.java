package io.fanlab.harness.queueing;

/**
 * Little's law {@code L = lambda W} as a check on measurements: the time-averaged number in system, measured
 * directly, against arrival rate times mean response time.
 *
 * <p>Over a window that starts and ends empty the law is an identity (both sides are the area under N(t) divided
 * by the window length), so a relative error above a few percent on such a window means the measurements are
 * inconsistent (lost items, wrong timestamps, clocks mixed). On a window cut through a busy period, items
 * straddling the edges make the two sides differ; the error then shrinks as the window grows.
 *
 * <p>Times are nanoseconds on one clock; rates are per second; results are plain numbers. Stateless and
 * thread-safe; arrays are read, never kept or changed.
 */
public final class LittlesLaw {
    /** Marks an item still in the system at the end of the window (no exit time). */
    public static final long NOT_EXITED = -1;

    private LittlesLaw() {}

    /**
     * The time-averaged number in system over {@code [fromNanos, toNanos)}: the sum over items of the overlap of
     * {@code [entry, exit)} with the window, divided by the window length. An exit of {@link #NOT_EXITED} counts
     * as {@code toNanos}.
     *
     * @throws IllegalArgumentException if the arrays differ in length, the window is empty, or an exit precedes
     *                                  its entry
     */
    public static double timeAverageInSystem(long[] entryNanos, long[] exitNanos, long fromNanos, long toNanos) {
        checkTimeline(entryNanos, exitNanos, fromNanos, toNanos);
        double area = 0;
        for (int i = 0; i < entryNanos.length; i++)
            area += overlap(entryNanos[i], exitNanos[i] == NOT_EXITED ? toNanos : exitNanos[i], fromNanos, toNanos);
        return area / (toNanos - fromNanos);
    }

    /** Nanoseconds of {@code [entry, exit)} inside {@code [from, to)}; 0 when they do not meet. */
    static long overlap(long entry, long exit, long from, long to) {
        long lo = Math.max(entry, from), hi = Math.min(exit, to);
        return hi > lo ? hi - lo : 0;
    }

    /**
     * The time-averaged number in system from periodic (or irregular) samples: sample i's count holds over
     * {@code [t_i, t_{i+1})}; the last sample only closes the window.
     *
     * @param sampleNanos strictly increasing sample times, at least two
     * @param counts      number in system at each sample time
     */
    public static double timeAverageOfSamples(long[] sampleNanos, long[] counts) {
        if (sampleNanos == null || counts == null || sampleNanos.length != counts.length)
            throw new IllegalArgumentException("samples: times and counts differ in length (expected: equal lengths)");
        if (sampleNanos.length < 2) throw new IllegalArgumentException("samples: " + sampleNanos.length + " (expected: >= 2)");
        double area = 0;
        for (int i = 0; i + 1 < sampleNanos.length; i++) {
            long dt = sampleNanos[i + 1] - sampleNanos[i];
            if (dt <= 0) throw new IllegalArgumentException("samples[" + (i + 1) + "]: " + sampleNanos[i + 1] + "ns (expected: > " + sampleNanos[i] + "ns)");
            if (counts[i] < 0) throw new IllegalArgumentException("counts[" + i + "]: " + counts[i] + " (expected: >= 0)");
            area += (double) counts[i] * dt;
        }
        return area / (sampleNanos[sampleNanos.length - 1] - sampleNanos[0]);
    }

    /** Compares {@code lambda * W} with an observed L. */
    public static Check check(double lambdaPerSec, double meanResponseSec, double observedL) {
        return new Check(lambdaPerSec, meanResponseSec, lambdaPerSec * meanResponseSec, observedL);
    }

    /**
     * Little's law on a timeline over {@code [fromNanos, toNanos)}: lambda = entries in the window per second;
     * W = mean {@code exit - entry} of those entries that exited (anywhere, also after the window); L = the
     * time-averaged number in system in the window ({@link #timeAverageInSystem}).
     */
    public static Check ofTimeline(long[] entryNanos, long[] exitNanos, long fromNanos, long toNanos) {
        double l = timeAverageInSystem(entryNanos, exitNanos, fromNanos, toNanos);
        long arrived = 0, exited = 0;
        double responseSum = 0;
        for (int i = 0; i < entryNanos.length; i++) {
            if (entryNanos[i] < fromNanos || entryNanos[i] >= toNanos) continue;
            arrived++;
            if (exitNanos[i] != NOT_EXITED) {
                exited++;
                responseSum += exitNanos[i] - entryNanos[i];
            }
        }
        double seconds = (toNanos - fromNanos) / 1e9;
        double w = exited == 0 ? 0 : responseSum / exited / 1e9;
        return check(arrived / seconds, w, l);
    }

    /**
     * {@link #ofTimeline} computed on the fly, for a live system whose items are too many to keep: call
     * {@link #exited} once per item when it leaves (any outcome), then {@link #check()} once every item that entered
     * has exited. Gives exactly the {@code ofTimeline} figures of the same entries and exits (a property test holds
     * the two together). Thread-safe and lock-free ({@link java.util.concurrent.atomic.LongAdder}s); {@code exited}
     * may be called from any number of threads.
     */
    public static final class Accumulator {
        private final long fromNanos, toNanos;
        private final java.util.concurrent.atomic.LongAdder areaNanos = new java.util.concurrent.atomic.LongAdder();
        private final java.util.concurrent.atomic.LongAdder arrived = new java.util.concurrent.atomic.LongAdder();
        private final java.util.concurrent.atomic.LongAdder responseNanos = new java.util.concurrent.atomic.LongAdder();

        /** @throws IllegalArgumentException if the window is empty */
        public Accumulator(long fromNanos, long toNanos) {
            if (toNanos <= fromNanos) throw new IllegalArgumentException("window: [" + fromNanos + ", " + toNanos + ")ns (expected: to > from)");
            this.fromNanos = fromNanos;
            this.toNanos = toNanos;
        }

        /** One item left the system. @throws IllegalArgumentException if {@code exit < entry} */
        public void exited(long entryNanos, long exitNanos) {
            if (exitNanos < entryNanos) throw new IllegalArgumentException("exit: " + exitNanos + "ns (expected: >= entry " + entryNanos + "ns)");
            long o = overlap(entryNanos, exitNanos, fromNanos, toNanos);
            if (o > 0) areaNanos.add(o);
            if (entryNanos >= fromNanos && entryNanos < toNanos) {
                arrived.increment();
                responseNanos.add(exitNanos - entryNanos);
            }
        }

        /** Items that entered in the window and have exited. */
        public long arrived() { return arrived.sum(); }

        /** The comparison over everything recorded so far (complete once every entry has exited). */
        public Check check() {
            long n = arrived.sum();
            double seconds = (toNanos - fromNanos) / 1e9;
            double w = n == 0 ? 0 : responseNanos.sum() / (double) n / 1e9;
            return LittlesLaw.check(n / seconds, w, areaNanos.sum() / (double) (toNanos - fromNanos));
        }
    }

    private static void checkTimeline(long[] entry, long[] exit, long from, long to) {
        if (entry == null || exit == null || entry.length != exit.length)
            throw new IllegalArgumentException("timeline: entries and exits differ in length (expected: equal lengths)");
        if (to <= from) throw new IllegalArgumentException("window: [" + from + ", " + to + ")ns (expected: to > from)");
        for (int i = 0; i < entry.length; i++)
            if (exit[i] != NOT_EXITED && exit[i] < entry[i])
                throw new IllegalArgumentException("exit[" + i + "]: " + exit[i] + "ns (expected: >= entry " + entry[i] + "ns)");
    }

    /**
     * One Little's-law comparison.
     *
     * @param lambdaPerSec    arrival rate, per second
     * @param meanResponseSec mean time in system, seconds
     * @param predictedL      lambda * W
     * @param observedL       measured time-averaged number in system
     */
    public record Check(double lambdaPerSec, double meanResponseSec, double predictedL, double observedL) {
        /** {@code |predicted - observed| / observed}; 0 when both are 0, infinite when only observed is 0. */
        public double relativeError() {
            double diff = Math.abs(predictedL - observedL);
            if (diff == 0) return 0;
            return observedL == 0 ? Double.POSITIVE_INFINITY : diff / observedL;
        }
    }
}
