package io.fanlab.engine.internal;

import io.fanlab.engine.Work;
import io.fanlab.engine.pipeline.StuckItem;
import io.fanlab.engine.resilience.AttemptPermits;
import io.fanlab.engine.resilience.AttemptTimer;
import io.fanlab.engine.spec.StageSpec;

import java.util.List;

/**
 * Runs all attempts of one item on behalf of the calling worker thread and writes the item's outcome into an
 * {@link Invocation}. Must not throw: every failure of the work becomes FAILED, cancellation (the context's token
 * or an interrupt while it is set) becomes CANCELLED. Called concurrently by different workers, each with its own
 * context and invocation.
 *
 * <p>An invoker may run attempts on threads of its own (timeouts, hedges); it then reports the ones still alive so
 * that shutdown can wait for them and name those that ignore cancellation.
 */
public interface ItemInvoker {
    void invoke(Object input, ItemContext context, Invocation into);

    /** What the invoker's attempt runner counted, or null for inline invokers. */
    default io.fanlab.engine.resilience.AttemptLedger.Snapshot ledger() { return null; }

    /** Attempt threads started by this invoker and not yet ended (0 for inline invokers). */
    default int liveAttemptThreads() { return 0; }

    /**
     * Waits until no attempt thread of this invoker is alive, or until {@code deadlineNanos} ({@link System#nanoTime}).
     * @return true when none is alive
     */
    default boolean awaitAttemptThreads(long deadlineNanos) throws InterruptedException { return true; }

    /** Attempt threads alive and running an item's work now (a snapshot). */
    default List<Thread> attemptThreads() { return List.of(); }

    /** Adds an entry per attempt thread still running an item's work (for a cancel report). */
    default void stuck(List<StuckItem> out) {}

    /**
     * The invoker for a stage: the inline fast path (one attempt on the worker, no thread) unless the spec has a
     * timeout, retries ({@code maxAttempts > 1}) or a hedge policy, in which case an {@link AttemptItemInvoker}
     * (one {@code AttemptRunner} per stage, drawing its jitter from {@code random}) applies them.
     */
    static ItemInvoker forStage(StageSpec spec, Work<?, ?> work, java.util.random.RandomGenerator random) {
        return forStage(spec, work, random, null, null, () -> { });
    }

    /**
     * As {@link #forStage(StageSpec, Work, java.util.random.RandomGenerator)}, with the engine's shared timer for
     * hedges and timeouts and the stage's gate, whose concurrency limit an attempt invoker takes per attempt
     * ({@link StartGate#attemptPermits}).
     *
     * @param gate  the stage's start gate, or null (no limit per attempt)
     * @param timer the engine's timer, or null (the runner gets a timer of its own)
     * @param limitMayHaveChanged run after each attempt returned its permit (and fed the limit a sample)
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static ItemInvoker forStage(StageSpec spec, Work<?, ?> work, java.util.random.RandomGenerator random, StartGate gate,
                                AttemptTimer timer, Runnable limitMayHaveChanged) {
        if (AttemptItemInvoker.needed(spec))
            return new AttemptItemInvoker(spec, (Work) work, random,
                    gate == null ? AttemptPermits.UNLIMITED : gate.attemptPermits(limitMayHaveChanged), timer);
        return new InlineItemInvoker((Work) work);
    }
}
