package io.fanlab.engine.pipeline;

import io.fanlab.engine.Outcome;
import io.fanlab.engine.observe.StageStats;
import io.fanlab.engine.observe.Tally;
import io.fanlab.engine.spec.ErrorPolicy;
import io.fanlab.engine.spec.HedgePolicy;
import io.fanlab.engine.spec.RetryPolicy;
import io.fanlab.engine.spec.StageSpec;
import io.fanlab.engine.spec.ThreadKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stage's timeout, retry and hedge policies, applied through a real pipeline (the stage's attempt runner).
 * Hanging work waits on latches (and answers interruption unless the test says otherwise); no assertion depends on
 * how fast anything runs.
 */
@Timeout(60)
class AttemptPoliciesTest {
    private static final RetryPolicy RETRY_3 = new RetryPolicy(3, Duration.ZERO, Duration.ZERO, 0, 1.0);

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aTimeoutEndsAHangingItemTimedOutAndTheOthersComplete(ThreadKind t) throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        String name = "timeout-" + t;
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named(name).withWidth(2).withThreads(t)
                .withTimeout(Duration.ofMillis(50)), (x, c) -> {
            if (x == 3) {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    assertThat(c.isCancelled()).as("the timed-out attempt's token is set").isTrue();
                    interrupted.countDown();
                    throw e;
                }
            }
            return x + 100;
        }).start(rec);
        List<Integer> items = IntStream.range(0, 10).boxed().toList();
        for (int i : items) engine.submit(i);
        ShutdownReport r = engine.close(Duration.ofSeconds(20));

        assertThat(r.drained()).isTrue();
        assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("the hanging attempt was interrupted").isTrue();
        rec.assertExactlyOnce(Pipeline.MAIN_EXIT, items);
        assertThat(rec.calls).filteredOn(c -> c.outcome() == Outcome.TIMED_OUT).singleElement()
                .satisfies(c -> assertThat(c.item()).isEqualTo(3));
        assertThat(r.tally()).isEqualTo(new Tally(10, 9, 0, 0, 1, 0, 0, 0));
        StageStats s = engine.stage(name);
        assertThat(s.timeouts()).isEqualTo(1);
        assertThat(s.retries()).isZero();
        assertThat(engine.liveThreads()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aRetryAfterAFailureCompletesTheItem(ThreadKind t) throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        ConcurrentHashMap<Integer, Integer> succeededAtAttempt = new ConcurrentHashMap<>();
        java.util.Set<String> attemptThreads = ConcurrentHashMap.newKeySet();
        String name = "retry-" + t;
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named(name).withWidth(3).withThreads(t)
                .withRetry(RETRY_3), (x, c) -> {
            attemptThreads.add(Thread.currentThread().getName());
            if (x % 2 == 0 && c.attempt() == 0) throw new IllegalStateException("first attempt of " + x + " fails");
            if (x % 5 == 0 && c.attempt() < 2) throw new IllegalStateException("attempt " + c.attempt() + " of " + x + " fails");
            succeededAtAttempt.put(x, c.attempt());
            return x;
        }).start(rec);
        List<Integer> items = IntStream.range(0, 20).boxed().toList();
        for (int i : items) engine.submit(i);
        ShutdownReport r = engine.close(Duration.ofSeconds(20));

        rec.assertExactlyOnce(Pipeline.MAIN_EXIT, items);
        assertThat(r.tally()).isEqualTo(new Tally(20, 20, 0, 0, 0, 0, 0, 0));
        // 10 even items: one retry each, except 0 and 10 (also x % 5 == 0): two; 5 and 15: two
        assertThat(engine.stage(name).retries()).isEqualTo(8 + 2 * 2 + 2 * 2);
        assertThat(succeededAtAttempt.get(10)).isEqualTo(2);
        assertThat(succeededAtAttempt.get(4)).isEqualTo(1);
        assertThat(succeededAtAttempt.get(7)).isEqualTo(0);
        assertThat(attemptThreads).as("retries without timeout or hedge run inline on the workers: no attempt threads")
                .allSatisfy(n -> assertThat(n).matches("fanlab-" + name + "-[0-2]"));
        assertThat(engine.liveThreads()).isEmpty();
    }

    @Test
    void aTimedOutAttemptIsRetriedAndTheRetryCompletes() throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        CountDownLatch never = new CountDownLatch(1);
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("timeout-retry")
                .withTimeout(Duration.ofMillis(30)).withRetry(RETRY_3), (x, c) -> {
            if (c.attempt() == 0) never.await(); // the first attempt hangs until its timeout interrupts it
            return x * 2;
        }).start(rec);
        engine.submit(21);
        ShutdownReport r = engine.close(Duration.ofSeconds(20));
        assertThat(rec.calls).singleElement().satisfies(c -> {
            assertThat(c.outcome()).isEqualTo(Outcome.COMPLETED);
            assertThat(c.result()).isEqualTo(42);
        });
        assertThat(r.tally()).isEqualTo(new Tally(1, 1, 0, 0, 0, 0, 0, 0));
        assertThat(engine.stage("timeout-retry").retries()).isEqualTo(1);
        assertThat(engine.stage("timeout-retry").timeouts()).as("items, not attempts, count as timeouts").isZero();
        assertThat(engine.liveThreads()).isEmpty();
    }

    @Test
    void retriesExhaustedEndTheItemUnderTheErrorPolicy() throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("exhausted")
                .withRetry(RETRY_3).withOnError(ErrorPolicy.DEAD_LETTER), (x, c) -> {
            throw new IllegalArgumentException("attempt " + c.attempt());
        }).start(rec);
        engine.submit(1);
        ShutdownReport r = engine.close(Duration.ofSeconds(20));
        assertThat(rec.calls).singleElement().satisfies(c -> {
            assertThat(c.outcome()).isEqualTo(Outcome.DEAD_LETTERED);
            assertThat(c.cause()).hasMessage("attempt 2");
        });
        assertThat(engine.deadLetters()).singleElement().satisfies(d -> assertThat(d.cause()).hasMessage("attempt 2"));
        assertThat(r.tally().deadLettered()).isEqualTo(1);
        assertThat(engine.stage("exhausted").retries()).isEqualTo(2);
    }

    @Test
    void theHedgeWinsAndTheSlowFirstAttemptIsCancelled() throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        CountDownLatch releasePrimary = new CountDownLatch(1);
        CountDownLatch loserCancelled = new CountDownLatch(1);
        AtomicBoolean primaryTokenSet = new AtomicBoolean();
        HedgePolicy hedge = new HedgePolicy(Optional.of(Duration.ofMillis(20)), 0, 1.0);
        FanOutEngine<Integer> engine = Pipeline.<Integer, String>from(StageSpec.named("hedged").withHedge(hedge), (x, c) -> {
            if (!c.isHedge()) {
                try {
                    releasePrimary.await(); // slow until cancelled: only the hedge can finish the item
                    return "primary";
                } catch (InterruptedException e) {
                    primaryTokenSet.set(c.isCancelled());
                    loserCancelled.countDown();
                    throw e;
                }
            }
            return "hedge";
        }).start(rec);
        engine.submit(7);
        ShutdownReport r = engine.close(Duration.ofSeconds(20));

        assertThat(rec.calls).singleElement().satisfies(c -> {
            assertThat(c.outcome()).isEqualTo(Outcome.COMPLETED);
            assertThat(c.result()).isEqualTo("hedge");
        });
        assertThat(loserCancelled.await(10, TimeUnit.SECONDS)).as("the losing primary was interrupted").isTrue();
        assertThat(primaryTokenSet).as("and its token was set").isTrue();
        StageStats s = engine.stage("hedged");
        assertThat(s.hedges()).isEqualTo(1);
        assertThat(s.hedgesWon()).isEqualTo(1);
        assertThat(s.retries()).isZero();
        assertThat(r.tally()).isEqualTo(new Tally(1, 1, 0, 0, 0, 0, 0, 0));
        assertThat(engine.liveThreads()).isEmpty();
    }

    @Test
    void anAttemptThreadIgnoringCancelIsReportedStuckAndCountedAsLive() throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("deaf")
                .withTimeout(Duration.ofSeconds(30)), (x, c) -> {
            started.countDown();
            while (!stop.get()) Thread.onSpinWait(); // ignores interrupt and token
            return x;
        }).start(rec);
        engine.submit(5);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        long t0 = System.nanoTime();
        ShutdownReport r = engine.cancel(Duration.ofMillis(300));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(r.stuck()).singleElement().satisfies(s -> {
            assertThat(s.stage()).isEqualTo("deaf");
            assertThat(s.item()).isEqualTo(5);
            assertThat(s.thread()).isEqualTo("fanlab-deaf-attempt-0");
        });
        assertThat(r.tally()).isEqualTo(new Tally(1, 0, 0, 0, 0, 1, 0, 0));
        assertThat(engine.liveThreads()).singleElement().satisfies(th -> assertThat(th.getName()).isEqualTo("fanlab-deaf-attempt-0"));
        stop.set(true);
        FailureModeTest.awaitNoThreads(engine);
        assertThat(rec.calls).singleElement().satisfies(c -> assertThat(c.outcome()).isEqualTo(Outcome.CANCELLED));
    }
}
