package io.fanlab.engine.resilience;

import io.fanlab.engine.spec.RetryPolicy;

/** Retry delays: exponential with a cap and "equal jitter". Pure functions; thread-safe. */
public final class Backoff {
    private Backoff() {}

    /**
     * The delay before retry number {@code retryNumber}:
     * {@code min(maxBackoff, backoff * 2^(retryNumber - 1)) * (1 - jitter * u)}, in nanoseconds, rounded down.
     * Doubling saturates at {@code maxBackoff} without overflow for any retry number.
     *
     * @param retryNumber 1 for the first retry (the second attempt), >= 1
     * @param u           a uniform random number in [0, 1); u = 0 gives the full delay
     * @throws IllegalArgumentException for retryNumber < 1 or u outside [0, 1)
     */
    public static long delayNanos(RetryPolicy p, int retryNumber, double u) {
        if (retryNumber < 1) throw new IllegalArgumentException("retryNumber: " + retryNumber + " (expected: >= 1)");
        if (!(u >= 0 && u < 1)) throw new IllegalArgumentException("u: " + u + " (expected: 0 <= u < 1)");
        long base = p.backoff().toNanos();
        long max = p.maxBackoff().toNanos();
        int shift = retryNumber - 1;
        long capped = base == 0 ? 0 : (shift >= 63 || base > (max >> shift)) ? max : Math.min(max, base << shift);
        return (long) (capped * (1 - p.jitter() * u));
    }
}
