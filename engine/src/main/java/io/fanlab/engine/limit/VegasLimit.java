package io.fanlab.engine.limit;

import io.fanlab.engine.spec.LimitSpec;

import java.util.concurrent.locks.ReentrantLock;

/**
 * TCP Vegas applied to concurrency (as {@code com.netflix.concurrency.limits.limit.VegasLimit}): estimates how many
 * items are queued downstream from how much the RTT exceeds the no-load RTT, and steps the limit to keep that
 * estimate between alpha and beta.
 *
 * <p>Rule, per sample, with {@code L = (int) limit} and {@code lg = max(1, floor(log10(L)))}:
 * <pre>
 *   every probeMultiplier * limit samples: rttNoLoad = rtt (probe/reset: forget an old minimum), no update
 *   if rttNoLoad unset or rtt &lt; rttNoLoad:  rttNoLoad = rtt, no update
 *   queue = ceil(limit * (1 - rttNoLoad / rtt))
 *   didDrop:                   newLimit = limit - lg
 *   inflight * 2 &lt; limit:     unchanged (app-limited)
 *   queue &lt;= lg (threshold):   newLimit = limit + 6 lg   (beta: far from queueing, grow fast)
 *   queue &lt; 3 lg (alpha):      newLimit = limit + lg
 *   queue &gt; 6 lg (beta):       newLimit = limit - lg
 *   otherwise:                 unchanged
 *   limit = clamp(min, max, (1 - smoothing) * limit + smoothing * newLimit)
 * </pre>
 * The original jitters the probe interval randomly in [0.5, 1); here it is deterministic (a scripted sample
 * sequence gives one exact limit sequence).
 *
 * <p>Defaults: smoothing 1.0, probe multiplier 30 (the Netflix defaults).
 *
 * <p>Threading: {@link #onSample} updates under a {@link ReentrantLock}; {@link #currentLimit()} reads a volatile.
 */
public final class VegasLimit implements Limit {
    public static final double DEFAULT_SMOOTHING = 1.0;
    public static final int DEFAULT_PROBE_MULTIPLIER = 30;

    private final int min;
    private final int max;
    private final double smoothing;
    private final int probeMultiplier;
    private final ReentrantLock lock = new ReentrantLock();

    // guarded by lock
    private long rttNoLoad;
    private long probeCount;
    private volatile double estimated;

    public VegasLimit(LimitSpec.Vegas spec) {
        this(spec.initial(), spec.min(), spec.max(), DEFAULT_SMOOTHING, DEFAULT_PROBE_MULTIPLIER);
    }

    /**
     * @param smoothing       share of the new estimate taken per sample, in (0, 1]
     * @param probeMultiplier the no-load RTT is reset every {@code probeMultiplier * limit} samples, >= 1
     */
    public VegasLimit(int initial, int min, int max, double smoothing, int probeMultiplier) {
        var checked = new LimitSpec.Vegas(initial, min, max);
        if (!(smoothing > 0 && smoothing <= 1))
            throw new IllegalArgumentException("limit.smoothing: " + smoothing + " (expected: 0 < s <= 1)");
        if (probeMultiplier < 1)
            throw new IllegalArgumentException("limit.probe_multiplier: " + probeMultiplier + " (expected: >= 1)");
        this.min = checked.min();
        this.max = checked.max();
        this.smoothing = smoothing;
        this.probeMultiplier = probeMultiplier;
        this.estimated = initial;
    }

    @Override public int currentLimit() { return (int) estimated; }

    /** The unrounded limit estimate. */
    public double estimatedLimit() { return estimated; }

    /** The current no-load RTT estimate in nanoseconds, 0 before the first sample. */
    public long rttNoLoadNanos() {
        lock.lock();
        try { return rttNoLoad; } finally { lock.unlock(); }
    }

    @Override public void onSample(long startNanos, long rttNanos, int inflight, boolean didDrop) {
        lock.lock();
        try {
            double limit = estimated;
            probeCount++;
            if ((double) probeMultiplier * limit <= probeCount) {
                probeCount = 0;
                rttNoLoad = rttNanos;
                return;
            }
            if (rttNoLoad <= 0 || rttNanos < rttNoLoad) {
                rttNoLoad = rttNanos;
                return;
            }
            int lg = log10((int) limit);
            double next;
            if (didDrop) {
                next = limit - lg;
            } else if (inflight * 2L < limit) {
                return;
            } else {
                int queue = (int) Math.ceil(limit * (1 - (double) rttNoLoad / rttNanos));
                if (queue <= lg) next = limit + 6 * lg;
                else if (queue < 3 * lg) next = limit + lg;
                else if (queue > 6 * lg) next = limit - lg;
                else return;
            }
            next = Math.max(min, Math.min(max, next));
            estimated = Math.max(min, Math.min(max, (1 - smoothing) * limit + smoothing * next));
        } finally {
            lock.unlock();
        }
    }

    private static int log10(int value) {
        return Math.max(1, (int) Math.log10(Math.max(1, value)));
    }

    @Override public String toString() { return "VegasLimit[" + estimated + " in " + min + ".." + max + "]"; }
}
