package io.fanlab.harness.probe;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A latency recorder with interval flips and a running total. Writers call {@link #recordNanos} (wait-free);
 * the single reporter thread calls {@link #flipInterval()} to get the histogram of everything recorded since the
 * previous flip, which it also adds to the running total.
 *
 * <p>Values are stored in microseconds, 3 significant digits, from 1 us to 1 hour; larger values are clamped to
 * 1 hour and counted in {@link #clamped()} so nothing is silently lost.
 */
public final class LatencyProbe {
    public static final long MAX_US = 3_600_000_000L;

    private final Recorder recorder = new Recorder(1, MAX_US, 3);
    private final Histogram total = new Histogram(1, MAX_US, 3);
    private Histogram recycle;
    private volatile long clamped;

    /** Records one latency; negative values (clock skew between intended and actual) count as 0. Wait-free. */
    public void recordNanos(long nanos) {
        long us = nanos <= 0 ? 0 : nanos / 1000;
        if (us > MAX_US) {
            us = MAX_US;
            clampedIncrement();
        }
        recorder.recordValue(us);
    }

    private void clampedIncrement() {
        // rare path; a lost increment under a race only under-counts a diagnostic
        clamped = clamped + 1;
    }

    /** Everything recorded since the last flip (a fresh copy the caller owns). Single reader only. */
    public Histogram flipInterval() {
        Histogram interval = recorder.getIntervalHistogram(recycle);
        Histogram copy = interval.copy();
        total.add(interval);
        recycle = interval;
        return copy;
    }

    /** Running total of all flipped intervals (the caller must flip first to include the latest). Single reader only. */
    public Histogram total() { return total; }

    /** Resets the running total (used at the start of the measured window, after a flip). Single reader only. */
    public void resetTotal() { total.reset(); }

    public long clamped() { return clamped; }
}
