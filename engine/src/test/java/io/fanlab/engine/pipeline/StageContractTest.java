package io.fanlab.engine.pipeline;

import io.fanlab.engine.Outcome;
import io.fanlab.engine.observe.StageStats;
import io.fanlab.engine.observe.Tally;
import io.fanlab.engine.spec.Admission;
import io.fanlab.engine.spec.Dispatch;
import io.fanlab.engine.spec.Order;
import io.fanlab.engine.spec.StageSpec;
import io.fanlab.engine.spec.ThreadKind;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every stage setting keeps: nothing lost, nothing duplicated, tallies add up, order kept where
 * promised, no thread left after close or cancel, cancel returns within its bound.
 */
@Timeout(60)
class StageContractTest {

    static Stream<Arguments> everySetting() {
        List<Arguments> out = new ArrayList<>();
        for (Dispatch d : Variants.DISPATCHES)
            for (Order o : Variants.ORDERS)
                for (ThreadKind t : Variants.THREADS)
                    for (Admission a : Variants.ADMISSIONS) out.add(Arguments.of(d, o, t, a));
        return out.stream();
    }

    static Stream<Arguments> dispatchOrderThreads() {
        List<Arguments> out = new ArrayList<>();
        for (Dispatch d : Variants.DISPATCHES)
            for (Order o : Variants.ORDERS)
                for (ThreadKind t : Variants.THREADS) out.add(Arguments.of(d, o, t));
        return out.stream();
    }

    private static StageSpec spec(String name, Dispatch d, Order o, ThreadKind t, Admission a) {
        return StageSpec.named(name).withWidth(3).withQueueCapacity(16).withDispatch(d).withOrder(o).withThreads(t).withAdmission(a);
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("everySetting")
    void nothingLostNothingDuplicatedOrderKept(Dispatch d, Order o, ThreadKind t, Admission a) throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        String name = "contract-" + System.nanoTime();
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(spec(name, d, o, t, a), (x, c) -> {
            if (x % 7 == 0) Thread.yield();
            return x * 3;
        }).start(rec);
        List<Integer> items = IntStream.range(0, 3000).boxed().toList();
        for (int i : items) engine.submit(i);
        ShutdownReport r = engine.close(Duration.ofSeconds(20));

        assertThat(r.drained()).isTrue();
        rec.assertExactlyOnce(Pipeline.MAIN_EXIT, items);
        Tally tally = r.tally();
        assertThat(tally.admitted()).isEqualTo(items.size());
        assertThat(tally.inFlight()).isZero();
        assertThat(tally.terminals()).isEqualTo(rec.calls.size());
        assertThat(tally.completed()).isEqualTo(rec.count(Outcome.COMPLETED));
        assertThat(tally.shed()).isEqualTo(rec.count(Outcome.SHED));
        assertThat(rec.outcomes().keySet()).isSubsetOf(Outcome.COMPLETED, Outcome.SHED);
        if (a.overflow() instanceof Admission.Overflow.Block) assertThat(tally.completed()).isEqualTo(items.size());
        assertThat(rec.calls).filteredOn(c -> c.outcome() == Outcome.COMPLETED)
                .allSatisfy(c -> assertThat(c.result()).isEqualTo((Integer) c.item() * 3));
        if (o instanceof Order.Ordered) {
            List<Integer> completedInOrder = rec.calls.stream().filter(c -> c.outcome() == Outcome.COMPLETED).map(c -> (Integer) c.item()).toList();
            assertThat(completedInOrder).as("single producer: completion order == submission order").isSorted();
        }
        StageStats s = engine.stage(name);
        assertThat(s.tally()).isEqualTo(tally);
        assertThat(s.workers().stream().mapToLong(w -> w.items()).sum()).as("no queue deadline: workers take only items they complete").isEqualTo(tally.completed());
        assertThat(s.queueDepth()).isZero();
        assertThat(engine.liveThreads()).isEmpty();
        assertNoThreadNamed("fanlab-" + name);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("dispatchOrderThreads")
    void submitAllKeepsTheContract(Dispatch d, Order o, ThreadKind t) throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        String name = "batch-" + System.nanoTime();
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(spec(name, d, o, t, Admission.BLOCK), (x, c) -> x).start(rec);
        List<Integer> items = IntStream.range(0, 3000).boxed().toList();
        for (int from = 0; from < items.size(); from += 100) assertThat(engine.submitAll(items.subList(from, from + 100))).isEqualTo(100);
        ShutdownReport r = engine.close(Duration.ofSeconds(20));
        rec.assertExactlyOnce(Pipeline.MAIN_EXIT, items);
        assertThat(r.tally()).isEqualTo(new Tally(3000, 3000, 0, 0, 0, 0, 0, 0));
        if (o instanceof Order.Ordered)
            assertThat(rec.calls.stream().map(c -> (Integer) c.item()).toList()).isSorted();
        assertThat(engine.liveThreads()).isEmpty();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("dispatchOrderThreads")
    void cancelEndsEveryItemOnceAndReturnsWithinBound(Dispatch d, Order o, ThreadKind t) throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        String name = "cancel-" + System.nanoTime();
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(spec(name, d, o, t, Admission.BLOCK).withQueueCapacity(64), (x, c) -> {
            started.countDown();
            never.await(); // answers interruption
            return x;
        }).start(rec);
        List<Integer> items = IntStream.range(0, 16).boxed().toList(); // <= the reorder window: all admitted
        for (int i : items) engine.submit(i);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        long t0 = System.nanoTime();
        ShutdownReport r = engine.cancel(Duration.ofSeconds(2));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
        assertThat(r.stuck()).isEmpty();
        rec.assertExactlyOnce(Pipeline.MAIN_EXIT, items);
        assertThat(rec.outcomes()).containsOnlyKeys(Outcome.CANCELLED);
        assertThat(r.tally()).isEqualTo(new Tally(16, 0, 0, 0, 0, 16, 0, 0));
        assertThat(engine.liveThreads()).isEmpty();
        assertNoThreadNamed("fanlab-" + name);
        assertThat(engine.state()).isEqualTo(EngineState.STOPPED);
    }

    static Stream<Arguments> policies() {
        List<Arguments> out = new ArrayList<>();
        for (Dispatch d : Variants.DISPATCHES)
            for (Variants.Policy p : Variants.POLICIES)
                out.add(Arguments.of(d, p, out.size() % 2 == 0 ? ThreadKind.PLATFORM : ThreadKind.VIRTUAL));
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("policies")
    void policiesKeepTheContract(Dispatch d, Variants.Policy p, ThreadKind t) throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        String name = "policy-" + System.nanoTime();
        StageSpec spec = p.apply().apply(spec(name, d, new Order.Ordered(16), t, Admission.BLOCK));
        boolean retries = spec.retry().maxAttempts() > 1;
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(spec, (x, c) -> {
            if (retries && x % 5 == 0 && c.attempt() == 0) throw new IllegalStateException("first attempt fails");
            if (x % 7 == 0) Thread.yield();
            return x * 3;
        }, ItemTraits.<Integer>none().withTenant(x -> x % 2 == 0 ? "even" : "odd")).start(rec);
        List<Integer> items = IntStream.range(0, 1000).boxed().toList();
        for (int i : items) engine.submit(i);
        ShutdownReport r = engine.close(Duration.ofSeconds(20));

        assertThat(r.drained()).isTrue();
        rec.assertExactlyOnce(Pipeline.MAIN_EXIT, items);
        assertThat(r.tally()).isEqualTo(new Tally(1000, 1000, 0, 0, 0, 0, 0, 0));
        assertThat(rec.calls).allSatisfy(c -> assertThat(c.result()).isEqualTo((Integer) c.item() * 3));
        assertThat(rec.calls.stream().map(c -> (Integer) c.item()).toList()).as("ordered: submission order").isSorted();
        StageStats s = engine.stage(name);
        assertThat(s.retries()).isEqualTo(retries ? 200 : 0);
        assertThat(s.hedgesWon()).isLessThanOrEqualTo(s.hedges());
        assertThat(engine.liveThreads()).isEmpty();
        assertNoThreadNamed("fanlab-" + name);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("policies")
    void policiesCancelWithinBound(Dispatch d, Variants.Policy p, ThreadKind t) throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        String name = "policy-cancel-" + System.nanoTime();
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        StageSpec spec = p.apply().apply(spec(name, d, Order.UNORDERED, t, Admission.BLOCK).withQueueCapacity(64));
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(spec, (x, c) -> {
            started.countDown();
            never.await(); // answers interruption
            return x;
        }).start(rec);
        List<Integer> items = IntStream.range(0, 16).boxed().toList();
        for (int i : items) engine.submit(i);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        long t0 = System.nanoTime();
        ShutdownReport r = engine.cancel(Duration.ofSeconds(2));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
        assertThat(r.stuck()).isEmpty();
        rec.assertExactlyOnce(Pipeline.MAIN_EXIT, items);
        assertThat(rec.outcomes()).containsOnlyKeys(Outcome.CANCELLED);
        assertThat(r.tally()).isEqualTo(new Tally(16, 0, 0, 0, 0, 16, 0, 0));
        assertThat(engine.liveThreads()).isEmpty();
        assertNoThreadNamed("fanlab-" + name);
    }

    static void assertNoThreadNamed(String prefix) {
        assertThat(Thread.getAllStackTraces().keySet()).noneSatisfy(th -> assertThat(th.getName()).startsWith(prefix));
    }
}
