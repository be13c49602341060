package io.fanlab.harness.downstream;

import java.io.IOException;

/**
 * A downstream service that http work calls once per item. Thread-safe: called concurrently by the stage's
 * workers. The caller computes the latency to serve and the 503 draw from the item's draws, so the downstream
 * is deterministic for a given item.
 */
public interface Downstream extends AutoCloseable {
    /**
     * One request; blocks the calling thread until the answer (waiting for a connection first, when the
     * connection limit is reached).
     *
     * @param delayNanos how long the downstream should take before answering, before downstream faults
     * @param errorDraw  uniform draw in [0,1); the answer is 503 iff {@code errorDraw < errorRate + injected rate}
     * @return the delay the downstream actually served, nanoseconds (after slowdown faults; microsecond precision)
     * @throws DownstreamError       on a 503 (or any non-200 answer)
     * @throws IOException           on a transport failure or timeout ({@code HttpTimeoutException})
     * @throws InterruptedException  if interrupted while waiting for a connection or the answer
     */
    long call(long delayNanos, double errorDraw) throws IOException, InterruptedException;

    /** Stops the downstream and its clients; joins every thread they started. Idempotent. */
    @Override
    void close();
}
