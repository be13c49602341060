package io.fanlab.engine.resilience;

import io.fanlab.engine.Work;
import io.fanlab.engine.WorkContext;
import io.fanlab.engine.limit.Sleeper;
import io.fanlab.engine.spec.HedgePolicy;
import io.fanlab.engine.spec.RetryPolicy;
import org.junit.jupiter.api.AfterEach;
import io.fanlab.engine.spec.ThreadKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;

class AttemptRunnerTest {
    private static final long MS = 1_000_000L;
    /** Safety net for waits on other threads; never the thing a test measures. */
    private static final long SAFETY_SECONDS = 10;

    /** A random source whose nextDouble is fixed, so jittered backoff is exact. */
    record FixedRandom(double value) implements RandomGenerator {
        @Override public long nextLong() { return 0; }
        @Override public double nextDouble() { return value; }
    }

    /** Contexts that record what they were asked for and answer the token. */
    static final class RecordingContexts implements AttemptContexts {
        final List<String> made = new CopyOnWriteArrayList<>();

        @Override public WorkContext create(int attempt, boolean hedge, BooleanSupplier cancelled) {
            made.add(attempt + (hedge ? "h" : ""));
            return new WorkContext() {
                @Override public boolean isCancelled() { return cancelled.getAsBoolean(); }
                @Override public int attempt() { return attempt; }
                @Override public boolean isHedge() { return hedge; }
                @Override public int worker() { return 0; }
                @Override public long sequence() { return 7; }
            };
        }
    }

    private final List<Long> sleeps = new ArrayList<>();
    private final Sleeper fakeSleeper = sleeps::add;
    private final AttemptLedger ledger = new AttemptLedger();
    private final RecordingContexts contexts = new RecordingContexts();
    private AttemptRunner runner;

    @AfterEach
    void noAttemptThreadLeftBehind() throws InterruptedException {
        if (runner != null) assertThat(runner.awaitAttemptThreads(Duration.ofSeconds(SAFETY_SECONDS))).isTrue();
        Thread.interrupted(); // do not leak an interrupt into the next test
    }

    private AttemptRunner inline(RetryPolicy retry) {
        return runner = new AttemptRunner(Optional.empty(), retry, Optional.empty(), System::nanoTime, fakeSleeper,
                new FixedRandom(0.5), ledger);
    }

    private AttemptRunner threaded(Duration timeout, RetryPolicy retry, HedgePolicy hedge) {
        return runner = new AttemptRunner(Optional.ofNullable(timeout), retry, Optional.ofNullable(hedge), System::nanoTime,
                fakeSleeper, new FixedRandom(0.5), ledger);
    }

    private static RetryPolicy retries(int maxAttempts, double budget) {
        return new RetryPolicy(maxAttempts, Duration.ofMillis(100), Duration.ofSeconds(1), 0.5, budget);
    }

    /** Runs {@code call} on a new thread of the given kind (the stage's workers may be either) and returns its result. */
    private static <T> T on(ThreadKind kind, Callable<T> call) throws Exception {
        var result = new CompletableFuture<T>();
        Runnable body = () -> {
            try {
                result.complete(call.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        };
        Thread t = kind == ThreadKind.VIRTUAL ? Thread.ofVirtual().start(body) : Thread.ofPlatform().daemon().start(body);
        T value = result.get(SAFETY_SECONDS, TimeUnit.SECONDS);
        t.join();
        return value;
    }

    // ------------------------------------------------------------------------------------------------ inline

    @Test
    void withoutTimeoutOrHedgeRunsInlineOnTheCaller() throws Exception {
        inline(RetryPolicy.NONE);
        Thread caller = Thread.currentThread();
        var ranOn = new AtomicReference<Thread>();
        var out = runner.run(20, (Integer i, WorkContext c) -> { ranOn.set(Thread.currentThread()); return i + 1; },
                contexts, () -> false);
        assertThat(out).isEqualTo(new AttemptOutcome.Success<>(21, 1, false));
        assertThat(ranOn.get()).isSameAs(caller);
        assertThat(runner.liveAttemptThreads()).isZero();
        assertThat(ledger.snapshot().attempts()).isEqualTo(1);
    }

    @Test
    void retriesWithExactJitteredBackoffThenSucceeds() throws Exception {
        inline(retries(3, 1.0));
        var calls = new AtomicInteger();
        Work<String, String> flaky = (in, c) -> {
            if (calls.getAndIncrement() < 2) throw new IOException("flake " + c.attempt());
            return in + c.attempt();
        };
        var out = runner.run("x", flaky, contexts, () -> false);
        assertThat(out).isEqualTo(new AttemptOutcome.Success<>("x2", 3, false));
        assertThat(sleeps).containsExactly(75 * MS, 150 * MS); // 100ms*(1-0.5*0.5), 200ms*(1-0.5*0.5)
        assertThat(contexts.made).containsExactly("0", "1", "2");
        var s = ledger.snapshot();
        assertThat(s.attempts()).isEqualTo(3);
        assertThat(s.retries()).isEqualTo(2);
    }

    @Test
    void failsWithTheLastCauseWhenAttemptsRunOut() throws Exception {
        inline(retries(3, 1.0));
        var out = runner.run("x", (in, c) -> { throw new IOException("boom " + c.attempt()); }, contexts, () -> false);
        assertThat(out).isInstanceOf(AttemptOutcome.Failure.class);
        var f = (AttemptOutcome.Failure<?>) out;
        assertThat(f.attempts()).isEqualTo(3);
        assertThat(f.cause()).isInstanceOf(IOException.class).hasMessage("boom 2");
        assertThat(sleeps).hasSize(2);
    }

    /**
     * Budget 0.1: cap 10, starts full; each item deposits 0.1 and its retry takes 1. Item 1 leaves 9.0, item n
     * leaves 9.0 - 0.9 (n - 1): item 11 finds exactly 1.0 and retries, item 12 finds 0.1 and is denied; items 13..20
     * are denied while the balance climbs back by 0.1 each, and item 21 finds 1.0 again.
     */
    @Test
    void retryBudgetRunsOutAtTheExactItem() throws Exception {
        inline(retries(2, 0.1));
        Work<Integer, Integer> failing = (in, c) -> { throw new IllegalStateException("down"); };
        List<Integer> attemptsPerItem = new ArrayList<>();
        for (int item = 1; item <= 21; item++) attemptsPerItem.add(runner.run(item, failing, contexts, () -> false).attempts());
        List<Integer> expected = new ArrayList<>();
        for (int item = 1; item <= 21; item++) expected.add(item <= 11 || item == 21 ? 2 : 1);
        assertThat(attemptsPerItem).isEqualTo(expected);
        var s = ledger.snapshot();
        assertThat(s.retries()).isEqualTo(12);
        assertThat(s.retriesDeniedByBudget()).isEqualTo(9);
        assertThat(s.attempts()).isEqualTo(33);
    }

    @Test
    void cancelledItemIsNotStartedAndInterruptedWorkEndsCancelled() throws Exception {
        inline(retries(3, 1.0));
        var calls = new AtomicInteger();
        assertThat(runner.run(1, (in, c) -> calls.incrementAndGet(), contexts, () -> true))
                .isEqualTo(new AttemptOutcome.Cancelled<>(0));
        assertThat(calls).hasValue(0);
        var out = runner.run(1, (Integer in, WorkContext c) -> { throw new InterruptedException(); }, contexts, () -> false);
        assertThat(out).isEqualTo(new AttemptOutcome.Cancelled<>(1));
        assertThat(Thread.interrupted()).as("interrupt re-asserted").isTrue();
        assertThat(sleeps).isEmpty();
    }

    @Test
    void failureAfterItemCancelledIsReportedAsCancelledWithoutRetry() throws Exception {
        inline(retries(3, 1.0));
        var cancelled = new AtomicBoolean();
        var out = runner.run(1, (Integer in, WorkContext c) -> {
            cancelled.set(true);
            c.throwIfCancelled();
            return in;
        }, contexts, cancelled::get);
        assertThat(out).isEqualTo(new AttemptOutcome.Cancelled<>(1));
        assertThat(ledger.snapshot().retries()).isZero();
    }

    // ------------------------------------------------------------------------------------------------ threads

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void hedgeWinsAgainstASlowPrimaryAndTheLoserIsCancelled(ThreadKind caller) throws Exception {
        threaded(null, RetryPolicy.NONE, new HedgePolicy(Optional.of(Duration.ofMillis(20)), 0, 1.0));
        var primaryInterrupted = new CountDownLatch(1);
        var primaryToken = new AtomicBoolean();
        var never = new CountDownLatch(1);
        Work<String, String> work = (in, c) -> {
            if (c.isHedge()) return "hedge";
            try {
                never.await();
                return "primary";
            } catch (InterruptedException e) {
                primaryToken.set(c.isCancelled());
                primaryInterrupted.countDown();
                throw e;
            }
        };
        var out = on(caller, () -> runner.run("x", work, contexts, () -> false));
        assertThat(out).isEqualTo(new AttemptOutcome.Success<>("hedge", 1, true));
        assertThat(primaryInterrupted.await(SAFETY_SECONDS, TimeUnit.SECONDS)).as("loser interrupted").isTrue();
        assertThat(primaryToken).as("loser's token set").isTrue();
        assertThat(contexts.made).containsExactly("0", "0h");
        var s = ledger.snapshot();
        assertThat(s.hedgesSent()).isEqualTo(1);
        assertThat(s.hedgesWon()).isEqualTo(1);
        assertThat(s.hedgeLosersCancelled()).isEqualTo(1);
        assertThat(s.attempts()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void timeoutReturnsOnTimeEvenWhenTheWorkIgnoresInterrupts(ThreadKind caller) throws Exception {
        threaded(Duration.ofMillis(50), RetryPolicy.NONE, null);
        var release = new CountDownLatch(1);
        var started = new CountDownLatch(1);
        var sawToken = new CountDownLatch(1); // the attempt saw its token set when interrupted
        Work<String, String> stubborn = (in, c) -> {
            started.countDown();
            while (true) {
                try {
                    if (release.await(SAFETY_SECONDS, TimeUnit.SECONDS)) break;
                } catch (InterruptedException ignored) {
                    if (c.isCancelled()) sawToken.countDown(); // swallow the interrupt and keep waiting
                }
            }
            return "late";
        };
        var took = new AtomicLong();
        var out = on(caller, () -> {
            long t0 = System.nanoTime();
            var o = runner.run("x", stubborn, contexts, () -> false);
            took.set(System.nanoTime() - t0);
            return o;
        });
        assertThat(out).isEqualTo(new AttemptOutcome.TimedOut<>(1));
        assertThat(took.get()).as("returned within timeout + margin").isBetween(50 * MS, 50 * MS + TimeUnit.SECONDS.toNanos(2));
        assertThat(started.getCount()).isZero();
        assertThat(runner.liveAttemptThreads()).as("stuck attempt still counted").isEqualTo(1);
        assertThat(runner.awaitAttemptThreads(Duration.ofMillis(1))).isFalse();
        // the interrupt is delivered asynchronously: wait for the attempt thread to observe it
        assertThat(sawToken.await(SAFETY_SECONDS, TimeUnit.SECONDS)).isTrue();
        release.countDown();
        assertThat(runner.awaitAttemptThreads(Duration.ofSeconds(SAFETY_SECONDS))).isTrue();
        assertThat(runner.liveAttemptThreads()).isZero();
        assertThat(ledger.snapshot().timeouts()).isEqualTo(1);
    }

    @Test
    void timedOutAttemptIsRetriedOnAFreshThread() throws Exception {
        threaded(Duration.ofMillis(30), retries(2, 1.0), null);
        Work<String, String> work = (in, c) -> {
            if (c.attempt() == 0) new CountDownLatch(1).await(); // until interrupted by the timeout
            return "ok" + c.attempt();
        };
        var out = runner.run("x", work, contexts, () -> false);
        assertThat(out).isEqualTo(new AttemptOutcome.Success<>("ok1", 2, false));
        assertThat(sleeps).containsExactly(75 * MS);
        var s = ledger.snapshot();
        assertThat(s.timeouts()).isEqualTo(1);
        assertThat(s.retries()).isEqualTo(1);
    }

    @Test
    void cancellingTheItemMidAttemptCancelsTheAttempt() throws Exception {
        threaded(Duration.ofSeconds(SAFETY_SECONDS), retries(3, 1.0), null);
        var started = new CountDownLatch(1);
        var interrupted = new CountDownLatch(1);
        var itemCancelled = new AtomicBoolean();
        Work<String, String> work = (in, c) -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return "never";
        };
        Thread canceller = Thread.ofVirtual().start(() -> {
            try {
                if (started.await(SAFETY_SECONDS, TimeUnit.SECONDS)) itemCancelled.set(true);
            } catch (InterruptedException ignored) {
            }
        });
        var out = runner.run("x", work, contexts, itemCancelled::get);
        canceller.join();
        assertThat(out).isEqualTo(new AttemptOutcome.Cancelled<>(1));
        assertThat(interrupted.await(SAFETY_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(ledger.snapshot().retries()).isZero();
        assertThat(sleeps).isEmpty();
    }

    @Test
    void interruptingTheCallerCancelsLiveAttempts() throws Exception {
        threaded(Duration.ofSeconds(SAFETY_SECONDS), RetryPolicy.NONE, null);
        var started = new CountDownLatch(1);
        var interrupted = new CountDownLatch(1);
        var result = new AtomicReference<AttemptOutcome<String>>();
        var callerFlag = new AtomicBoolean();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                result.set(runner.run("x", (in, c) -> {
                    started.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                        throw e;
                    }
                    return "never";
                }, contexts, () -> false));
                callerFlag.set(Thread.currentThread().isInterrupted());
            } catch (InterruptedException e) {
                result.set(null);
            }
        });
        assertThat(started.await(SAFETY_SECONDS, TimeUnit.SECONDS)).isTrue();
        caller.interrupt();
        caller.join(Duration.ofSeconds(SAFETY_SECONDS));
        assertThat(result.get()).isEqualTo(new AttemptOutcome.Cancelled<>(1));
        assertThat(callerFlag).as("interrupt re-asserted on the caller").isTrue();
        assertThat(interrupted.await(SAFETY_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void hedgeDeniedByEmptyBudgetLeavesThePrimaryAlone() throws Exception {
        threaded(null, RetryPolicy.NONE, new HedgePolicy(Optional.of(Duration.ofMillis(5)), 0, 0.0));
        var release = new CountDownLatch(1);
        var result = new AtomicReference<AttemptOutcome<String>>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                result.set(runner.run("x", (in, c) -> {
                    release.await();
                    return c.isHedge() ? "hedge" : "primary";
                }, contexts, () -> false));
            } catch (InterruptedException ignored) {
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SAFETY_SECONDS);
        while (ledger.snapshot().hedgesDeniedByBudget() == 0 && System.nanoTime() < deadline) Thread.sleep(1);
        release.countDown();
        caller.join(Duration.ofSeconds(SAFETY_SECONDS));
        assertThat(result.get()).isEqualTo(new AttemptOutcome.Success<>("primary", 1, false));
        var s = ledger.snapshot();
        assertThat(s.hedgesDeniedByBudget()).isEqualTo(1);
        assertThat(s.hedgesSent()).isZero();
        assertThat(contexts.made).containsExactly("0");
    }

    @Test
    void percentileHedgingWaitsForEnoughSamples() throws Exception {
        threaded(null, RetryPolicy.NONE, new HedgePolicy(Optional.empty(), 50, 1.0));
        // until DEFAULT_MIN_SAMPLES successes were recorded there is no percentile, hence no hedge
        for (int i = 0; i < LatencyWindow.DEFAULT_MIN_SAMPLES - 1; i++)
            assertThat(runner.run(i, (in, c) -> in, contexts, () -> false)).isEqualTo(new AttemptOutcome.Success<>(i, 1, false));
        assertThat(ledger.snapshot().hedgesSent()).isZero();
        assertThat(runner.latencyWindow().orElseThrow().percentileNanos(50)).isEmpty();
        // the last warm-up item may itself be hedged (its own sample can complete the window while it runs)
        assertThat(runner.run(0, (in, c) -> in, contexts, () -> false)).isInstanceOf(AttemptOutcome.Success.class);
        assertThat(runner.latencyWindow().orElseThrow().percentileNanos(50)).isPresent();
        var before = ledger.snapshot();
        var never = new CountDownLatch(1);
        var out = runner.run(-1, (in, c) -> {
            if (!c.isHedge()) never.await(); // slower than any recorded latency: a hedge must go out
            return 99;
        }, contexts, () -> false);
        assertThat(out).isEqualTo(new AttemptOutcome.Success<>(99, 1, true));
        assertThat(ledger.snapshot().hedgesSent()).isEqualTo(before.hedgesSent() + 1);
        assertThat(ledger.snapshot().hedgesWon()).isEqualTo(before.hedgesWon() + 1);
    }

    @Test
    void roundFailsOnlyWhenBothPrimaryAndHedgeFail() throws Exception {
        threaded(null, RetryPolicy.NONE, new HedgePolicy(Optional.of(Duration.ofMillis(5)), 0, 1.0));
        var hedgeStarted = new CountDownLatch(1);
        var out = runner.run("x", (in, c) -> {
            if (c.isHedge()) {
                hedgeStarted.countDown();
                throw new IOException("hedge failed");
            }
            hedgeStarted.await(); // the primary fails only after the hedge is out
            throw new IOException("primary failed");
        }, contexts, () -> false);
        assertThat(out).isInstanceOf(AttemptOutcome.Failure.class);
        assertThat(((AttemptOutcome.Failure<?>) out).cause()).isInstanceOf(IOException.class);
        assertThat(ledger.snapshot().hedgesSent()).isEqualTo(1);
        assertThat(ledger.snapshot().hedgesWon()).isZero();
    }
}
