package io.fanlab.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probe's library-owned timer wakes every waiter, and none before its deadline, also when waiters register
 * concurrently and out of order and when the timer is idle between rounds (the idle-signal path).
 */
class FixedDelayTimerTest {
    @Test
    void everyWaiterWakesAndNoneBeforeItsDeadline() throws Exception {
        var timer = TimedParkProbe.FixedDelayTimer.INSTANCE;
        for (int round = 0; round < 3; round++) {
            ConcurrentLinkedQueue<Long> early = new ConcurrentLinkedQueue<>();
            List<Thread> waiters = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                long delay = TimeUnit.MICROSECONDS.toNanos(200 + (i * 37L) % 1000); // not registered in deadline order
                waiters.add(Thread.ofVirtual().start(() -> {
                    for (int k = 0; k < 5; k++) {
                        long deadline = System.nanoTime() + delay;
                        timer.awaitDeadline(deadline);
                        long late = System.nanoTime() - deadline;
                        if (late < 0) early.add(late);
                    }
                }));
            }
            for (Thread t : waiters) assertThat(t.join(java.time.Duration.ofSeconds(30))).as("waiter woke").isTrue();
            assertThat(early).isEmpty();
        }
    }
}
