package io.fanlab.engine.limit;

import io.fanlab.engine.spec.LimitSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdaptiveSemaphoreTest {
    private static final long MS = 1_000_000L;

    /** A limit that records its samples and can be set by hand. */
    static final class ScriptedLimit implements Limit {
        volatile int value;
        final List<long[]> samples = new ArrayList<>();

        ScriptedLimit(int value) { this.value = value; }

        @Override public int currentLimit() { return value; }

        @Override public void onSample(long startNanos, long rttNanos, int inflight, boolean didDrop) {
            samples.add(new long[]{startNanos, rttNanos, inflight, didDrop ? 1 : 0});
        }
    }

    @Test
    void grantsUpToTheLimitAndFeedsSamples() {
        var clock = new ManualClock(1_000 * MS);
        var limit = new ScriptedLimit(2);
        var sem = new AdaptiveSemaphore(limit, clock);
        long start = clock.getAsLong();
        assertThat(sem.tryAcquire()).isTrue();
        assertThat(sem.tryAcquire()).isTrue();
        assertThat(sem.tryAcquire()).isFalse();
        assertThat(sem.inflight()).isEqualTo(2);
        clock.advance(7 * MS);
        sem.release(start, true);
        assertThat(limit.samples).hasSize(1);
        assertThat(limit.samples.getFirst()).containsExactly(start, 7 * MS, 2, 1);
        assertThat(sem.inflight()).isEqualTo(1);
        assertThat(sem.tryAcquire()).isTrue();
    }

    @Test
    void loweringTheLimitKeepsHeldPermitsAndAppliesToTheNextAcquire() {
        var clock = new ManualClock();
        var limit = new AimdLimit(new LimitSpec.Aimd(4, 1, 10, 0.5, Duration.ofSeconds(1)));
        var sem = new AdaptiveSemaphore(limit, clock);
        for (int i = 0; i < 4; i++) assertThat(sem.tryAcquire()).isTrue();
        sem.release(0, true); // inflight 4 -> 3, limit 4 -> 2
        assertThat(sem.limit()).isEqualTo(2);
        assertThat(sem.inflight()).isEqualTo(3); // nothing revoked
        assertThat(sem.tryAcquire()).isFalse();
        sem.releaseWithoutSample();
        sem.releaseWithoutSample();
        assertThat(sem.inflight()).isEqualTo(1);
        assertThat(sem.tryAcquire()).isTrue();  // 1 < 2
        assertThat(sem.tryAcquire()).isFalse(); // 2 = new limit
    }

    @Test
    void releaseWithoutPermitIsAnError() {
        var sem = new AdaptiveSemaphore(new FixedLimit(1), new ManualClock());
        assertThatThrownBy(() -> sem.release(0, false)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no permit held");
    }

    @Test
    void acquireWaitsUntilAPermitIsReleased() throws Exception {
        var sem = new AdaptiveSemaphore(new FixedLimit(1), new ManualClock());
        assertThat(sem.tryAcquire()).isTrue();
        var got = new AtomicBoolean();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                sem.acquire();
                got.set(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        awaitState(waiter, Thread.State.WAITING);
        assertThat(got).isFalse();
        sem.release(0, false);
        waiter.join(Duration.ofSeconds(10));
        assertThat(got).isTrue();
        assertThat(sem.inflight()).isEqualTo(1);
    }

    @Test
    void interruptedAcquireHoldsNoPermit() throws Exception {
        var sem = new AdaptiveSemaphore(new FixedLimit(1), new ManualClock());
        assertThat(sem.tryAcquire()).isTrue();
        var interrupted = new AtomicBoolean();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                sem.acquire();
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        awaitState(waiter, Thread.State.WAITING);
        waiter.interrupt();
        waiter.join(Duration.ofSeconds(10));
        assertThat(interrupted).isTrue();
        assertThat(sem.inflight()).isEqualTo(1);
        assertThat(sem.tryAcquire(0, TimeUnit.NANOSECONDS)).isFalse();
    }

    static void awaitState(Thread t, Thread.State state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); // safety net only
        while (t.getState() != state) {
            if (System.nanoTime() > deadline) throw new AssertionError("thread never reached " + state + ": " + t.getState());
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** Many virtual threads hammering acquire/release never hold more permits than a fixed limit allows. */
    @Test
    void concurrentHoldersNeverExceedTheLimit() throws Exception {
        var sem = new AdaptiveSemaphore(new FixedLimit(3), System::nanoTime);
        var holding = new java.util.concurrent.atomic.AtomicInteger();
        var maxSeen = new java.util.concurrent.atomic.AtomicInteger();
        var done = new java.util.concurrent.CountDownLatch(8);
        for (int t = 0; t < 8; t++) {
            Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 500; i++) {
                        sem.acquire();
                        long start = System.nanoTime();
                        maxSeen.accumulateAndGet(holding.incrementAndGet(), Math::max);
                        Thread.yield();
                        holding.decrementAndGet();
                        sem.release(start, false);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(maxSeen.get()).isBetween(1, 3);
        assertThat(sem.inflight()).isZero();
    }
}
