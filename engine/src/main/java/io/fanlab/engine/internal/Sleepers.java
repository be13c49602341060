package io.fanlab.engine.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Parked workers of a ring stage, woken one at a time without a lock: a worker parks with
 * {@link LockSupport#park} and is woken by {@link LockSupport#unpark}, never re-acquiring anything on the way out.
 * With hundreds of virtual workers a lock + condition turned every hand-off into a convoy on that lock (the
 * condition re-acquires it on wake-up).
 *
 * <p>Protocol: a sleeper is a {@link Sleeper} whose {@code state} is 1 while it waits. {@link #await} sets it,
 * enqueues the sleeper, counts it, then re-checks its wake condition (the caller's {@code stillIdle}) before parking;
 * a waker takes sleepers from the queue and claims them with a CAS 1 -> 0 before unparking. Exactly one side claims
 * a wait (the sleeper's own CAS when it stops waiting for another reason), so {@link #count} is exact. A queue entry
 * whose sleeper stopped waiting by itself stays behind, stale; wakers skip stale entries, and once there are more
 * than a few the sleeper that left one sweeps them.
 *
 * <p>Memory ordering: the caller publishes work, then {@link VarHandle#fullFence()}, then reads {@link #count}; a
 * sleeper counts itself (a CAS), then evaluates {@code stillIdle}: one of the two sees the other.
 */
final class Sleepers {
    /** A thread that may sleep here; one per worker, reused for every wait. */
    static final class Sleeper {
        final Thread thread;
        @SuppressWarnings("unused") private volatile int state;

        Sleeper(Thread thread) { this.thread = thread; }
    }

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Sleeper.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConcurrentLinkedQueue<Sleeper> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicInteger stale = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong wakeUps = new java.util.concurrent.atomic.AtomicLong();

    /** Sleepers waiting now (claimed ones no longer count). */
    int count() { return count.get(); }

    /**
     * Parks the calling thread (the sleeper's) while {@code stillIdle} holds and nobody woke it.
     * @return true when a waker claimed this wait ({@link #wakeOne}), false when the sleeper
     *         stopped waiting by itself ({@code stillIdle} turned false)
     * @throws InterruptedException when interrupted while parked (the wait is withdrawn first)
     */
    boolean await(Sleeper s, BooleanSupplier stillIdle) throws InterruptedException {
        STATE.setVolatile(s, 1);
        queue.offer(s);
        count.incrementAndGet();
        while (true) {
            if ((int) STATE.getVolatile(s) == 0) return true;
            boolean interrupted = Thread.interrupted();
            if (interrupted || !stillIdle.getAsBoolean()) {
                if (!STATE.compareAndSet(s, 1, 0)) { // a waker claimed it meanwhile: its wake-up stands
                    if (interrupted) Thread.currentThread().interrupt();
                    return true;
                }
                count.decrementAndGet();
                if (stale.incrementAndGet() > 64) sweep();
                if (interrupted) throw new InterruptedException();
                return false;
            }
            LockSupport.park(this);
        }
    }

    /** Wake-ups made so far (each costs an unpark; tests and profiles read it). */
    long wakeUps() { return wakeUps.get(); }

    /** Wakes one sleeper if any. @return whether one was woken */
    boolean wakeOne() {
        for (Sleeper s; (s = queue.poll()) != null; ) {
            if (STATE.compareAndSet(s, 1, 0)) {
                count.decrementAndGet();
                wakeUps.incrementAndGet();
                LockSupport.unpark(s.thread);
                return true;
            }
            stale.decrementAndGet();
        }
        return false;
    }

    /**
     * Wakes every sleeper waiting when this is called (a close, a resize: the caller changed the flags first).
     * Polls the entries queued now, not {@link #count()} of them: a waker may claim, through a stale entry, a
     * sleeper that set its state but has not counted itself yet (between {@code STATE = 1} and the count in
     * {@link #await}); a wake-all bounded by the count then spent one of its wake-ups there and left a counted
     * sleeper parked for good (RingAndSleepersStressTest.ringQueueHandOffLong: a taker still parked 30 s after
     * stopWhenEmpty + wakeAll). Every waiting sleeper has its own entry queued before it parks, so polling every
     * entry present at the start reaches each; one that queues later re-reads the flags after.
     * @return how many were woken
     */
    int wakeAll() {
        int woke = 0;
        for (int n = queue.size(); n > 0; n--) {
            Sleeper s = queue.poll();
            if (s == null) break;
            if (STATE.compareAndSet(s, 1, 0)) {
                count.decrementAndGet();
                wakeUps.incrementAndGet();
                LockSupport.unpark(s.thread);
                woke++;
            } else {
                stale.decrementAndGet();
            }
        }
        return woke;
    }

    /** Drops entries of sleepers that no longer wait. */
    private void sweep() {
        stale.set(0);
        queue.removeIf(s -> (int) STATE.getVolatile(s) == 0);
    }
}
