package io.fanlab.engine.pipeline;

import io.fanlab.engine.Outcome;
import io.fanlab.engine.observe.Tally;
import io.fanlab.engine.spec.StageSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Branch, diamond and loop behave as documented. */
@Timeout(60)
class TopologyTest {
    static final List<Integer> ITEMS = IntStream.range(0, 500).boxed().toList();

    @Test
    void branchCopiesEveryItemToItsOwnExit() throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("a").withWidth(2), (x, c) -> x + 1)
                .branch("audit", side -> side.then(StageSpec.named("audit").withWidth(1), (x, c) -> "audit:" + x))
                .then(StageSpec.named("b").withWidth(2), (x, c) -> x * 2)
                .start(rec);
        for (int i : ITEMS) engine.submit(i);
        ShutdownReport r = engine.close(Duration.ofSeconds(10));
        rec.assertExactlyOnce(Pipeline.MAIN_EXIT, ITEMS);
        rec.assertExactlyOnce("audit", ITEMS);
        assertThat(rec.at("audit")).allSatisfy(c -> assertThat(c.result()).isEqualTo("audit:" + ((Integer) c.item() + 1)));
        assertThat(rec.at(Pipeline.MAIN_EXIT)).allSatisfy(c -> assertThat(c.result()).isEqualTo(((Integer) c.item() + 1) * 2));
        assertThat(r.tally()).isEqualTo(new Tally(1000, 1000, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void aSlowBranchDoesNotHoldTheMainPathWhileItsBufferHasRoom() throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        CountDownLatch auditGate = new CountDownLatch(1);
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("a"), (x, c) -> x)
                .branch("audit", side -> side.then(StageSpec.named("audit").withQueueCapacity(1000), (x, c) -> {
                    auditGate.await();
                    return x;
                }))
                .start(rec);
        for (int i = 0; i < 100; i++) engine.submit(i);
        long end = System.nanoTime() + 10_000_000_000L;
        while (rec.at(Pipeline.MAIN_EXIT).size() < 100 && System.nanoTime() < end) Thread.sleep(1);
        assertThat(rec.at(Pipeline.MAIN_EXIT)).hasSize(100);
        assertThat(rec.at("audit")).isEmpty();
        auditGate.countDown();
        engine.close(Duration.ofSeconds(10));
        assertThat(rec.at("audit")).hasSize(100);
    }

    @Test
    void diamondRoutesEachItemToOnePathAndMerges() throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("in").withWidth(2), (x, c) -> x)
                .route(x -> x % 2 == 0,
                        even -> even.then(StageSpec.named("even"), (x, c) -> "even:" + x),
                        odd -> odd.then(StageSpec.named("odd").withWidth(3), (x, c) -> "odd:" + x))
                .then(StageSpec.named("merge"), (s, c) -> s.toUpperCase())
                .start(rec);
        for (int i : ITEMS) engine.submit(i);
        engine.close(Duration.ofSeconds(10));
        rec.assertExactlyOnce(Pipeline.MAIN_EXIT, ITEMS);
        assertThat(rec.calls).allSatisfy(c -> assertThat(c.result()).isEqualTo(((Integer) c.item() % 2 == 0 ? "EVEN:" : "ODD:") + c.item()));
        assertThat(engine.stage("even").out()).isEqualTo(250);
        assertThat(engine.stage("odd").out()).isEqualTo(250);
        assertThat(engine.stage("merge").in()).isEqualTo(500);
    }

    @Test
    void loopGoesBackAtMostMaxLaps() throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        // body adds 1; go again while below 5, at most 3 laps: item x leaves as min(max(x+1, 5), x+4) unless x+1 >= 5
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("pre"), (x, c) -> x)
                .loop(body -> body.then(StageSpec.named("inc").withWidth(2).withQueueCapacity(8), (x, c) -> x + 1), x -> x < 5, x -> x, 3)
                .start(rec);
        List<Integer> items = IntStream.range(0, 200).boxed().toList();
        for (int i : items) engine.submit(i);
        engine.close(Duration.ofSeconds(10));
        rec.assertExactlyOnce(Pipeline.MAIN_EXIT, items);
        assertThat(rec.calls).allSatisfy(c -> {
            int x = (Integer) c.item();
            assertThat(c.result()).isEqualTo(x + 1 >= 5 ? x + 1 : Math.min(5, x + 4));
        });
        assertThat(engine.stage("inc").in()).isEqualTo(200 + 3 + 3 + 2 + 1); // laps made by items 0..3
    }

    static Stream<io.fanlab.engine.spec.Dispatch> dispatches() { return Variants.DISPATCHES.stream(); }

    @ParameterizedTest
    @MethodSource("dispatches")
    void aLoopOfTwoBlockingStagesWithTinyQueuesDoesNotDeadlock(io.fanlab.engine.spec.Dispatch d) throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        // every item makes 5 laps through two stages whose queues hold 3 items (1 per shard when sharded)
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("src").withWidth(2), (x, c) -> 0)
                .loop(body -> body.then(StageSpec.named("l1").withWidth(3).withQueueCapacity(3).withDispatch(d), (x, c) -> x + 1)
                                  .then(StageSpec.named("l2").withWidth(3).withQueueCapacity(3).withDispatch(d), (x, c) -> x),
                        x -> true, x -> x, 5)
                .start(rec);
        List<Integer> items = IntStream.range(0, 300).boxed().toList();
        for (int i : items) engine.submit(i);
        ShutdownReport r = engine.close(Duration.ofSeconds(20));
        assertThat(r.drained()).isTrue();
        rec.assertExactlyOnce(Pipeline.MAIN_EXIT, items);
        assertThat(rec.calls).allSatisfy(c -> assertThat(c.result()).isEqualTo(6));
        assertThat(engine.stage("l1").in()).isEqualTo(300 * 6);
    }

    @Test
    void aLoneItemInALargeBatchIsNotHeldBack() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("lone")
                .withDispatch(new io.fanlab.engine.spec.Dispatch.Batched(64, false)), (x, c) -> x)
                .start((exit, item, outcome, result, cause) -> done.countDown());
        engine.submit(1);
        assertThat(done.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("a lone item is taken without waiting for a full batch").isTrue();
        engine.close(Duration.ofSeconds(5));
    }

    @Test
    void anOrderedFirstStageInALoopIsRefused() {
        assertThatThrownBy(() -> Pipeline.<Integer, Integer>from(StageSpec.named("p"), (v, c) -> v)
                .loop(b -> b.then(StageSpec.named("o").withOrder(new io.fanlab.engine.spec.Order.Ordered(4)), (v, c) -> v), v -> false, v -> v, 1)
                .start(TerminalListener.ignore()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("stage.o.order: Ordered[window=4] (expected: unordered");
    }

    @Test
    void duplicateNamesAreRefused() {
        assertThatThrownBy(() -> Pipeline.<Integer, Integer>from(StageSpec.named("x"), (v, c) -> v).then(StageSpec.named("x"), (v, c) -> v)
                .start(TerminalListener.ignore())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'x'");
        assertThatThrownBy(() -> Pipeline.<Integer, Integer>from(StageSpec.named("y"), (v, c) -> v).branch(Pipeline.MAIN_EXIT, s -> s)
                .start(TerminalListener.ignore())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("branch.exit");
    }

    @Test
    void failureInsideALoopReleasesItsPermit() throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        // queue capacity 2 = 2 loop permits; 50 failing items would exhaust them if failures leaked permits
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("p"), (x, c) -> x)
                .loop(body -> body.then(StageSpec.named("f").withQueueCapacity(2), (x, c) -> {
                    if (x % 2 == 0) throw new IllegalStateException("even");
                    return x;
                }), x -> false, x -> x, 1)
                .start(rec);
        for (int i = 0; i < 50; i++) engine.submit(i);
        ShutdownReport r = engine.close(Duration.ofSeconds(10));
        assertThat(r.drained()).isTrue();
        assertThat(rec.outcomes()).containsEntry(Outcome.FAILED, 25L).containsEntry(Outcome.COMPLETED, 25L);
    }
}
