package io.fanlab.engine.resilience;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stress: a deadline earlier than the one the timer thread waits for is never missed, whatever the thread is doing
 * when it arrives. A missed wake-up (the new head added and the thread not unparked, or its permit consumed by
 * something else before it parks) makes the near deadline run when the far one is due, hundreds of milliseconds
 * late; the bound below is far under that and far over scheduling noise on a loaded 2-core machine.
 *
 * <p>Each round draws (seeded, the seed is in every failure message) where the timer thread is when a near deadline
 * is scheduled from another thread: parked for a far deadline; running a task that blocks on a lock the scheduling
 * thread holds (a task that parks consumes the thread's permit); spinning toward another deadline; lingering with
 * nothing pending; or while the head is being cancelled by a third thread. Properties per round: the near task runs
 * exactly once, never before its deadline, and at most {@link #BOUND_NANOS} after it.
 */
class PreciseTimerWakeupStressTest {
    private static final long MS = 1_000_000L;
    /** Far deadlines are this far away: a missed wake-up is at least this late (minus the spin). */
    private static final long FAR_NANOS = 400 * MS;
    /** Largest lateness accepted: far under {@link #FAR_NANOS}, far over a busy machine's scheduling delays. */
    private static final long BOUND_NANOS = 100 * MS;
    private static final int ROUNDS = 400;

    private final PreciseTimer timer = new PreciseTimer("stress-timer", PreciseTimer.DEFAULT_SPIN_NANOS, 2_000 * MS); // lingers: LINGERING rounds find it parked

    @AfterEach
    void stop() {
        timer.shutdown();
        assertThat(timer.thread()).as("no timer thread after shutdown").isNull();
    }

    private enum Where { PARKED_FOR_FAR, IN_A_BLOCKING_TASK, SPINNING, LINGERING, HEAD_CANCELLED }

    @Test
    void aNearDeadlineAddedFromAnotherThreadIsNeverMissed() throws Exception {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        Where[] kinds = Where.values();
        long worst = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Where where = kinds[random.nextInt(kinds.length)];
            long nearIn = random.nextLong(2 * MS); // 0..2 ms ahead: inside and outside the spin window
            long lag = round(where, nearIn, random);
            worst = Math.max(worst, lag);
            assertThat(lag).as("round %d (%s, near deadline %d us ahead): lateness in ns, never early and at most %d ms; "
                    + "seed %d", round, where, nearIn / 1000, BOUND_NANOS / MS, seed).isBetween(0L, BOUND_NANOS);
        }
        System.out.printf("PreciseTimerWakeupStressTest: %d rounds, worst lateness %d us (seed %d)%n", ROUNDS, worst / 1000, seed);
    }

    /** One round; returns the near task's lateness in nanoseconds (negative: it ran early). */
    private long round(Where where, long nearIn, SplittableRandom random) throws Exception {
        List<AttemptTimer.Timeout> cleanup = new ArrayList<>();
        ReentrantLock held = new ReentrantLock();
        CountDownLatch inTask = new CountDownLatch(1);
        switch (where) {
            case PARKED_FOR_FAR -> {
                cleanup.add(timer.schedule(System.nanoTime() + FAR_NANOS, () -> { }));
                awaitParked();
            }
            case IN_A_BLOCKING_TASK -> {
                cleanup.add(timer.schedule(System.nanoTime() + FAR_NANOS, () -> { }));
                held.lock();
                timer.schedule(System.nanoTime(), () -> {
                    inTask.countDown();
                    held.lock(); // parks until the scheduling thread lets go: consumes any permit given meanwhile
                    held.unlock();
                });
                assertThat(inTask.await(10, TimeUnit.SECONDS)).isTrue();
                awaitState(Thread.State.WAITING); // parked inside the task, on our lock
            }
            case SPINNING -> {
                // a head inside the spin window: the thread spins toward it without the lock
                cleanup.add(timer.schedule(System.nanoTime() + PreciseTimer.DEFAULT_SPIN_NANOS / 2
                        + random.nextLong(PreciseTimer.DEFAULT_SPIN_NANOS), () -> { }));
                cleanup.add(timer.schedule(System.nanoTime() + FAR_NANOS, () -> { }));
            }
            case LINGERING -> {
                CountDownLatch ran = new CountDownLatch(1);
                timer.schedule(System.nanoTime(), ran::countDown);
                assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
                awaitParked(); // idle, waiting out its linger
            }
            case HEAD_CANCELLED -> {
                cleanup.add(timer.schedule(System.nanoTime() + FAR_NANOS, () -> { }));
                AttemptTimer.Timeout head = timer.schedule(System.nanoTime() + FAR_NANOS / 2, () -> { });
                awaitParked();
                Thread canceller = Thread.ofPlatform().start(head::cancel);
                if (random.nextBoolean()) canceller.join();
                cleanup.add(head);
            }
        }
        AtomicLong ranAt = new AtomicLong();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        long[] deadline = new long[1];
        Runnable scheduleNear = () -> {
            long d = deadline[0] = System.nanoTime() + nearIn;
            timer.schedule(d, () -> {
                ranAt.set(System.nanoTime());
                runs.incrementAndGet();
                done.countDown();
            });
        };
        if (where == Where.IN_A_BLOCKING_TASK) {
            scheduleNear.run(); // this thread owns the lock the task is parked on
            awaitState(Thread.State.WAITING); // the task took the unpark and parked again on the lock
            held.unlock();
        } else {
            Thread.ofPlatform().start(scheduleNear).join();
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).as("%s: the near task ran", where).isTrue();
        for (AttemptTimer.Timeout t : cleanup) t.cancel();
        assertThat(runs).as("%s: ran once", where).hasValue(1);
        return ranAt.get() - deadline[0];
    }

    private void awaitParked() throws InterruptedException { awaitState(Thread.State.TIMED_WAITING); }

    private void awaitState(Thread.State state) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until) {
            Thread t = timer.thread();
            if (t != null && t.getState() == state) return;
            Thread.onSpinWait();
        }
        throw new AssertionError("the timer thread never reached " + state);
    }
}
