package io.fanlab.engine.resilience;

/**
 * How long before a deadline a timer thread should stop parking and start spinning: an estimate of how late a
 * timed park wakes up (its overshoot) on this machine, now.
 *
 * <p>Estimator: Jacobson's retransmission-timeout rule (RFC 6298) on park overshoots instead of round trips: a
 * smoothed mean {@code s += (o - s) / 8} and a smoothed mean deviation {@code d += (|o - s| - d) / 8}; the margin
 * is {@code s + 6d} (TCP uses 4d and a 1/4 gain; a margin must cover the tail of the overshoots, not their typical
 * spread: on overshoots that are 50-80 us five times in six and 100-200 us the sixth, {@code s + 4d} with a 1/4
 * gain covered 94% of them and {@code s + 6d} with 1/8 covered 98%, at a mean margin of 220 us), clamped to {@code [floorNanos, capNanos]}. So a steady 60 us overshoot gives a margin near the
 * floor, while overshoots that are mostly 60 us and now and then 150 us (a vCPU woken from halt, a core briefly
 * taken) widen it to cover them, up to the cap. When the smoothed mean itself exceeds the cap (parks oversleep by
 * milliseconds: the cores are saturated) the margin falls back to the floor: no affordable spin covers such a
 * wake-up, and a thread that spins on a saturated machine burns the core others wait for and loses the scheduler's
 * preference for threads that mostly sleep (measured at load 10 on 2 cores: a 300 us margin made hedge deadlines
 * later, not earlier).
 *
 * <p>Why it matters: a fixed 100 us margin missed about one hedge deadline in eight by more than 200 us on the
 * 2-vCPU machines here, idle (issue 13): {@code parkNanos} overshot by 100-200 us on about one park in six.
 *
 * <p>Threading: not thread-safe; owned by the one thread that parks (the timer thread). Times in nanoseconds; the
 * caller passes each measured overshoot, so tests drive it with exact values.
 */
public final class ParkOvershootEstimator {
    private final long floorNanos;
    private final long capNanos;
    private long mean;
    private long dev;
    private long samples;

    /**
     * @param floorNanos smallest margin, >= 0 (also the margin before any sample)
     * @param capNanos   largest margin, >= floorNanos: bounds the CPU spent spinning per deadline
     */
    public ParkOvershootEstimator(long floorNanos, long capNanos) {
        if (floorNanos < 0) throw new IllegalArgumentException("floorNanos: " + floorNanos + " (expected: >= 0)");
        if (capNanos < floorNanos)
            throw new IllegalArgumentException("capNanos: " + capNanos + " (expected: >= floorNanos " + floorNanos + ")");
        this.floorNanos = floorNanos;
        this.capNanos = capNanos;
    }

    /**
     * Records how late one timed park woke, in nanoseconds after the instant it was asked to end. Negative values
     * (woken early by an unpark) say nothing about the overshoot and are ignored.
     */
    public void record(long overshootNanos) {
        if (overshootNanos < 0) return;
        long o = Math.min(overshootNanos, 2 * capNanos); // beyond the cap the margin is the cap anyway: recover fast
        if (samples++ == 0) {
            mean = o;
            dev = o / 2;
            return;
        }
        long err = o - mean;
        mean += err / 8;
        dev += (Math.abs(err) - dev) / 8;
    }

    /** The margin to spin before a deadline, in nanoseconds, within {@code [floorNanos, capNanos]}. */
    public long marginNanos() {
        if (samples == 0) return floorNanos;
        if (mean > capNanos) return floorNanos; // saturated: a spin cannot cover the wake-up, and would add to the load
        long m = mean + 6 * dev;
        return Math.max(floorNanos, Math.min(capNanos, m));
    }

    /** Overshoots recorded. */
    public long samples() { return samples; }

    @Override public String toString() {
        return "ParkOvershootEstimator[mean " + mean + "ns, dev " + dev + "ns, margin " + marginNanos() + "ns]";
    }
}
