package io.fanlab.engine.internal;

import io.fanlab.engine.spec.StageSpec;

/**
 * What an item must acquire before its work starts and release after it ends: the stage's concurrency limit,
 * its token bucket and its tenant bulkhead. {@link #acquire} blocks (interruptibly) until the item may start;
 * {@link #release} is called exactly once after every successful acquire, with the outcome's facts so an
 * adaptive limit can learn. Called concurrently by workers.
 */
public interface StartGate {
    void acquire(Object input) throws InterruptedException;

    /** @param rttNanos service time of the item; {@code dropped} true when it failed or timed out */
    void release(Object input, long rttNanos, boolean dropped);

    /** The current concurrency limit, or {@code Integer.MAX_VALUE} when there is none (the stage reports its width). */
    int currentLimit();

    /** Lets every item start at once; the limit is the stage width. */
    StartGate OPEN = new StartGate() {
        @Override public void acquire(Object input) {}
        @Override public void release(Object input, long rttNanos, boolean dropped) {}
        @Override public int currentLimit() { return Integer.MAX_VALUE; }
    };

    /**
     * The gate for a stage.
     * PLUG-IN: compose here {@code limit.Limits.of(spec.limit)} (adaptive semaphore), {@code limit.TokenBucket(spec.rateLimit)}
     * ({@code acquire(weight)}) and {@code limit.TenantBulkhead(spec.bulkhead)} ({@code tryAcquire(tenant, weight)});
     * until then those three settings are not applied.
     */
    static StartGate forStage(StageSpec spec) {
        return OPEN;
    }
}
