package io.fanlab.engine.pipeline;

import io.fanlab.engine.Outcome;
import io.fanlab.engine.observe.StageObserver;
import io.fanlab.engine.observe.Tally;
import io.fanlab.engine.spec.Bulkhead;
import io.fanlab.engine.spec.LimitSpec;
import io.fanlab.engine.spec.RateLimit;
import io.fanlab.engine.spec.StageSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stage's concurrency limit, rate limit and bulkhead, applied through a real pipeline (the stage's start gate).
 * Concurrency is checked once every worker is parked (blocked in the work or at the gate), so the counts are exact
 * and do not depend on scheduling speed; the rate limit runs on a manual clock whose sleeper advances it.
 */
@Timeout(60)
class StartPoliciesTest {

    /** Items in service now, and the most seen at once. */
    static final class InService {
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger max = new AtomicInteger();

        void enter() { max.accumulateAndGet(now.incrementAndGet(), Math::max); }
        void exit() { now.decrementAndGet(); }
    }

    @Test
    void aFixedLimitOfTwoOnWidthEightNeverHasMoreThanTwoInService() throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        InService in = new InService();
        CountDownLatch release = new CountDownLatch(1);
        String name = "limit2";
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named(name).withWidth(8)
                .withLimit(new LimitSpec.Fixed(2)), (x, c) -> {
            in.enter();
            try {
                if (x < 10) release.await(); // the first wave holds its slots until every worker is parked
                else Thread.yield();
                return x;
            } finally {
                in.exit();
            }
        }).start(rec);
        assertThat(engine.stage(name).currentLimit()).isEqualTo(2);
        for (int i = 0; i < 10; i++) engine.submit(i);
        awaitTrue(() -> engine.stage(name).queueDepth() == 2, "every worker took an item");
        awaitWorkersParked(engine, name, 8);
        assertThat(in.now.get()).as("8 workers hold items, 2 are in service, 6 wait at the gate").isEqualTo(2);
        release.countDown();
        List<Integer> items = new ArrayList<>(IntStream.range(0, 10).boxed().toList());
        for (int i = 10; i < 200; i++) {
            engine.submit(i);
            items.add(i);
        }
        ShutdownReport r = engine.close(Duration.ofSeconds(20));
        assertThat(r.drained()).isTrue();
        rec.assertExactlyOnce(Pipeline.MAIN_EXIT, items);
        assertThat(r.tally().completed()).isEqualTo(200);
        assertThat(in.max.get()).isEqualTo(2);
    }

    @Test
    void theLimitGaugeIsTheLimitCappedByTheWidth() throws Exception {
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("wide-limit").withWidth(3)
                .withLimit(new LimitSpec.Fixed(20)), (x, c) -> x).start(new Recorder<>());
        assertThat(engine.stage("wide-limit").currentLimit()).isEqualTo(3);
        engine.close(Duration.ofSeconds(10));
    }

    @Test
    void aimdHalvesItsLimitOnEveryTimeout() throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        CountDownLatch never = new CountDownLatch(1);
        List<int[]> changes = Collections.synchronizedList(new ArrayList<>());
        StageObserver observer = new StageObserver() {
            @Override public void limitChanged(String stage, int oldLimit, int newLimit) { changes.add(new int[]{oldLimit, newLimit}); }
        };
        String name = "aimd";
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named(name).withWidth(8)
                .withTimeout(Duration.ofMillis(20))
                .withLimit(new LimitSpec.Aimd(8, 1, 8, 0.5, Duration.ofSeconds(10))), (x, c) -> {
            if (x < 3) never.await(); // hangs until its timeout interrupts it
            return x;
        }).observer(observer).start(rec);
        assertThat(engine.stage(name).currentLimit()).isEqualTo(8);
        for (int i = 0; i < 3; i++) engine.submit(i);
        ShutdownReport r = engine.close(Duration.ofSeconds(20));
        assertThat(r.tally()).isEqualTo(new Tally(3, 0, 0, 0, 3, 0, 0, 0));
        assertThat(engine.stage(name).currentLimit()).as("8 -> 4 -> 2 -> 1").isEqualTo(1);
        assertThat(changes).isNotEmpty();
        assertThat(changes.get(0)[0]).isEqualTo(8);
        assertThat(changes.get(changes.size() - 1)[1]).isEqualTo(1);
        for (int i = 1; i < changes.size(); i++) assertThat(changes.get(i)[0]).isEqualTo(changes.get(i - 1)[1]);
    }

    @Test
    void aTokenBucketStartsAtMostBurstPlusRateTimesElapsed() throws Exception {
        // manual clock; the sleeper advances it, so each wait for a token moves time by exactly that wait
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        List<Long> starts = new ArrayList<>();
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("rate")
                        .withRateLimit(new RateLimit(10, 3)), (x, c) -> {
                    starts.add(clock.get() - 1_000_000_000L); // width 1: one worker writes
                    return x;
                }).clock(clock::get).sleeper(clock::addAndGet).start(new Recorder<>());
        for (int i = 0; i < 8; i++) engine.submit(i);
        ShutdownReport r = engine.close(Duration.ofSeconds(20));
        assertThat(r.tally().completed()).isEqualTo(8);
        long ms = 1_000_000L;
        assertThat(starts).containsExactly(0L, 0L, 0L, 100 * ms, 200 * ms, 300 * ms, 400 * ms, 500 * ms);
        assertWithinBucketBound(starts, 10, 3, 1);
    }

    @Test
    void aWeigherMakesHeavyItemsCostMoreTokens() throws Exception {
        AtomicLong clock = new AtomicLong();
        List<Long> starts = new ArrayList<>();
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("weighted")
                        .withRateLimit(new RateLimit(10, 4)), (x, c) -> {
                    starts.add(clock.get());
                    return x;
                }, ItemTraits.<Integer>none().withWeight(x -> x == 99 ? 5 : 2)).clock(clock::get).sleeper(clock::addAndGet)
                .start(new Recorder<>());
        for (int i = 0; i < 5; i++) engine.submit(i);
        Recorder<Integer> tooHeavy = new Recorder<>();
        FanOutEngine<Integer> other = Pipeline.<Integer, Integer>from(StageSpec.named("heavy").withRateLimit(new RateLimit(10, 4)),
                (x, c) -> x, ItemTraits.<Integer>none().withWeight(x -> 5)).start(tooHeavy);
        other.submit(99);
        other.close(Duration.ofSeconds(10));
        assertThat(tooHeavy.calls).singleElement().satisfies(c -> {
            assertThat(c.outcome()).as("a weight above the burst can never start").isEqualTo(Outcome.FAILED);
            assertThat(c.cause()).isInstanceOf(IllegalArgumentException.class);
        });
        engine.close(Duration.ofSeconds(20));
        long ms = 1_000_000L;
        assertThat(starts).containsExactly(0L, 0L, 200 * ms, 400 * ms, 600 * ms);
        assertWithinBucketBound(starts, 10, 4, 2);
    }

    @Test
    void aRealClockBucketNeverStartsMoreThanItsBound() throws Exception {
        ConcurrentLinkedQueue<Long> starts = new ConcurrentLinkedQueue<>();
        long t0 = System.nanoTime(); // before the bucket exists: the bound measured from here is looser, still a bound
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("rate-real").withWidth(4)
                .withRateLimit(new RateLimit(200, 5)), (x, c) -> {
            starts.add(System.nanoTime() - t0);
            return x;
        }).start(new Recorder<>());
        for (int i = 0; i < 40; i++) engine.submit(i);
        ShutdownReport r = engine.close(Duration.ofSeconds(20));
        assertThat(r.tally().completed()).isEqualTo(40);
        List<Long> sorted = new ArrayList<>(starts);
        Collections.sort(sorted);
        assertWithinBucketBound(sorted, 200, 5, 1);
    }

    /** Every prefix of the sorted start times: k starts by time t need k * weight <= burst + rate * t. */
    private static void assertWithinBucketBound(List<Long> sortedStarts, double rate, int burst, int weight) {
        for (int k = 1; k <= sortedStarts.size(); k++) {
            double t = sortedStarts.get(k - 1) / 1e9;
            assertThat((double) k * weight).as("start %d at %.6f s", k, t).isLessThanOrEqualTo(burst + rate * t + 1e-9);
        }
    }

    @Test
    void aBulkheadWithoutBurstKeepsATenantUnderItsCapWhileAnotherIdles() throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        InService a = new InService();
        CountDownLatch release = new CountDownLatch(1);
        String name = "bulkhead";
        // width 8, no limit: total 8; tenant a: floor(0.25 * 8) = 2; everyone else shares floor(0.75 * 8) = 6
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named(name).withWidth(8)
                        .withBulkhead(new Bulkhead(Map.of("a", 0.25), false)), (x, c) -> {
                    if (x >= 100) return x; // tenant b: quick
                    a.enter();
                    try {
                        release.await();
                        return x;
                    } finally {
                        a.exit();
                    }
                }, ItemTraits.<Integer>none().withTenant(x -> x < 100 ? "a" : "b"))
                .start(rec);
        for (int i = 0; i < 6; i++) engine.submit(i);
        awaitTrue(() -> engine.stage(name).queueDepth() == 0, "six workers took tenant a's items");
        awaitWorkersParked(engine, name, 8);
        assertThat(a.now.get()).as("tenant a at its cap of 2; 4 of its items wait although 6 workers idle").isEqualTo(2);
        engine.submit(100); // tenant b is not held back by a
        awaitTrue(() -> rec.calls.size() == 1, "tenant b's item completed while a is held");
        assertThat(rec.calls).singleElement().satisfies(c -> assertThat(c.item()).isEqualTo(100));
        release.countDown();
        ShutdownReport r = engine.close(Duration.ofSeconds(20));
        assertThat(r.tally().completed()).isEqualTo(7);
        assertThat(a.max.get()).isEqualTo(2);
    }

    @Test
    void aBulkheadWithBurstLetsATenantBorrowIdlePermits() throws Exception {
        InService a = new InService();
        CountDownLatch release = new CountDownLatch(1);
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("burst").withWidth(8)
                        .withLimit(new LimitSpec.Fixed(6))
                        .withBulkhead(new Bulkhead(Map.of("a", 0.25, "b", 0.5), true)), (x, c) -> {
                    a.enter();
                    try {
                        release.await();
                        return x;
                    } finally {
                        a.exit();
                    }
                }, ItemTraits.<Integer>none().withTenant(x -> "a"))
                .start(new Recorder<>());
        for (int i = 0; i < 8; i++) engine.submit(i);
        awaitTrue(() -> engine.stage("burst").queueDepth() == 0, "every worker took an item");
        awaitWorkersParked(engine, "burst", 8);
        assertThat(a.now.get()).as("a's cap is 1 of the limit 6, but with burst it borrows up to the total").isEqualTo(6);
        release.countDown();
        assertThat(engine.close(Duration.ofSeconds(20)).tally().completed()).isEqualTo(8);
        assertThat(a.max.get()).isEqualTo(6);
    }

    @Test
    void cancelEndsItemsWaitingAtTheGateWithinItsBound() throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        CountDownLatch never = new CountDownLatch(1);
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("gate-cancel").withWidth(4)
                .withLimit(new LimitSpec.Fixed(1)).withRateLimit(new RateLimit(0.001, 2))
                .withBulkhead(new Bulkhead(Map.of(), false)), (x, c) -> {
            never.await();
            return x;
        }).start(rec);
        for (int i = 0; i < 6; i++) engine.submit(i);
        awaitTrue(() -> engine.stage("gate-cancel").queueDepth() == 2, "four workers took items");
        awaitWorkersParked(engine, "gate-cancel", 4); // 1 in work, 1 at the limit, 2 sleeping for tokens
        long t0 = System.nanoTime();
        ShutdownReport r = engine.cancel(Duration.ofSeconds(2));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
        assertThat(r.stuck()).isEmpty();
        assertThat(r.tally()).isEqualTo(new Tally(6, 0, 0, 0, 0, 6, 0, 0));
        rec.assertExactlyOnce(Pipeline.MAIN_EXIT, List.of(0, 1, 2, 3, 4, 5));
        assertThat(engine.liveThreads()).isEmpty();
    }

    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < end) Thread.sleep(1); // safety-net poll
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }

    /** Waits until {@code n} workers of the stage are parked (WAITING or TIMED_WAITING): in the work or at the gate. */
    static void awaitWorkersParked(FanOutEngine<?> engine, String stage, int n) throws InterruptedException {
        awaitTrue(() -> engine.liveThreads().stream().filter(t -> t.getName().startsWith("fanlab-" + stage + "-"))
                .filter(t -> t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING)
                .count() == n, n + " workers of " + stage + " parked");
    }
}
