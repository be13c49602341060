package io.fanlab.engine;

import java.util.concurrent.CancellationException;

/**
 * Per-attempt facts and the cooperative cancellation token. An instance belongs to one attempt of one item and
 * may be read from the thread running that attempt; {@link #isCancelled()} may be polled from any thread.
 */
public interface WorkContext {
    /** True once this attempt should stop: the stage was cancelled, a fail-fast error happened, the attempt timed out or lost a hedge race. */
    boolean isCancelled();

    /** 0 for the first attempt, 1 for the first retry, ... */
    int attempt();

    /** True for the hedged duplicate of an attempt. */
    boolean isHedge();

    /** Index of the worker that took the item, in [0, width). */
    int worker();

    /**
     * Input sequence number of the item in its stage: unique and increasing in admission order, from 0. Dense
     * (0, 1, 2, ...) except in an unordered Batched stage fed by {@code submitAll}, whose ring carries whole runs: an
     * item's sequence there is {@code position * batchSize + index in its run}, so gaps appear after short runs.
     */
    long sequence();

    /** Throws {@link CancellationException} if {@link #isCancelled()}. */
    default void throwIfCancelled() {
        if (isCancelled()) throw new CancellationException("attempt cancelled");
    }
}
