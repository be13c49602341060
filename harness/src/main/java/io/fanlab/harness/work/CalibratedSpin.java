package io.fanlab.harness.work;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * Busy CPU work of a given duration, by running a calibrated number of iterations of real arithmetic.
 *
 * <h2>Implementation notes</h2>
 * The loop is a 64-bit multiply-add followed by an xor-shift on a carried value ({@code x = x * A + C; x ^= x >>> 29}):
 * every iteration depends on the previous one (no vectorisation, no closed form), and the final value is written
 * to a volatile field, so the JIT can remove neither the loop nor its body.
 *
 * <p><b>Calibration</b>, once per JVM on first use (about 100 ms): the loop is warmed up until compiled (200 runs of
 * 20 000 iterations), then timed 9 times with about 5 ms of iterations each; the cost per iteration is the median of
 * the 9 trials. Trials are timed with the calling thread's CPU time ({@link ThreadMXBean#getCurrentThreadCpuTime()})
 * when the JVM supports it, so time the thread spends descheduled on a busy box does not inflate the cost;
 * otherwise with {@link System#nanoTime()}. So {@code spin(1 ms)} costs about 1 ms of CPU; its wall time grows when
 * the machine is oversubscribed, which is the behaviour a CPU-bound stage should have.
 *
 * <p><b>Cancellation</b>: iterations run in blocks of about 50 us; between blocks {@code cancelled} and the thread's
 * interrupt flag are checked.
 *
 * <p>Thread-safe: the instance is immutable after calibration; {@link #spin} may run on many threads at once.
 */
public final class CalibratedSpin {
    private static final long A = 6364136223846793005L, C = 1442695040888963407L;
    /** Target length of one block between cancellation checks. */
    static final long CHECK_NANOS = 50_000;

    private final double nanosPerIteration;
    private final long iterationsPerCheck;
    @SuppressWarnings("unused") private volatile long sink;

    private CalibratedSpin(double nanosPerIteration) {
        if (!(nanosPerIteration > 0) || Double.isInfinite(nanosPerIteration))
            throw new IllegalArgumentException("nanosPerIteration: " + nanosPerIteration + " (expected: > 0 and finite)");
        this.nanosPerIteration = nanosPerIteration;
        this.iterationsPerCheck = Math.max(1, Math.round(CHECK_NANOS / nanosPerIteration));
    }

    private static final class Holder {
        static final CalibratedSpin INSTANCE = new CalibratedSpin(calibrate());
    }

    /** The JVM's calibrated instance; the first call calibrates (about 100 ms on the calling thread). */
    public static CalibratedSpin get() { return Holder.INSTANCE; }

    /** An instance with a given cost per iteration; for tests. */
    static CalibratedSpin withNanosPerIteration(double nanos) { return new CalibratedSpin(nanos); }

    /** The measured cost of one iteration, nanoseconds. */
    public double nanosPerIteration() { return nanosPerIteration; }

    /**
     * Burns about {@code nanos} of CPU on the calling thread.
     *
     * @return true if done; false if stopped early because {@code cancelled} answered true or the thread was
     *         interrupted (the interrupt flag is left set)
     */
    public boolean spin(long nanos, BooleanSupplier cancelled) {
        long remaining = Math.round(nanos / nanosPerIteration);
        long x = remaining;
        Thread self = Thread.currentThread();
        while (remaining > 0) {
            long n = Math.min(remaining, iterationsPerCheck);
            x = iterate(n, x);
            remaining -= n;
            if (remaining > 0 && (cancelled.getAsBoolean() || self.isInterrupted())) {
                sink = x;
                return false;
            }
        }
        sink = x;
        return true;
    }

    static long iterate(long n, long x) {
        for (long i = 0; i < n; i++) {
            x = x * A + C;
            x ^= x >>> 29;
        }
        return x;
    }

    private static double calibrate() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean cpu = mx.isCurrentThreadCpuTimeSupported() && mx.isThreadCpuTimeEnabled();
        long x = 1;
        for (int i = 0; i < 200; i++) x = iterate(20_000, x);
        // size a trial to about 5 ms from a rough first measurement
        long t0 = now(mx, cpu);
        x = iterate(200_000, x);
        double rough = Math.max(0.05, (now(mx, cpu) - t0) / 200_000.0);
        long n = Math.max(10_000, Math.round(5_000_000 / rough));
        double[] trials = new double[9];
        for (int i = 0; i < trials.length; i++) {
            long s = now(mx, cpu);
            x = iterate(n, x);
            trials[i] = Math.max(1, now(mx, cpu) - s) / (double) n;
        }
        Arrays.sort(trials);
        Blackhole.consume(x);
        return trials[trials.length / 2];
    }

    private static long now(ThreadMXBean mx, boolean cpu) {
        return cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /** Publishes a value so the computation producing it is not dead code. */
    private static final class Blackhole {
        @SuppressWarnings("unused") static volatile long sink;

        static void consume(long v) { sink = v; }
    }
}
