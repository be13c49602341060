package io.fanlab.bench;

import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.locks.LockSupport;

/**
 * The work done for one item, the same for every design. Returns its input, so designs that carry results have one.
 *
 * <p>Threading: stateless, called concurrently from worker threads.
 */
@FunctionalInterface
public interface ItemWork {
    /**
     * {@code Blackhole.consumeCPU} tokens for "about 1 us" of CPU work. Calibrated on the 2-core bench machine with
     * {@link WorkCalibrationBenchmark} (see bench/README.md for the measured figure of the run).
     */
    int TOKENS_1US = 450;

    Integer apply(Integer item) throws InterruptedException;

    /** CPU work of {@code tokens} Blackhole tokens (0: none). */
    static ItemWork cpu(int tokens) {
        if (tokens < 0) throw new IllegalArgumentException("tokens: " + tokens + " (expected: >= 0)");
        if (tokens == 0) return item -> item;
        return item -> {
            Blackhole.consumeCPU(tokens);
            return item;
        };
    }

    /**
     * Blocking work: parks for at least {@code nanos} (re-parks after an early return), like a remote call. Answers
     * interruption by throwing {@link InterruptedException}.
     */
    static ItemWork park(long nanos) {
        if (nanos <= 0) throw new IllegalArgumentException("nanos: " + nanos + " (expected: > 0)");
        return item -> {
            long deadline = System.nanoTime() + nanos;
            for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
                LockSupport.parkNanos(left);
                if (Thread.interrupted()) throw new InterruptedException("park work interrupted");
            }
            return item;
        };
    }

    /**
     * Blocking work by {@link Thread#sleep(long, int)} for at least {@code nanos}: the same delay as {@link #park}, by
     * the other JDK path a blocking call may take (on a virtual thread, {@code sleep} and {@code parkNanos} both end in
     * {@code VirtualThread.parkNanos}; {@code sleep} adds its own deadline loop). Kept for comparison only: the I/O
     * series' definition of the work is {@link #park}.
     */
    static ItemWork sleep(long nanos) {
        if (nanos <= 0) throw new IllegalArgumentException("nanos: " + nanos + " (expected: > 0)");
        return item -> {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            return item;
        };
    }
}
