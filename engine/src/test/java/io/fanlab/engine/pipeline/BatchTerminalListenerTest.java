package io.fanlab.engine.pipeline;

import io.fanlab.engine.Outcome;
import io.fanlab.engine.observe.Tally;
import io.fanlab.engine.spec.Dispatch;
import io.fanlab.engine.spec.Order;
import io.fanlab.engine.spec.StageSpec;
import io.fanlab.engine.spec.ThreadKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Results leaving as runs ({@link BatchTerminalListener}): every item still ends exactly once per exit, completed
 * items of a batched last stage arrive in runs (one call per worker run), every other outcome and every other path
 * per item, and a cancel that gives up on a stuck worker neither loses nor repeats the items that worker completed
 * earlier in its run.
 */
@Timeout(60)
class BatchTerminalListenerTest {
    /** Records runs (their sizes, and each item as a COMPLETED call in {@link #all}) and per-item calls. */
    static final class RunRecorder implements BatchTerminalListener<Integer> {
        final Recorder<Integer> all = new Recorder<>();
        final ConcurrentLinkedQueue<Integer> runSizes = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Integer> perItemCompleted = new ConcurrentLinkedQueue<>();

        @Override
        public void onCompletedRun(String exit, CompletedRun<Integer> run) {
            assertThat(run.size()).isPositive();
            runSizes.add(run.size());
            for (int i = 0; i < run.size(); i++) all.onTerminal(exit, run.item(i), Outcome.COMPLETED, run.result(i), null);
        }

        @Override
        public void onTerminal(String exit, Integer item, Outcome outcome, Object result, Throwable cause) {
            if (outcome == Outcome.COMPLETED) perItemCompleted.add(item);
            all.onTerminal(exit, item, outcome, result, cause);
        }

        int maxRun() { return runSizes.stream().mapToInt(Integer::intValue).max().orElse(0); }
        int inRuns() { return runSizes.stream().mapToInt(Integer::intValue).sum(); }
    }

    static Stream<Arguments> batchedThreads() {
        List<Arguments> out = new ArrayList<>();
        for (Dispatch d : List.of(new Dispatch.Batched(8, false), new Dispatch.Batched(8, true), new Dispatch.Batched(64, true)))
            for (ThreadKind t : Variants.THREADS) out.add(Arguments.of(d, t));
        return out.stream();
    }

    private static StageSpec spec(String name, Dispatch d, ThreadKind t, int width) {
        return StageSpec.named(name).withWidth(width).withQueueCapacity(1024).withDispatch(d).withThreads(t);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("batchedThreads")
    void completedItemsLeaveAsRunsExactlyOnce(Dispatch d, ThreadKind t) throws Exception {
        RunRecorder rec = new RunRecorder();
        String name = "runs-" + System.nanoTime();
        CountDownLatch queued = new CountDownLatch(1);
        // item -1 holds the only worker until the rest are queued, so the next takes are full runs
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(spec(name, d, t, 1), (x, c) -> {
            if (x < 0) queued.await();
            return x * 2;
        }).start(rec);
        engine.submit(-1);
        List<Integer> items = IntStream.range(0, 900).boxed().toList();
        assertThat(engine.submitAll(items)).isEqualTo(900);
        queued.countDown();
        ShutdownReport r = engine.close(Duration.ofSeconds(20));

        List<Integer> all = new ArrayList<>(items);
        all.add(-1);
        rec.all.assertExactlyOnce(Pipeline.MAIN_EXIT, all);
        assertThat(rec.all.calls).allSatisfy(c -> assertThat(c.result()).isEqualTo((Integer) c.item() * 2));
        assertThat(rec.perItemCompleted).as("completed items outside runs").isEmpty();
        int batch = ((Dispatch.Batched) d).size();
        assertThat(rec.maxRun()).as("largest run").isGreaterThan(1).isLessThanOrEqualTo(batch);
        assertThat(rec.runSizes.size()).as("runs").isLessThan(all.size());
        assertThat(r.drained()).isTrue();
        assertThat(r.tally()).isEqualTo(new Tally(901, 901, 0, 0, 0, 0, 0, 0));
        assertThat(engine.stage(name).out()).isEqualTo(901);
        assertThat(engine.liveThreads()).isEmpty();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("batchedThreads")
    void failuresEndPerItemAndRunsCarryTheRest(Dispatch d, ThreadKind t) throws Exception {
        RunRecorder rec = new RunRecorder();
        String name = "runs-fail-" + System.nanoTime();
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(spec(name, d, t, 3), (x, c) -> {
            if (x % 3 == 0) throw new IllegalStateException("item " + x);
            return x;
        }).start(rec);
        List<Integer> items = IntStream.range(0, 3000).boxed().toList();
        for (int from = 0; from < items.size(); from += 100) assertThat(engine.submitAll(items.subList(from, from + 100))).isEqualTo(100);
        ShutdownReport r = engine.close(Duration.ofSeconds(20));

        rec.all.assertExactlyOnce(Pipeline.MAIN_EXIT, items);
        assertThat(rec.all.calls).allSatisfy(c -> assertThat(c.outcome())
                .isEqualTo((Integer) c.item() % 3 == 0 ? Outcome.FAILED : Outcome.COMPLETED));
        assertThat(rec.inRuns()).isEqualTo(2000);
        assertThat(r.tally()).isEqualTo(new Tally(3000, 2000, 1000, 0, 0, 0, 0, 0));
        assertThat(engine.liveThreads()).isEmpty();
    }

    @Test
    void orderedAndPerItemStagesAndInnerStagesReportPerItem() throws Exception {
        RunRecorder rec = new RunRecorder();
        String name = "runs-paths-" + System.nanoTime();
        // a batched first stage (not the last: its items go on), an ordered batched last stage: no runs anywhere
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(
                        StageSpec.named(name + "-a").withWidth(2).withDispatch(new Dispatch.Batched(8, true)), (x, c) -> x)
                .then(StageSpec.named(name + "-b").withWidth(2).withDispatch(new Dispatch.Batched(8, false))
                        .withOrder(new Order.Ordered(64)), (x, c) -> x + 1)
                .start(rec);
        List<Integer> items = IntStream.range(0, 500).boxed().toList();
        assertThat(engine.submitAll(items)).isEqualTo(500);
        engine.close(Duration.ofSeconds(20));
        assertThat(rec.runSizes).isEmpty();
        assertThat(rec.perItemCompleted).hasSize(500);
        rec.all.assertExactlyOnce(Pipeline.MAIN_EXIT, items);
    }

    @Test
    void aPlainListenerStillGetsEveryCompletionAlone() throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        String name = "runs-plain-" + System.nanoTime();
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(spec(name, new Dispatch.Batched(64, true), ThreadKind.PLATFORM, 2),
                (x, c) -> x).start(rec);
        List<Integer> items = IntStream.range(0, 2000).boxed().toList();
        assertThat(engine.submitAll(items)).isEqualTo(2000);
        engine.close(Duration.ofSeconds(20));
        rec.assertExactlyOnce(Pipeline.MAIN_EXIT, items);
    }

    /**
     * A worker takes a run of 8; items 0-4 complete (held for the run), item 5 ignores interruption and is stuck. The
     * cancel gives up on the worker: every item of the run ends exactly once (the held ones and the unstarted ones
     * CANCELLED by the canceller, item 5 reported stuck), and when item 5 finally returns the worker reports nothing.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("threads")
    void aCancelGivingUpOnAStuckWorkerNeitherLosesNorRepeatsItsHeldItems(ThreadKind t) throws Exception {
        RunRecorder rec = new RunRecorder();
        String name = "runs-stuck-" + System.nanoTime();
        CountDownLatch queued = new CountDownLatch(1);
        CountDownLatch stuckStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(spec(name, new Dispatch.Batched(8, false), t, 1), (x, c) -> {
            if (x < 0) queued.await();
            if (x == 5) {
                stuckStarted.countDown();
                while (true) { // ignores interruption until the test lets it go
                    try {
                        if (release.await(10, TimeUnit.SECONDS)) break;
                    } catch (InterruptedException ignored) {
                        // stuck on purpose
                    }
                }
            }
            return x;
        }).start(rec);
        engine.submit(-1);
        List<Integer> items = IntStream.range(0, 8).boxed().toList();
        assertThat(engine.submitAll(items)).isEqualTo(8);
        queued.countDown();
        assertThat(stuckStarted.await(10, TimeUnit.SECONDS)).isTrue();

        ShutdownReport r = engine.cancel(Duration.ofMillis(300));
        assertThat(r.stuck()).extracting(StuckItem::item).containsExactly(5);
        List<Integer> all = new ArrayList<>(items);
        all.add(-1);
        rec.all.assertExactlyOnce(Pipeline.MAIN_EXIT, all);
        assertThat(rec.all.at(Pipeline.MAIN_EXIT)).filteredOn(c -> (Integer) c.item() >= 0)
                .allSatisfy(c -> assertThat(c.outcome()).isEqualTo(Outcome.CANCELLED));
        int before = rec.all.calls.size();

        release.countDown(); // the stuck item returns: the abandoned worker must report nothing more
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!engine.liveThreads().isEmpty() && System.nanoTime() < until) Thread.sleep(5);
        assertThat(engine.liveThreads()).isEmpty();
        assertThat(rec.all.calls).hasSize(before);
        rec.all.assertExactlyOnce(Pipeline.MAIN_EXIT, all);
    }

    /**
     * Plain runs (a head stage that is also the last, Batched, a run listener: {@code submitAll} hands it items without
     * envelopes) mixed with single submits on the same stage: every item ends exactly once; each item's work sees a
     * sequence no other item has, increasing along each worker's items; a failing item of a run is dead-lettered with
     * its own item and sequence while the rest of its run leaves as a run.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("threads")
    void plainRunsAndSingleSubmitsEndEachItemOnceWithItsOwnSequence(ThreadKind t) throws Exception {
        RunRecorder rec = new RunRecorder();
        String name = "runs-plain-seq-" + System.nanoTime();
        java.util.Map<Integer, Long> seqOf = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.Map<Integer, List<Long>> seqsOfWorker = new java.util.concurrent.ConcurrentHashMap<>();
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(spec(name, new Dispatch.Batched(16, true), t, 3)
                .withOnError(io.fanlab.engine.spec.ErrorPolicy.DEAD_LETTER), (x, c) -> {
            seqOf.put(x, c.sequence());
            seqsOfWorker.computeIfAbsent(c.worker(), w -> java.util.Collections.synchronizedList(new ArrayList<>())).add(c.sequence());
            if (x % 97 == 5) throw new IllegalStateException("item " + x);
            return -x;
        }).start(rec);
        List<Integer> items = new ArrayList<>();
        for (int b = 0; b < 40; b++) {
            engine.submit(b * 100); // a single, as an envelope, between runs
            items.add(b * 100);
            List<Integer> chunk = IntStream.range(b * 100 + 1, b * 100 + 100).boxed().toList();
            assertThat(engine.submitAll(chunk)).isEqualTo(chunk.size());
            items.addAll(chunk);
        }
        ShutdownReport r = engine.close(Duration.ofSeconds(20));
        assertThat(r.drained()).isTrue();
        rec.all.assertExactlyOnce(Pipeline.MAIN_EXIT, items);
        assertThat(rec.all.calls).allSatisfy(c -> {
            int x = (Integer) c.item();
            if (x % 97 == 5) assertThat(c.outcome()).isEqualTo(Outcome.DEAD_LETTERED);
            else assertThat(c.outcome()).isEqualTo(Outcome.COMPLETED);
            if (c.outcome() == Outcome.COMPLETED) assertThat(c.result()).isEqualTo(-x);
        });
        assertThat(rec.inRuns()).as("completed in runs").isGreaterThan(3000);
        assertThat(new java.util.HashSet<>(seqOf.values())).as("sequences unique").hasSize(items.size());
        seqsOfWorker.forEach((w, seqs) -> assertThat(seqs).as("worker %d's sequences", w).isSorted());
        List<DeadLetter> dead = engine.deadLetters();
        assertThat(dead).extracting(DeadLetter::origin).containsExactlyInAnyOrderElementsOf(
                items.stream().filter(x -> x % 97 == 5).map(x -> (Object) x).toList());
        assertThat(dead).allSatisfy(d -> assertThat(d.sequence()).isEqualTo(seqOf.get((Integer) d.origin())));
        assertThat(r.tally().completed() + r.tally().deadLettered()).isEqualTo(items.size());
        assertThat(engine.liveThreads()).isEmpty();
    }

    /**
     * A cancel while plain runs are queued and one is in a worker's hand: the queued raw runs are drained as items
     * (CANCELLED), the one in hand is finished or cancelled, and every item ends exactly once.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("threads")
    void aCancelWithPlainRunsQueuedEndsEveryItemOnce(ThreadKind t) throws Exception {
        RunRecorder rec = new RunRecorder();
        String name = "runs-plain-cancel-" + System.nanoTime();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(spec(name, new Dispatch.Batched(8, false), t, 1), (x, c) -> {
            if (x == 3) {
                started.countDown();
                release.await(); // interrupted by the cancel
            }
            return x;
        }).start(rec);
        List<Integer> items = IntStream.range(0, 200).boxed().toList();
        for (int from = 0; from < items.size(); from += 40) assertThat(engine.submitAll(items.subList(from, from + 40))).isEqualTo(40);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        ShutdownReport r = engine.cancel(Duration.ofSeconds(5));
        rec.all.assertExactlyOnce(Pipeline.MAIN_EXIT, items);
        assertThat(rec.all.calls).filteredOn(c -> (Integer) c.item() >= 8)
                .allSatisfy(c -> assertThat(c.outcome()).isEqualTo(Outcome.CANCELLED));
        assertThat(r.stuck()).isEmpty();
        assertThat(r.tally().completed() + r.tally().cancelled()).isEqualTo(items.size());
        assertThat(engine.liveThreads()).isEmpty();
    }

    static Stream<ThreadKind> threads() { return Variants.THREADS.stream(); }
}
