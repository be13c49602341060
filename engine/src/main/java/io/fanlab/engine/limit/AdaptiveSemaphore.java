package io.fanlab.engine.limit;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A semaphore whose permit count is a {@link Limit}: at most {@code limit.currentLimit()} permits are held at once,
 * and every release feeds the limit a sample so it can adapt.
 *
 * <p>Contract: a permit is granted only while {@code inflight < currentLimit()}, read at the moment of granting, so
 * a limit change takes effect for the next acquire. Lowering the limit never revokes held permits: inflight may
 * exceed the limit until enough holders release. Waiters are woken on every release (one per permit that became
 * free); the order in which waiters get permits is not FIFO.
 *
 * <p>Threading: all state is guarded by one {@link ReentrantLock} (not {@code synchronized}, so a virtual thread
 * waiting in {@link #acquire()} does not pin its carrier); {@link Limit#onSample} is called under that lock, so
 * the limit sees samples one at a time. {@link #inflight()} and {@link #limit()} are unlocked reads.
 */
public final class AdaptiveSemaphore {
    private final Limit limit;
    private final LongSupplier nanoClock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition permitFree = lock.newCondition();
    private volatile int inflight; // written under lock
    private int waiters;           // guarded by lock

    /**
     * @param limit     the algorithm deciding the permit count; owned by this semaphore from now on
     * @param nanoClock the clock {@code startNanos} passed to {@link #release} was read from
     */
    public AdaptiveSemaphore(Limit limit, LongSupplier nanoClock) {
        this.limit = Objects.requireNonNull(limit, "limit");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** Takes a permit if one is free now; never waits. */
    public boolean tryAcquire() {
        lock.lock();
        try {
            return grant();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for a permit. @throws InterruptedException if interrupted while waiting (no permit is then held) */
    public void acquire() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            waiters++;
            try {
                while (!grant()) permitFree.await();
            } catch (InterruptedException e) {
                wakeWaiters(); // a signal this thread consumed must not be lost to the others
                throw e;
            } finally {
                waiters--;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits at most {@code timeout} for a permit.
     *
     * @return true when a permit was taken
     */
    public boolean tryAcquire(long timeout, TimeUnit unit) throws InterruptedException {
        long remaining = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            waiters++;
            try {
                while (!grant()) {
                    if (remaining <= 0) return false;
                    remaining = permitFree.awaitNanos(remaining);
                }
                return true;
            } catch (InterruptedException e) {
                wakeWaiters();
                throw e;
            } finally {
                waiters--;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns a permit and feeds the limit {@code onSample(startNanos, now - startNanos, inflight, didDrop)}, where
     * {@code inflight} counts this permit.
     *
     * @param startNanos when the work under this permit started, on this semaphore's clock
     * @param didDrop    the work timed out, was rejected or failed with overload
     * @throws IllegalStateException when no permit is held
     */
    public void release(long startNanos, boolean didDrop) {
        long rtt = Math.max(0, nanoClock.getAsLong() - startNanos);
        lock.lock();
        try {
            int held = checkHeld();
            limit.onSample(startNanos, rtt, held, didDrop);
            inflight = held - 1;
            wakeWaiters();
        } finally {
            lock.unlock();
        }
    }

    /** Returns a permit without a sample (the work never ran, e.g. it was cancelled before starting). */
    public void releaseWithoutSample() {
        lock.lock();
        try {
            inflight = checkHeld() - 1;
            wakeWaiters();
        } finally {
            lock.unlock();
        }
    }

    /** Permits held now. */
    public int inflight() { return inflight; }

    /** The limit's current value (permits that may be held at once). */
    public int limit() { return limit.currentLimit(); }

    private boolean grant() {
        if (inflight >= limit.currentLimit()) return false;
        inflight = inflight + 1;
        return true;
    }

    private int checkHeld() {
        int held = inflight;
        if (held <= 0) throw new IllegalStateException("release: no permit held (expected: release only after acquire)");
        return held;
    }

    private void wakeWaiters() {
        int free = Math.min(waiters, limit.currentLimit() - inflight); // waiters may count the caller itself
        for (int i = 0; i < free; i++) permitFree.signal();
    }

    @Override public String toString() { return "AdaptiveSemaphore[" + inflight + "/" + limit.currentLimit() + "]"; }
}
