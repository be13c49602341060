package io.fanlab.engine.resilience;

/**
 * Runs short tasks at deadlines on a nano clock: the hedges and per-attempt timeouts of every stage of an engine,
 * so that no attempt needs a sleeping thread of its own to be timed.
 *
 * <p>Contract: a task scheduled for {@code deadlineNanos} runs once, at or after that instant on {@link #nanoTime()},
 * unless {@link Timeout#cancel()} removed it first; tasks run one at a time on the timer's own thread and must not
 * block (they take a round's lock, start a thread, set a flag). Tasks scheduled after {@link #shutdown()} never run.
 *
 * <p>Threading: {@link #schedule} and {@link Timeout#cancel()} may be called from any thread, including from a
 * running task.
 */
public interface AttemptTimer {
    /** A scheduled task. */
    interface Timeout {
        /** Removes the task if it has not run yet. @return true when it was removed (it will never run) */
        boolean cancel();
    }

    /** Schedules {@code task} at {@code deadlineNanos} on {@link #nanoTime()}. */
    Timeout schedule(long deadlineNanos, Runnable task);

    /** The timer's clock; deadlines are on it. */
    long nanoTime();

    /** Stops the timer: pending tasks are dropped and its thread, if any, ends. Idempotent. */
    void shutdown();
}
