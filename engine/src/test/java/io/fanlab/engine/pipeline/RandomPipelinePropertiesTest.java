package io.fanlab.engine.pipeline;

import io.fanlab.engine.Outcome;
import io.fanlab.engine.Work;
import io.fanlab.engine.observe.StageStats;
import io.fanlab.engine.observe.Tally;
import io.fanlab.engine.spec.Dispatch;
import io.fanlab.engine.spec.ErrorPolicy;
import io.fanlab.engine.spec.Order;
import io.fanlab.engine.spec.StageSpec;
import io.fanlab.engine.spec.ThreadKind;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties over random pipelines (linear, branch, diamond, loop), widths, dispatch, order, thread kinds, stage
 * policies (timeout, retry, hedge, limits, rate limit, bulkhead: {@link Variants#POLICIES}) and injected failures: every admitted item ends exactly once per exit, tallies add up (per stage and for the
 * pipeline), and no engine thread is left after close or cancel.
 */
class RandomPipelinePropertiesTest {
    enum Shape { LINEAR, BRANCH, DIAMOND, LOOP }

    /** {@code policies}: per stage, an index into {@link Variants#POLICIES}, or -1 for none. */
    record Tail(boolean cancelMidway, List<Integer> policies) {}

    record Setup(Shape shape, List<Integer> widths, List<Dispatch> dispatches, List<Order> orders, ThreadKind threads,
                 int failEvery, int items, Tail tail) {
        boolean cancelMidway() { return tail.cancelMidway(); }

        StageSpec policy(int stage, StageSpec spec) {
            int i = tail.policies().get(stage);
            return i < 0 ? spec : Variants.POLICIES.get(i).apply().apply(spec);
        }
    }

    @Provide
    Arbitrary<Setup> setups() {
        Arbitrary<Dispatch> dispatch = Arbitraries.of(new Dispatch.SharedQueue(), new Dispatch.Sharded(), new Dispatch.WorkStealing(),
                new Dispatch.Batched(4, false), new Dispatch.Batched(16, true));
        Arbitrary<Order> order = Arbitraries.of(Order.UNORDERED, new Order.Ordered(8), new Order.Ordered(64));
        return Combinators.combine(
                Arbitraries.of(Shape.class),
                Arbitraries.integers().between(1, 4).list().ofSize(3),
                dispatch.list().ofSize(3),
                order.list().ofSize(3),
                Arbitraries.of(ThreadKind.class),
                Arbitraries.of(0, 2, 5, 13),
                Arbitraries.integers().between(1, 400),
                Combinators.combine(Arbitraries.of(false, false, true),
                        Arbitraries.integers().between(-Variants.POLICIES.size(), Variants.POLICIES.size() - 1)
                                .map(i -> Math.max(-1, i)).list().ofSize(3)).as(Tail::new)).as(Setup::new);
    }

    @Property(tries = 40)
    void everyItemEndsExactlyOncePerExit(@ForAll("setups") Setup s) throws Exception {
        run(s);
    }

    @Property(tries = 300)
    @Tag("slow")
    void everyItemEndsExactlyOncePerExitManyTries(@ForAll("setups") Setup s) throws Exception {
        run(s);
    }

    /**
     * A sample jqwik found (about 1 run in 3,000 under a CPU hog lost an item): a cancel's drain passed a shard of the
     * last (sharded) stage while the ordered stage before it moved an item from a full shard to that one; the item
     * was neither taken nor ended. 0 in 9,000 after the fix; StageQueueContractTest has the deterministic case.
     */
    @org.junit.jupiter.api.RepeatedTest(3000)
    @org.junit.jupiter.api.Tag("slow") // a Jupiter test: jqwik's @Tag (imported above) would not exclude it
    void aCancelledShardedStageBehindOrderedOnesLosesNothing() throws Exception {
        run(new Setup(Shape.LINEAR, List.of(3, 4, 3), List.of(new Dispatch.WorkStealing(), new Dispatch.SharedQueue(), new Dispatch.Sharded()),
                List.of(Order.UNORDERED, new Order.Ordered(64), new Order.Ordered(64)), ThreadKind.PLATFORM, 0, 81, new Tail(true, List.of(-1, -1, -1))));
    }

    private static final AtomicInteger IDS = new AtomicInteger();

    /**
     * A sample jqwik found: a producer (the branch point's worker) waited for ring room with the ordered side
     * stage's reorder window as its limit, then slept through the ring's wake-ups, and the pipeline never drained.
     */
    @org.junit.jupiter.api.RepeatedTest(20)
    void orderedSideStageBehindAFullRingAndAFullWindowDrains() throws Exception {
        run(new Setup(Shape.BRANCH, List.of(4, 1, 4), List.of(new Dispatch.Batched(4, false), new Dispatch.SharedQueue(), new Dispatch.Batched(4, false)),
                List.of(Order.UNORDERED, new Order.Ordered(64), new Order.Ordered(64)), ThreadKind.PLATFORM, 2, 399, new Tail(false, List.of(-1, 5, -1))));
    }

    private void run(Setup s) throws Exception {
        int id = IDS.incrementAndGet();
        StageSpec[] specs = new StageSpec[3];
        for (int i = 0; i < 3; i++)
            specs[i] = StageSpec.named("p" + id + "s" + i).withWidth(s.widths().get(i)).withQueueCapacity(16)
                    .withDispatch(s.dispatches().get(i)).withOrder(s.orders().get(i)).withThreads(s.threads())
                    .withOnError(i == 1 ? ErrorPolicy.DEAD_LETTER : ErrorPolicy.CONTINUE);
        for (int i = 0; i < 3; i++) specs[i] = s.policy(i, specs[i]);
        Work<Integer, Integer> plain = (x, c) -> x;
        Work<Integer, Integer> failing = (x, c) -> {
            if (s.failEvery() > 0 && x % s.failEvery() == 0) throw new IllegalStateException("injected " + x);
            return x;
        };
        Pipeline<Integer, Integer> p = Pipeline.from(specs[0], plain);
        p = switch (s.shape()) {
            case LINEAR -> p.then(specs[1], failing).then(specs[2], plain);
            case BRANCH -> p.branch("side", side -> side.then(specs[1], failing)).then(specs[2], plain);
            case DIAMOND -> p.<Integer>route(x -> x % 3 == 0, a -> a.then(specs[1], failing), b -> b.then(specs[2], plain));
            case LOOP -> p.loop(body -> body.then(specs[1].withOrder(Order.UNORDERED), failing).then(specs[2], (x, c) -> x + 1000), x -> x < 3000, x -> x, 2);
        };
        Recorder<Integer> rec = new Recorder<>();
        FanOutEngine<Integer> engine = p.start(rec);
        List<Integer> accepted = new ArrayList<>();
        Thread canceller = null;
        if (s.cancelMidway()) {
            canceller = Thread.ofPlatform().start(() -> {
                while (engine.tally().admitted() < s.items() / 2) java.util.concurrent.locks.LockSupport.parkNanos(20_000);
                engine.cancel(Duration.ofSeconds(5));
            });
        }
        for (int i = 0; i < s.items(); i++) {
            try {
                engine.submit(i);
                accepted.add(i);
            } catch (IllegalStateException refused) {
                break;
            }
        }
        ShutdownReport r = engine.close(Duration.ofSeconds(20));
        if (canceller != null) canceller.join(20_000);
        r = engine.close(Duration.ofSeconds(1)); // same report (first shutdown call wins)

        assertThat(r.stuck()).isEmpty();
        rec.assertExactlyOnce(Pipeline.MAIN_EXIT, accepted);
        Tally t = engine.tally();
        assertThat(t.inFlight()).isZero();
        assertThat(t.admitted()).isEqualTo(rec.calls.size());
        assertThat(t.completed()).isEqualTo(rec.count(Outcome.COMPLETED));
        assertThat(t.failed()).isEqualTo(rec.count(Outcome.FAILED));
        assertThat(t.deadLettered()).isEqualTo(rec.count(Outcome.DEAD_LETTERED));
        assertThat(t.cancelled()).isEqualTo(rec.count(Outcome.CANCELLED));
        if (!s.cancelMidway() || engine.tally().cancelled() == 0)
            assertThat(rec.outcomes().keySet()).doesNotContain(Outcome.CANCELLED, Outcome.SHED);
        if (s.shape() == Shape.BRANCH) {
            Set<Object> completedMain = rec.at(Pipeline.MAIN_EXIT).stream().filter(c -> c.outcome() == Outcome.COMPLETED).map(Recorder.Call::item).collect(Collectors.toSet());
            Set<Object> side = rec.at("side").stream().map(Recorder.Call::item).collect(Collectors.toSet());
            assertThat(side).as("an item that completed the main path passed the branch point").containsAll(completedMain);
        }
        for (StageStats st : engine.stages()) assertThat(st.tally().inFlight()).as(st.name()).isZero();
        long stageTerminals = engine.stages().stream().mapToLong(st -> st.tally().terminals() - st.tally().completed()).sum();
        if (t.cancelled() == 0)
            assertThat(stageTerminals + t.completed()).as("pipeline terminals = stage non-completion terminals + exits").isEqualTo(t.terminals());
        else // an item cancelled while waiting to enter a loop ends between stages: counted by the pipeline only
            assertThat(stageTerminals + t.completed()).as("pipeline terminals >= stage non-completion terminals + exits").isLessThanOrEqualTo(t.terminals());
        assertThat(engine.liveThreads()).isEmpty();
    }
}
