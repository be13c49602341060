package io.fanlab.engine.internal;

import io.fanlab.engine.Outcome;
import io.fanlab.engine.limit.Sleeper;
import io.fanlab.engine.spec.StageSpec;

import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;

/**
 * What an item must acquire before its work starts and release after it ends: the stage's token bucket, its tenant
 * bulkhead and its concurrency limit. {@link #acquire} blocks (interruptibly) until the item may start and fills
 * the worker's {@link GatePermit}; {@link #release} is called exactly once after every successful acquire, with the
 * item's outcome so an adaptive limit can learn. Called concurrently by workers, each with its own permit.
 */
public interface StartGate {
    /**
     * Waits until {@code input} may start.
     *
     * @throws InterruptedException if interrupted while waiting; nothing is then held
     * @throws RuntimeException     when the stage's tenant or weight function threw, or the weight can never be
     *                              granted (more than the token bucket's burst); nothing is then held and the item
     *                              fails
     */
    void acquire(Object input, GatePermit permit) throws InterruptedException;

    /**
     * Returns what {@link #acquire} took.
     *
     * @param outcome the item's outcome (COMPLETED, FAILED, TIMED_OUT or CANCELLED)
     * @param cause   the failure when FAILED, else null
     */
    void release(GatePermit permit, Outcome outcome, Throwable cause);

    /** The current concurrency limit, or {@code Integer.MAX_VALUE} when there is none (the stage reports its width). */
    int currentLimit();

    /**
     * The stage's concurrency limit per attempt, for an invoker that runs attempts (timeout, retry, hedge): after this
     * call the gate no longer counts items against the limit; every attempt takes a permit instead. Call once,
     * before the stage starts. {@link io.fanlab.engine.resilience.AttemptPermits#UNLIMITED} without a limit.
     *
     * @param afterRelease run after each attempt permit is returned (and its sample fed to the limit)
     */
    default io.fanlab.engine.resilience.AttemptPermits attemptPermits(Runnable afterRelease) {
        return io.fanlab.engine.resilience.AttemptPermits.UNLIMITED;
    }

    /** Lets every item start at once; the limit is the stage width. */
    StartGate OPEN = new StartGate() {
        @Override public void acquire(Object input, GatePermit permit) {}
        @Override public void release(GatePermit permit, Outcome outcome, Throwable cause) {}
        @Override public int currentLimit() { return Integer.MAX_VALUE; }
    };

    /**
     * The gate for a stage: {@link #OPEN} unless the spec has a limit, a rate limit or a bulkhead, in which case a
     * {@link PolicyStartGate} applies them.
     *
     * @param clock   the pipeline's nano clock: limit samples and token refill are measured on it
     * @param sleeper how the token bucket waits (with a manual clock, a sleeper that advances it)
     * @param tenant  the item's tenant for the bulkhead, or null (every item is tenant "")
     * @param weight  the item's cost in tokens for the rate limit, or null (weight 1)
     * @param width   the stage's current width (the bulkhead's total without a limit)
     */
    static StartGate forStage(StageSpec spec, LongSupplier clock, Sleeper sleeper, Function<Object, String> tenant,
                              ToIntFunction<Object> weight, IntSupplier width) {
        if (spec.limit().isEmpty() && spec.rateLimit().isEmpty() && spec.bulkhead().isEmpty()) return OPEN;
        return new PolicyStartGate(spec, clock, sleeper, tenant, weight, width);
    }
}
