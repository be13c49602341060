package io.fanlab.engine.limit;

import io.fanlab.engine.spec.LimitSpec;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Netflix Gradient2: grows the limit while the short-term RTT stays close to the long-term RTT and shrinks it in
 * proportion when the short-term RTT rises above it (queueing somewhere downstream).
 *
 * <p>Rule, per sample (as {@code com.netflix.concurrency.limits.limit.Gradient2Limit}):
 * <pre>
 *   shortRtt = rtt
 *   longRtt  = expAvg(rtt)       first {@code warmup} samples: plain mean; then factor 2 / (longWindow + 1)
 *   if longRtt / shortRtt &gt; 2:  the stored longRtt *= 0.95   (recover faster after a long overload)
 *   if inflight &lt; limit / 2:   unchanged                      (app-limited: the sample says nothing)
 *   gradient = max(0.5, min(1, tolerance * longRtt / shortRtt))
 *   newLimit = limit * gradient + queueSize
 *   limit    = clamp(min, max, limit * (1 - smoothing) + newLimit * smoothing)
 * </pre>
 * Samples with {@code rtt <= 0} carry no information and are ignored. The limit is kept as a double;
 * {@link #currentLimit()} is its floor. {@code didDrop} is ignored, as in the
 * original: drops show up as RTT. The queue-size allowance lets the limit keep probing upwards while RTTs are
 * flat, and the 0.5 floor of the gradient keeps one outlier from cutting the limit by more than half in one
 * sample (with smoothing 0.2, by more than 10%).
 * The decay factor 0.95 is that of the Netflix versions with an RTT tolerance (later versions dropped the
 * tolerance and decay by 0.9). Like the original, a decay during warm-up is overwritten by the next warm-up mean.
 *
 * <p>Why Gradient2 and not Envoy's adaptive-concurrency gradient: Envoy measures a min-RTT in periodic probe
 * windows during which it drops the limit to a small value ({@code min_concurrency}) so queues drain. In a load
 * test that probe is itself a periodic, self-inflicted latency and throughput dip that would show up in every
 * report as a fault we did not inject, and its interval is a second clock-driven parameter to tune. Gradient2 needs
 * no probing: it compares against a slowly moving long-term average, reacts per sample, and is driven by samples
 * alone, so it is deterministic under a scripted sample sequence. Its known weakness (a slow, steady RTT drift is
 * absorbed into the long-term average) is acceptable for the minutes-long runs fanlab does.
 *
 * <p>Defaults: smoothing 0.2, long window 600 samples, warm-up 10 samples (the Netflix defaults); tolerance and
 * queue size come from {@link LimitSpec.Gradient}.
 *
 * <p>Threading: {@link #onSample} updates under a {@link ReentrantLock}; {@link #currentLimit()} reads a volatile.
 */
public final class Gradient2Limit implements Limit {
    public static final double DEFAULT_SMOOTHING = 0.2;
    public static final int DEFAULT_LONG_WINDOW = 600;
    public static final int DEFAULT_WARMUP = 10;

    private final int min;
    private final int max;
    private final double tolerance;
    private final int queueSize;
    private final double smoothing;
    private final double longFactor;
    private final int warmup;
    private final ReentrantLock lock = new ReentrantLock();

    // guarded by lock
    private int warmupCount;
    private double warmupSum;
    private double longRtt;
    private volatile double estimated;

    /** With the Netflix defaults for smoothing, long window and warm-up. */
    public Gradient2Limit(LimitSpec.Gradient spec) {
        this(spec.initial(), spec.min(), spec.max(), spec.tolerance(), spec.queueSize(), DEFAULT_SMOOTHING,
                DEFAULT_LONG_WINDOW, DEFAULT_WARMUP);
    }

    /**
     * @param smoothing  share of the new estimate taken per sample, in (0, 1]
     * @param longWindow samples of the long-term RTT exponential average, >= 1
     * @param warmup     samples averaged plainly before the exponential average starts, >= 1
     */
    public Gradient2Limit(int initial, int min, int max, double tolerance, int queueSize, double smoothing,
                          int longWindow, int warmup) {
        var checked = new LimitSpec.Gradient(initial, min, max, tolerance, queueSize); // validates the common part
        if (!(smoothing > 0 && smoothing <= 1))
            throw new IllegalArgumentException("limit.smoothing: " + smoothing + " (expected: 0 < s <= 1)");
        if (longWindow < 1) throw new IllegalArgumentException("limit.long_window: " + longWindow + " (expected: >= 1)");
        if (warmup < 1) throw new IllegalArgumentException("limit.warmup: " + warmup + " (expected: >= 1)");
        this.min = checked.min();
        this.max = checked.max();
        this.tolerance = tolerance;
        this.queueSize = queueSize;
        this.smoothing = smoothing;
        this.longFactor = 2.0 / (longWindow + 1);
        this.warmup = warmup;
        this.estimated = initial;
    }

    @Override public int currentLimit() { return (int) estimated; }

    /** The unrounded limit estimate. */
    public double estimatedLimit() { return estimated; }

    @Override public void onSample(long startNanos, long rttNanos, int inflight, boolean didDrop) {
        if (rttNanos <= 0) return; // no information, and it would divide by zero
        lock.lock();
        try {
            double shortRtt = rttNanos;
            double longNow = addLong(shortRtt);
            if (longNow / shortRtt > 2) longRtt = longRtt * 0.95;
            double limit = estimated;
            if (inflight < limit / 2) return;
            double gradient = Math.max(0.5, Math.min(1.0, tolerance * longNow / shortRtt));
            double next = limit * gradient + queueSize;
            next = limit * (1 - smoothing) + next * smoothing;
            estimated = Math.max(min, Math.min(max, next));
        } finally {
            lock.unlock();
        }
    }

    private double addLong(double sample) {
        if (warmupCount < warmup) {
            warmupCount++;
            warmupSum += sample;
            longRtt = warmupSum / warmupCount;
        } else {
            longRtt = longRtt * (1 - longFactor) + sample * longFactor;
        }
        return longRtt;
    }

    @Override public String toString() { return "Gradient2Limit[" + estimated + " in " + min + ".." + max + "]"; }
}
