package io.fanlab.engine.pipeline;

import io.fanlab.engine.Outcome;
import io.fanlab.engine.observe.StageObserver;
import io.fanlab.engine.observe.Tally;
import io.fanlab.engine.spec.Admission;
import io.fanlab.engine.spec.Dispatch;
import io.fanlab.engine.spec.Order;
import io.fanlab.engine.spec.StageSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Exact behaviour of overflow policies, the queue deadline (manual clock) and the reorder window. */
@Timeout(60)
class AdmissionTest {

    /** One worker held on item 0; capacity 4; then items 1..10 arrive. */
    private Recorder<Integer> fillHeldStage(Admission admission) throws Exception {
        return fillHeldStage(admission, null);
    }

    /** As above, drawing the engine's random numbers from {@code random} (null: the default, unseeded). */
    private Recorder<Integer> fillHeldStage(Admission admission, java.util.random.RandomGenerator random) throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("held").withQueueCapacity(4).withAdmission(admission), (x, c) -> {
            if (x == 0) {
                started.countDown();
                release.await();
            }
            return x;
        }).apply(p -> random == null ? p : p.random(random)).start(rec);
        engine.submit(0);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i <= 10; i++) engine.submit(i);
        release.countDown();
        engine.close(Duration.ofSeconds(10));
        assertThat(engine.tally().inFlight()).isZero();
        return rec;
    }

    private static List<Object> itemsWith(Recorder<Integer> rec, Outcome o) {
        return rec.calls.stream().filter(c -> c.outcome() == o).map(Recorder.Call::item).sorted().map(x -> (Object) x).toList();
    }

    @Test
    void dropNewestShedsTheArrivingItems() throws Exception {
        Recorder<Integer> rec = fillHeldStage(new Admission(new Admission.Overflow.DropNewest(), Optional.empty()));
        assertThat(itemsWith(rec, Outcome.SHED)).containsExactly(5, 6, 7, 8, 9, 10);
        assertThat(itemsWith(rec, Outcome.COMPLETED)).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void dropOldestShedsTheOldestQueued() throws Exception {
        Recorder<Integer> rec = fillHeldStage(new Admission(new Admission.Overflow.DropOldest(), Optional.empty()));
        assertThat(itemsWith(rec, Outcome.SHED)).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(itemsWith(rec, Outcome.COMPLETED)).containsExactly(0, 7, 8, 9, 10);
    }

    /**
     * Threshold 0.5 of capacity 4: items 1, 2, 3 see fill 0, 0.25, 0.5 (drop probability 0: admitted without a draw);
     * each later item sees fill 0.75 (drop probability 0.5: one draw) until one is admitted, and from then on a full
     * queue (probability 1: shed without a draw). The engine's draws come from a seeded {@link java.util.Random}
     * ({@code Pipeline.random}), so each run's outcome is exact: a replay of that rule on the same seed says which
     * item is admitted at fill 0.75, if any. Over {@value #RUNS} runs sharing one seeded source, the share of fill-0.75
     * draws that shed is a fixed number for the seed, and it lies in a band around the rule's 0.5 (the band is
     * about 5 standard deviations of a fair coin over that many draws, so a wrong probability, 0.25 or 0.75 say,
     * falls outside it).
     */
    @Test
    void probabilisticNeverShedsBelowThresholdAndAlwaysWhenFull() throws Exception {
        java.util.Random engineDraws = new java.util.Random(SEED), replay = new java.util.Random(SEED);
        long draws = 0, shedAtDraw = 0;
        for (int run = 0; run < RUNS; run++) {
            Recorder<Integer> rec = fillHeldStage(new Admission(new Admission.Overflow.Probabilistic(0.5), Optional.empty()), engineDraws);
            assertThat(rec.calls).hasSize(11);
            // the replay: items 4..10 draw at fill 0.75 until one draws "admit" (>= 0.5); every later one is shed
            Integer admittedAt075 = null;
            for (int i = 4; i <= 10 && admittedAt075 == null; i++) {
                draws++;
                if (replay.nextDouble() < 0.5) shedAtDraw++;
                else admittedAt075 = i;
            }
            List<Object> completed = itemsWith(rec, Outcome.COMPLETED);
            List<Object> expected = new java.util.ArrayList<>(List.of(0, 1, 2, 3)); // below the threshold: never shed
            if (admittedAt075 != null) expected.add(admittedAt075);
            assertThat(completed).as("run %d", run).isEqualTo(expected);
            List<Object> shed = itemsWith(rec, Outcome.SHED);
            assertThat(shed).as("run %d", run).hasSize(11 - expected.size()).doesNotContainAnyElementsOf(expected);
        }
        double share = shedAtDraw / (double) draws;
        assertThat(draws).isGreaterThan(RUNS); // at least one draw per run, two on average
        assertThat(share).as("shed share of %d draws at drop probability 0.5", draws).isBetween(0.4, 0.6);
    }

    static final long SEED = 20261207L;
    static final int RUNS = 200;

    @Test
    void queueDeadlineShedsAtDequeueByTheEngineClock() throws Exception {
        AtomicLong clock = new AtomicLong();
        Recorder<Integer> rec = new Recorder<>();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ConcurrentLinkedQueue<Long> queueTimes = new ConcurrentLinkedQueue<>();
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("deadline")
                .withAdmission(new Admission(new Admission.Overflow.Block(), Optional.of(Duration.ofMillis(10)))), (x, c) -> {
            if (x == 0) {
                started.countDown();
                release.await();
            }
            return x;
        }).clock(clock::get).observer(new StageObserver() {
            @Override public void started(String stage, long sequence, int worker, long queueNanos) { queueTimes.add(queueNanos); }
        }).start(rec);
        engine.submit(0);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        engine.submit(1);
        engine.submit(2);
        clock.addAndGet(Duration.ofMillis(11).toNanos()); // 1 and 2 have now waited 11 ms
        engine.submit(3); // waited 0
        release.countDown();
        engine.close(Duration.ofSeconds(10));
        assertThat(itemsWith(rec, Outcome.SHED)).containsExactly(1, 2);
        assertThat(itemsWith(rec, Outcome.COMPLETED)).containsExactly(0, 3);
        assertThat(queueTimes).containsExactlyInAnyOrder(0L, 0L);
        assertThat(engine.stage("deadline").shed()).isEqualTo(2);
    }

    @Test
    void fullReorderWindowBlocksTheProducerAndShowsDepth() throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch othersDone = new CountDownLatch(3);
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("window").withWidth(2)
                .withOrder(new Order.Ordered(4)).withDispatch(new Dispatch.SharedQueue()), (x, c) -> {
            if (x == 0) release.await();
            return x;
        }).observer(new StageObserver() {
            @Override public void terminal(String stage, long sequence, Outcome outcome, long q, long s) { }
        }).start((exit, item, outcome, result, cause) -> rec.onTerminal(exit, item, outcome, result, cause));
        for (int i = 0; i < 4; i++) engine.submit(i);
        Thread producer = Thread.ofPlatform().start(() -> {
            try {
                engine.submit(4);
            } catch (InterruptedException ignored) {
            }
        });
        FailureModeTest.awaitBlocked(producer);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (engine.stage("window").reorderDepth() < 3 && System.nanoTime() < end) Thread.sleep(1);
        assertThat(engine.stage("window").reorderDepth()).isEqualTo(3);
        assertThat(rec.calls).isEmpty(); // 1..3 finished but wait for 0
        assertThat(engine.stage("window").tally()).isEqualTo(new Tally(4, 0, 0, 0, 0, 0, 0, 4));
        release.countDown();
        producer.join(10_000);
        engine.close(Duration.ofSeconds(10));
        assertThat(rec.calls.stream().map(Recorder.Call::item).toList()).containsExactly(0, 1, 2, 3, 4);
        assertThat(engine.stage("window").reorderDepth()).isZero();
    }
}
