package io.fanlab.harness.design;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanlab.engine.Outcome;
import io.fanlab.engine.spec.StageSpec;
import io.fanlab.engine.spec.ThreadKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every design on the classpath keeps (the reference engine's variants, the baselines, and any
 * user design a test classpath adds): nothing lost, nothing duplicated, no thread left behind after close or
 * cancel, cancel returns within its bound and counts the stuck item.
 */
class DesignContractTest {

    /** Every design on the classpath except the deliberately broken ones of the failure-mode tests. */
    static Stream<String> designs() { return Designs.discover().keySet().stream().filter(n -> !n.startsWith("broken-")); }

    record Recorded(Map<Long, List<Outcome>> outcomes) {
        static Recorded create() { return new Recorded(new ConcurrentHashMap<>()); }
        Completions sink() { return (item, outcome, cause) -> outcomes.computeIfAbsent(item.seq(), k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(outcome); }
        long count(Outcome o) { return outcomes.values().stream().flatMap(List::stream).filter(o::equals).count(); }
    }

    static DesignContext context(int width, List<StageWork> work, Completions sink) {
        List<StageSpec> stages = new ArrayList<>();
        for (int i = 0; i < work.size(); i++) stages.add(StageSpec.named("s" + i).withWidth(width).withQueueCapacity(64).withThreads(ThreadKind.PLATFORM));
        return new DesignContext(stages, work, sink, 0);
    }

    static Item item(long seq) { return new Item(seq, seq, seq % 7, 0, System.nanoTime()); }

    static List<String> fanlabThreads() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) if (t.isAlive() && t.getName().startsWith("fanlab-")) names.add(t.getName());
        return names;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("designs")
    void everyItemEndsExactlyOnceAndNoThreadIsLeftAfterClose(String name) throws Exception {
        Recorded rec = Recorded.create();
        AtomicInteger ran = new AtomicInteger();
        StageWork failEvery10th = (item, cancelled) -> {
            ran.incrementAndGet();
            if (item.seq() % 10 == 3) throw new IllegalStateException("injected");
        };
        RunningDesign d = Designs.discover().get(name).start(context(4, List.of(failEvery10th, (i, c) -> {}), rec.sink()));
        int n = 5_000;
        for (int i = 0; i < n; i++) d.submit(item(i));
        assertThat(d.close(Duration.ofSeconds(20))).as("drained within deadline").isTrue();
        assertThat(rec.outcomes()).hasSize(n);
        assertThat(rec.outcomes().values()).allSatisfy(l -> assertThat(l).hasSize(1));
        long failed = rec.count(Outcome.FAILED);
        assertThat(failed + rec.count(Outcome.DEAD_LETTERED)).isEqualTo(n / 10);
        assertThat(rec.count(Outcome.COMPLETED)).isEqualTo(n - n / 10);
        awaitNoFanlabThreads();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("designs")
    void cancelEndsInFlightItemsAndReportsAStuckOne(String name) throws Exception {
        Recorded rec = Recorded.create();
        CountDownLatch started = new CountDownLatch(2);
        CountDownLatch releaseStuck = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<Thread> stuckThread = new java.util.concurrent.atomic.AtomicReference<>();
        StageWork work = (item, cancelled) -> {
            started.countDown();
            if (item.seq() == 0) { // ignores interruption until released
                stuckThread.set(Thread.currentThread());
                while (true) {
                    try {
                        releaseStuck.await();
                        return;
                    } catch (InterruptedException ignored) { }
                }
            }
            Thread.sleep(60_000); // answers interruption
        };
        RunningDesign d = Designs.discover().get(name).start(context(2, List.of(work), rec.sink()));
        Thread producer = Thread.ofPlatform().name("test-producer").start(() -> {
            try {
                for (int i = 0; i < 10; i++) d.submit(item(i));
            } catch (InterruptedException | IllegalStateException ignored) { }
        });
        started.await();
        RunningDesign.CancelResult r = d.cancel(Duration.ofMillis(500));
        producer.interrupt();
        producer.join(5_000);
        assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(3));
        assertThat(r.stuckItems()).isEqualTo(1);
        releaseStuck.countDown();
        long submitted = rec.outcomes().size();
        assertThat(rec.outcomes().values()).allSatisfy(l -> assertThat(l).hasSize(1));
        assertThat(rec.count(Outcome.CANCELLED) + rec.count(Outcome.SHED)).isEqualTo(submitted);
        // the stuck work returns now; once its thread has ended, whatever the design does with the late result is done
        Thread stuck = stuckThread.get();
        assertThat(stuck).isNotNull();
        stuck.join(5_000);
        assertThat(stuck.isAlive()).as("stuck thread ended after release").isFalse();
        assertThat(rec.outcomes().values()).as("late results ignored").allSatisfy(l -> assertThat(l).hasSize(1));
        awaitNoFanlabThreads();
    }

    static void awaitNoFanlabThreads() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!fanlabThreads().isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(fanlabThreads()).as("platform threads left behind").isEmpty();
    }
}
