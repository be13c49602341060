package io.fanlab.engine.observe;

import io.fanlab.engine.Outcome;

/**
 * Per-item events of every stage of an engine. The default methods do nothing and {@link #NOOP} is used when no
 * observer is given (the engine then skips building the events).
 *
 * <p>Threading: called on producer and worker threads, concurrently; implementations must be thread-safe, fast and
 * must not block (record into a per-thread structure). An exception thrown by an observer is caught and ignored.
 * Units: nanoseconds of the engine's clock. {@code sequence} is the item's sequence in that stage.
 */
public interface StageObserver {
    /** The item was accepted into the stage's queue. */
    default void admitted(String stage, long sequence) {}

    /** A worker started the item after it waited {@code queueNanos} in the queue. */
    default void started(String stage, long sequence, int worker, long queueNanos) {}

    /**
     * The item's part in this stage ended: {@code COMPLETED} means it left the stage with a result, anything else is
     * its terminal outcome. {@code serviceNanos} is 0 for items that never started.
     */
    default void terminal(String stage, long sequence, Outcome outcome, long queueNanos, long serviceNanos) {}

    /** The stage's concurrency limit changed. */
    default void limitChanged(String stage, int oldLimit, int newLimit) {}

    /** Does nothing. */
    StageObserver NOOP = new StageObserver() {};
}
