package io.fanlab.engine.resilience;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Properties of the shared timer: order, never early, cancellation, lifecycle. Timing precision is the harness's. */
class PreciseTimerTest {
    private static final long MS = 1_000_000L;
    private static final long SAFETY_SECONDS = 10;
    private final PreciseTimer timer = new PreciseTimer("test-timer", PreciseTimer.DEFAULT_SPIN_NANOS, 50 * MS);

    @AfterEach
    void stop() {
        timer.shutdown();
        assertThat(timer.thread()).as("no timer thread after shutdown").isNull();
    }

    @Test
    void tasksRunInDeadlineOrderAndNeverEarly() throws Exception {
        long base = System.nanoTime() + 200 * MS; // all scheduled before the first is due, even on a busy machine
        int n = 200;
        List<Long> deadlines = new ArrayList<>();
        for (int i = 0; i < n; i++) deadlines.add(base + ThreadLocalRandom.current().nextLong(20 * MS));
        var order = new CopyOnWriteArrayList<Long>();
        var early = new AtomicInteger();
        var done = new CountDownLatch(n);
        for (long d : deadlines) {
            timer.schedule(d, () -> {
                if (System.nanoTime() - d < 0) early.incrementAndGet();
                order.add(d);
                done.countDown();
            });
        }
        assertThat(done.await(SAFETY_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(early).as("tasks run before their deadline").hasValue(0);
        assertThat(order).isSortedAccordingTo(Long::compare).hasSize(n);
        assertThat(timer.fired()).isEqualTo(n);
        assertThat(timer.pending()).isZero();
    }

    @Test
    void aCancelledTaskNeverRunsAndLeavesTheHeap() throws Exception {
        long base = System.nanoTime() + 200 * MS; // far enough that none is due while the test cancels
        var ran = new CopyOnWriteArrayList<Integer>();
        List<AttemptTimer.Timeout> handles = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int id = i;
            handles.add(timer.schedule(base + (i % 10) * MS, () -> ran.add(id)));
        }
        for (int i = 0; i < 100; i += 2) assertThat(handles.get(i).cancel()).isTrue();
        assertThat(handles.get(0).cancel()).as("a second cancel").isFalse();
        assertThat(timer.pending()).isEqualTo(50);
        var last = new CountDownLatch(1);
        timer.schedule(base + 20 * MS, last::countDown);
        assertThat(last.await(SAFETY_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).hasSize(50).allMatch(id -> id % 2 == 1);
        assertThat(handles.get(1).cancel()).as("cancel after it ran").isFalse();
    }

    @Test
    void aThrowingTaskIsCountedAndTheTimerGoesOn() throws Exception {
        timer.schedule(System.nanoTime(), () -> { throw new IllegalStateException("boom"); });
        var after = new CountDownLatch(1);
        timer.schedule(System.nanoTime() + MS, after::countDown);
        assertThat(after.await(SAFETY_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(timer.taskErrors()).isEqualTo(1);
    }

    @Test
    void theThreadEndsWhenIdleAndRestartsOnTheNextDeadline() throws Exception {
        var first = new CountDownLatch(1);
        timer.schedule(System.nanoTime(), first::countDown);
        assertThat(first.await(SAFETY_SECONDS, TimeUnit.SECONDS)).isTrue();
        Thread t = timer.thread();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SAFETY_SECONDS);
        while (timer.thread() != null && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(timer.thread()).as("ended after the linger").isNull();
        if (t != null) t.join(TimeUnit.SECONDS.toMillis(SAFETY_SECONDS));
        var second = new CountDownLatch(1);
        timer.schedule(System.nanoTime(), second::countDown);
        assertThat(second.await(SAFETY_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void shutdownEndsTheThreadAndDropsLaterTasks() throws Exception {
        var far = new AtomicInteger();
        timer.schedule(System.nanoTime() + TimeUnit.SECONDS.toNanos(60), far::incrementAndGet);
        Thread t = timer.thread();
        assertThat(t).isNotNull();
        timer.shutdown();
        assertThat(t.isAlive()).as("the timer thread ended").isFalse();
        assertThat(timer.pending()).isZero();
        assertThat(timer.schedule(System.nanoTime(), far::incrementAndGet).cancel()).isFalse();
        assertThat(timer.thread()).isNull();
        assertThat(far).hasValue(0);
    }
}
