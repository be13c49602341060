package io.fanlab.engine.internal;

import io.fanlab.engine.Outcome;
import io.fanlab.engine.limit.AdaptiveSemaphore;
import io.fanlab.engine.limit.Limits;
import io.fanlab.engine.limit.Sleeper;
import io.fanlab.engine.limit.TenantBulkhead;
import io.fanlab.engine.limit.TokenBucket;
import io.fanlab.engine.resilience.AttemptPermits;
import io.fanlab.engine.spec.StageSpec;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;

/**
 * A stage's start admission: token bucket, then tenant bulkhead, then concurrency limit, in that order.
 *
 * <p>Implementation notes.
 * <ul>
 *   <li><b>Order.</b> Tokens are taken first so an item waiting for its rate never holds a concurrency slot; the
 *       bulkhead comes before the semaphore so a tenant at its cap waits without holding a permit other tenants
 *       could use. The semaphore's limit is the bulkhead's total, so the semaphore wait after a bulkhead grant is
 *       short (only while a lowered limit is still exceeded by permits held).</li>
 *   <li><b>Token bucket.</b> {@link TokenBucket#acquire} with the item's weight (1 without a weigher), on the
 *       pipeline clock and sleeper. A weight outside {@code 1..burst} fails the item.</li>
 *   <li><b>Bulkhead.</b> {@link TenantBulkhead} counts items (weight 1 each; weights are a rate-limit notion) with
 *       total {@code min(limit, width)}. It never queues, so this gate waits on a {@link Condition} signalled by
 *       every bulkhead release, re-checking at least every {@value #BULKHEAD_RECHECK_MILLIS} ms because the total
 *       can grow (limit or width) without a release.</li>
 *   <li><b>Limit.</b> {@link AdaptiveSemaphore} over {@link Limits#of}. Per item, unless the stage runs attempts
 *       through an attempt runner (timeout, retry or hedge): then {@link #attemptPermits} hands it to the attempts,
 *       each of which holds a permit while its work runs, and items no longer take one here. Samples: COMPLETED is a sample without drop;
 *       TIMED_OUT, or FAILED with a {@link RejectedExecutionException} or {@link TimeoutException} in its cause
 *       chain (overload), is a sample with drop; any other failure and CANCELLED release without a sample (their
 *       duration says nothing about capacity, as concurrency-limits' {@code onIgnore}).</li>
 * </ul>
 * Every wait is interruptible; an interrupt returns whatever was already taken (tokens of an interrupted bucket
 * wait are given back by the bucket, a spent token is not).
 *
 * <p>Threading: called concurrently by the stage's workers; every part is thread-safe on its own; the bulkhead
 * wait uses one {@link ReentrantLock} (never {@code synchronized}).
 */
final class PolicyStartGate implements StartGate {
    static final long BULKHEAD_RECHECK_MILLIS = 10;

    private final LongSupplier clock;
    private final TokenBucket bucket;          // null without a rate limit
    private final AdaptiveSemaphore semaphore; // null without a limit
    private final TenantBulkhead bulkhead;     // null without a bulkhead
    private final Function<Object, String> tenantFn;
    private final ToIntFunction<Object> weightFn;
    /** True once the semaphore was handed to the stage's attempts ({@link #attemptPermits}): items skip it. */
    private volatile boolean limitPerAttempt;
    private final ReentrantLock bulkheadLock = new ReentrantLock();
    private final Condition bulkheadFreed = bulkheadLock.newCondition();

    PolicyStartGate(StageSpec spec, LongSupplier clock, Sleeper sleeper, Function<Object, String> tenant,
                    ToIntFunction<Object> weight, IntSupplier width) {
        this.clock = clock;
        this.bucket = spec.rateLimit().map(r -> new TokenBucket(r, clock, sleeper)).orElse(null);
        this.semaphore = spec.limit().map(l -> new AdaptiveSemaphore(Limits.of(l, clock), clock)).orElse(null);
        AdaptiveSemaphore sem = semaphore;
        IntSupplier total = sem == null ? width : () -> Math.min(sem.limit(), width.getAsInt());
        this.bulkhead = spec.bulkhead().map(b -> new TenantBulkhead(b, total)).orElse(null);
        this.tenantFn = tenant;
        this.weightFn = weight;
    }

    @Override
    public void acquire(Object input, GatePermit permit) throws InterruptedException {
        permit.reset();
        String tenant = "";
        if (bulkhead != null && tenantFn != null) {
            String t = tenantFn.apply(input);
            if (t != null) tenant = t;
        }
        if (bucket != null) bucket.acquire(weightFn == null ? 1 : weightFn.applyAsInt(input));
        if (bulkhead != null) {
            bulkheadLock.lockInterruptibly();
            try {
                while (!bulkhead.tryAcquire(tenant, 1)) bulkheadFreed.await(BULKHEAD_RECHECK_MILLIS, TimeUnit.MILLISECONDS);
            } finally {
                bulkheadLock.unlock();
            }
            permit.tenant = tenant;
            permit.bulkhead = true;
        }
        if (semaphore != null && !limitPerAttempt) {
            try {
                semaphore.acquire();
            } catch (InterruptedException e) {
                releaseBulkhead(permit);
                throw e;
            }
            permit.semaphore = true;
        }
        permit.startNanos = clock.getAsLong();
    }

    @Override
    public void release(GatePermit permit, Outcome outcome, Throwable cause) {
        if (permit.semaphore) {
            permit.semaphore = false;
            if (outcome == Outcome.COMPLETED) semaphore.release(permit.startNanos, false);
            else if (outcome == Outcome.TIMED_OUT || (outcome == Outcome.FAILED && overload(cause)))
                semaphore.release(permit.startNanos, true);
            else semaphore.releaseWithoutSample();
        }
        releaseBulkhead(permit);
    }

    private void releaseBulkhead(GatePermit permit) {
        if (!permit.bulkhead) return;
        permit.bulkhead = false;
        bulkhead.release(permit.tenant, 1);
        bulkheadLock.lock();
        try {
            bulkheadFreed.signalAll(); // waiters of several tenants: the one that fits must wake
        } finally {
            bulkheadLock.unlock();
        }
    }

    /**
     * Hands the concurrency limit to the stage's attempts: from now on {@link #acquire} no longer takes a semaphore
     * permit for the item; every attempt (first, retry, hedge) takes one through the returned permits instead, with
     * the same samples (an attempt's success, timeout or overload failure). Called once, before the stage starts,
     * when the stage runs attempts through an {@code AttemptRunner}. Without a limit: {@link AttemptPermits#UNLIMITED}.
     *
     * @param afterRelease run after every attempt's release (the stage reports a limit change from there: an
     *                     abandoned attempt's sample may land after its item ended)
     */
    @Override
    public AttemptPermits attemptPermits(Runnable afterRelease) {
        if (semaphore == null) return AttemptPermits.UNLIMITED;
        limitPerAttempt = true;
        AdaptiveSemaphore sem = semaphore;
        return new AttemptPermits() {
            @Override public long acquire() throws InterruptedException {
                sem.acquire();
                return clock.getAsLong();
            }

            @Override public long tryAcquire() {
                return sem.tryAcquire() ? clock.getAsLong() : NONE_FREE;
            }

            @Override public void release(long stamp, End end, Throwable cause) {
                switch (end) {
                    case SUCCEEDED -> sem.release(stamp, false);
                    case TIMED_OUT -> sem.release(stamp, true);
                    case FAILED -> {
                        if (overload(cause)) sem.release(stamp, true);
                        else sem.releaseWithoutSample();
                    }
                    case CANCELLED, NOT_STARTED -> sem.releaseWithoutSample();
                }
                afterRelease.run();
            }

            @Override public String toString() { return "AttemptPermits[" + sem + "]"; }
        };
    }

    /** The semaphore, when the stage has a limit (for tests). */
    AdaptiveSemaphore semaphore() { return semaphore; }

    /** Whether a failure means the work was overloaded: a rejection or a timeout somewhere in the cause chain. */
    static boolean overload(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause())
            if (t instanceof RejectedExecutionException || t instanceof TimeoutException) return true;
        return false;
    }

    @Override
    public int currentLimit() {
        return semaphore == null ? Integer.MAX_VALUE : semaphore.limit();
    }

    /** The bulkhead, when the stage has one (for tests and metrics). */
    TenantBulkhead bulkhead() { return bulkhead; }
}
