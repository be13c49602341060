package io.fanlab.engine.spec;

import java.time.Duration;

/**
 * Retries of a failed or timed-out attempt.
 *
 * @param maxAttempts total attempts including the first (1 = no retry)
 * @param backoff     delay before the first retry; doubles each retry up to {@code maxBackoff}
 * @param maxBackoff  cap of the delay
 * @param jitter      share of the delay randomised ("equal jitter": delay * (1 - jitter * U[0,1)))
 * @param budget      retries allowed as a share of first attempts over the recent window (e.g. 0.1 = 10%);
 *                    a retry over budget is not made and the item ends with its last failure
 */
public record RetryPolicy(int maxAttempts, Duration backoff, Duration maxBackoff, double jitter, double budget) {
    public RetryPolicy {
        Check.atLeast("retry", "max_attempts", maxAttempts, 1);
        Check.nonNegative("retry", "backoff", backoff);
        Check.nonNegative("retry", "max_backoff", maxBackoff);
        if (maxBackoff.compareTo(backoff) < 0)
            throw new InvalidField("retry", java.util.List.of("max_backoff"), Check.show(maxBackoff), ">= retry.backoff " + Check.show(backoff));
        Check.share("retry", "jitter", jitter);
        Check.share("retry", "budget", budget);
    }

    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 0, 0);
}
