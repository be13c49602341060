package io.fanlab.engine.spec;

/**
 * Token-bucket rate limit on starting work: {@code ratePerSecond} tokens per second, at most {@code burst} saved.
 * An item costs {@code weight} tokens (see the stage's weigher); a worker waits for tokens before starting it.
 */
public record RateLimit(double ratePerSecond, int burst) {
    public RateLimit {
        Check.positive("rate_limit", "rate", ratePerSecond);
        Check.atLeast("rate_limit", "burst", burst, 1);
    }
}
