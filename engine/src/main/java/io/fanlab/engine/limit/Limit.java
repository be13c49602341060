package io.fanlab.engine.limit;

/**
 * A concurrency-limit algorithm: it turns samples of finished work into the number of items that may be in service
 * at once. Enforcement (permits, waiting) is not its job; see {@link AdaptiveSemaphore}.
 *
 * <p>Threading: implementations are thread-safe; {@link #onSample} may be called from many threads at once and
 * {@link #currentLimit()} is a cheap volatile read.
 */
public interface Limit {
    /** The current limit, always within the algorithm's [min, max] (at least 1). */
    int currentLimit();

    /**
     * Feeds one finished attempt.
     *
     * @param startNanos start of the attempt on the limiter's nano clock
     * @param rttNanos   its round-trip (service) time in nanoseconds, >= 0
     * @param inflight   items in service when the attempt finished, counting it
     * @param didDrop    true when the attempt timed out, was rejected or failed with overload
     */
    void onSample(long startNanos, long rttNanos, int inflight, boolean didDrop);
}
