package io.fanlab.engine.resilience;

import io.fanlab.engine.Work;
import io.fanlab.engine.spec.HedgePolicy;
import io.fanlab.engine.spec.RetryPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runner driven by a {@link ManualTimer}: hedges and timeouts happen exactly when the clock passes their
 * deadline, pending deadlines are removed when the attempt or round ends first, and hedges need a free permit.
 */
class AttemptRunnerTimerTest {
    private static final long MS = 1_000_000L;
    private static final long SAFETY_SECONDS = 10;

    private final ManualTimer timer = new ManualTimer();
    private final AttemptLedger ledger = new AttemptLedger();
    private final AttemptRunnerTest.RecordingContexts contexts = new AttemptRunnerTest.RecordingContexts();
    private AttemptRunner runner;

    /** Permits over a semaphore; counts what is held and the most ever held. */
    static final class CountingPermits implements AttemptPermits {
        final Semaphore sem;
        final AtomicInteger held = new AtomicInteger();
        final AtomicInteger maxHeld = new AtomicInteger();
        final AtomicInteger released = new AtomicInteger();

        CountingPermits(int n) { sem = new Semaphore(n); }

        @Override public long acquire() throws InterruptedException {
            sem.acquire();
            maxHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
            return 0;
        }

        @Override public long tryAcquire() {
            if (!sem.tryAcquire()) return NONE_FREE;
            maxHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
            return 0;
        }

        @Override public void release(long stamp, End end, Throwable cause) {
            held.decrementAndGet();
            released.incrementAndGet();
            sem.release();
        }
    }

    @AfterEach
    void noAttemptThreadLeftBehind() throws InterruptedException {
        if (runner != null) assertThat(runner.awaitAttemptThreads(Duration.ofSeconds(SAFETY_SECONDS))).isTrue();
    }

    private AttemptRunner runner(Duration timeout, HedgePolicy hedge, AttemptPermits permits) {
        return runner = new AttemptRunner(Optional.ofNullable(timeout), RetryPolicy.NONE, Optional.ofNullable(hedge),
                timer::nanoTime, nanos -> { }, new AttemptRunnerTest.FixedRandom(0.5), ledger, timer, permits);
    }

    private CompletableFuture<AttemptOutcome<String>> runAsync(Work<String, String> work) {
        var f = new CompletableFuture<AttemptOutcome<String>>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(runner.run("x", work, contexts, () -> false));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    private void awaitPending(int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SAFETY_SECONDS);
        while (timer.pending() != n && System.nanoTime() < end) Thread.sleep(1);
        assertThat(timer.pending()).isEqualTo(n);
    }

    @Test
    void theHedgeStartsExactlyAtItsDelayAndTheLoserIsCancelled() throws Exception {
        runner(null, new HedgePolicy(Optional.of(Duration.ofMillis(10)), 0, 1.0), AttemptPermits.UNLIMITED);
        var primaryInterrupted = new CountDownLatch(1);
        var out = runAsync((in, c) -> {
            if (c.isHedge()) return "hedge";
            try {
                new CountDownLatch(1).await();
                return "primary";
            } catch (InterruptedException e) {
                primaryInterrupted.countDown();
                throw e;
            }
        });
        awaitPending(1); // the hedge deadline
        assertThat(timer.earliest()).isEqualTo(10 * MS);
        timer.advanceTo(10 * MS - 1);
        assertThat(contexts.made).containsExactly("0");
        timer.advanceTo(10 * MS);
        assertThat(out.get(SAFETY_SECONDS, TimeUnit.SECONDS)).isEqualTo(new AttemptOutcome.Success<>("hedge", 1, true));
        assertThat(primaryInterrupted.await(SAFETY_SECONDS, TimeUnit.SECONDS)).isTrue();
        var s = ledger.snapshot();
        assertThat(s.hedgesSent()).isEqualTo(1);
        assertThat(s.hedgeLosersCancelled()).isEqualTo(1);
        assertThat(s.hedgeFireLag().count()).isEqualTo(1);
        assertThat(s.hedgeFireLag().maxNanos()).as("started on the tick it was due").isZero();
        assertThat(timer.pending()).isZero();
    }

    @Test
    void aPrimaryEndingFirstRemovesItsHedgeDeadline() throws Exception {
        runner(null, new HedgePolicy(Optional.of(Duration.ofMillis(10)), 0, 1.0), AttemptPermits.UNLIMITED);
        var go = new CountDownLatch(1);
        var out = runAsync((in, c) -> {
            go.await();
            return "primary";
        });
        awaitPending(1);
        go.countDown();
        assertThat(out.get(SAFETY_SECONDS, TimeUnit.SECONDS)).isEqualTo(new AttemptOutcome.Success<>("primary", 1, false));
        assertThat(timer.pending()).as("the hedge deadline was cancelled").isZero();
        timer.advanceTo(20 * MS);
        assertThat(ledger.snapshot().hedgesSent()).isZero();
        assertThat(contexts.made).containsExactly("0");
    }

    @Test
    void aTimeoutFiresAtItsDeadlineAndNotBefore() throws Exception {
        runner(Duration.ofMillis(50), null, AttemptPermits.UNLIMITED);
        var out = runAsync((in, c) -> {
            new CountDownLatch(1).await();
            return "never";
        });
        awaitPending(1);
        timer.advanceTo(50 * MS - 1);
        assertThat(out).isNotDone();
        timer.advanceTo(50 * MS);
        assertThat(out.get(SAFETY_SECONDS, TimeUnit.SECONDS)).isEqualTo(new AttemptOutcome.TimedOut<>(1));
        assertThat(ledger.snapshot().timeouts()).isEqualTo(1);
        assertThat(timer.pending()).isZero();
    }

    @Test
    void aHedgeWithoutAFreePermitIsNotSentAndTakesNoBudget() throws Exception {
        var permits = new CountingPermits(1);
        runner(null, new HedgePolicy(Optional.of(Duration.ofMillis(10)), 0, 1.0), permits);
        double budget = runner.hedgeBudget().orElseThrow().balance();
        var go = new CountDownLatch(1);
        var out = runAsync((in, c) -> {
            go.await();
            return c.isHedge() ? "hedge" : "primary";
        });
        awaitPending(1);
        timer.advanceTo(10 * MS);
        go.countDown();
        assertThat(out.get(SAFETY_SECONDS, TimeUnit.SECONDS)).isEqualTo(new AttemptOutcome.Success<>("primary", 1, false));
        var s = ledger.snapshot();
        assertThat(s.hedgesDeniedByLimit()).isEqualTo(1);
        assertThat(s.hedgesSent()).isZero();
        assertThat(runner.hedgeBudget().orElseThrow().balance()).as("budget after run's deposit").isGreaterThanOrEqualTo(budget);
        assertThat(runner.awaitAttemptThreads(Duration.ofSeconds(SAFETY_SECONDS))).isTrue();
        assertThat(permits.held).as("every permit returned").hasValue(0);
        assertThat(permits.maxHeld).hasValue(1);
    }

    @Test
    void aLoserKeepsItsPermitUntilItsWorkReallyReturns() throws Exception {
        var permits = new CountingPermits(2);
        runner(null, new HedgePolicy(Optional.of(Duration.ofMillis(10)), 0, 1.0), permits);
        var release = new CountDownLatch(1);
        var out = runAsync((in, c) -> {
            if (c.isHedge()) return "hedge";
            while (true) { // a primary that ignores interruption
                try {
                    if (release.await(SAFETY_SECONDS, TimeUnit.SECONDS)) return "late";
                } catch (InterruptedException ignored) {
                }
            }
        });
        awaitPending(1);
        timer.advanceTo(10 * MS);
        assertThat(out.get(SAFETY_SECONDS, TimeUnit.SECONDS)).isEqualTo(new AttemptOutcome.Success<>("hedge", 1, true));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SAFETY_SECONDS);
        while (permits.released.get() < 1 && System.nanoTime() < end) Thread.sleep(1);
        assertThat(permits.held).as("the stuck loser still holds its permit").hasValue(1);
        release.countDown();
        assertThat(runner.awaitAttemptThreads(Duration.ofSeconds(SAFETY_SECONDS))).isTrue();
        assertThat(permits.held).hasValue(0);
        assertThat(permits.maxHeld).hasValue(2);
    }
}
