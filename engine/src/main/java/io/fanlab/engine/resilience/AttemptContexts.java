package io.fanlab.engine.resilience;

import io.fanlab.engine.WorkContext;

import java.util.function.BooleanSupplier;

/**
 * Makes the {@link WorkContext} of each attempt of one item; the stage supplies the worker index and sequence.
 * Called once per attempt (hedges included), before the attempt starts: on the thread calling
 * {@link AttemptRunner#run} for first attempts and retries, on the timer thread for hedges (under the round's lock,
 * so what it writes is visible to the caller when {@code run} returns).
 */
@FunctionalInterface
public interface AttemptContexts {
    /**
     * @param attempt   0 for the first attempt, 1 for the first retry, ...; a hedge has its primary's number
     * @param hedge     true for a hedged duplicate
     * @param cancelled the attempt's cancellation token (true once it timed out, lost a hedge race or the item was
     *                  cancelled); the context's {@link WorkContext#isCancelled()} must answer it
     */
    WorkContext create(int attempt, boolean hedge, BooleanSupplier cancelled);
}
