package io.fanlab.engine.pipeline;

import io.fanlab.engine.Outcome;
import io.fanlab.engine.observe.StageStats;
import io.fanlab.engine.observe.WorkerStats;
import io.fanlab.engine.spec.Dispatch;
import io.fanlab.engine.spec.StageSpec;
import io.fanlab.engine.spec.ThreadKind;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-key stages: order within a key, one item of a key at a time, hot key visible per worker, width changes. */
@Timeout(60)
class PerKeyTest {
    /** An item: key, and its index within the key. */
    record Keyed(long key, int index) {}

    static Stream<Arguments> settings() {
        List<Arguments> out = new ArrayList<>();
        for (Dispatch d : List.of(new Dispatch.SharedQueue(), new Dispatch.Sharded()))
            for (ThreadKind t : ThreadKind.values()) out.add(Arguments.of(d, t));
        return out.stream();
    }

    private static StageSpec spec(String name, Dispatch d, ThreadKind t) {
        return StageSpec.named(name).withWidth(4).withQueueCapacity(64).withDispatch(d).withThreads(t).withPerKey(true);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("settings")
    void orderWithinAKeyIsKeptAndAKeyIsNeverWorkedOnTwice(Dispatch d, ThreadKind t) throws Exception {
        Recorder<Keyed> rec = new Recorder<>();
        Map<Long, AtomicBoolean> inService = new ConcurrentHashMap<>();
        AtomicInteger overlaps = new AtomicInteger();
        FanOutEngine<Keyed> engine = Pipeline.<Keyed, Keyed>from(spec("pk-" + System.nanoTime(), d, t), (k, c) -> {
            AtomicBoolean busy = inService.computeIfAbsent(k.key(), x -> new AtomicBoolean());
            if (!busy.compareAndSet(false, true)) overlaps.incrementAndGet();
            if (k.index() % 5 == 0) Thread.yield();
            busy.set(false);
            return k;
        }, Keyed::key).start(rec);
        List<Keyed> items = items(16, 100);
        Thread resizer = Thread.ofPlatform().start(() -> {
            for (int w : new int[] {2, 5, 1, 3, 4}) engine.setWidth(engine.stages().get(0).name(), w);
        });
        for (Keyed k : items) engine.submit(k);
        resizer.join(30_000);
        ShutdownReport r = engine.close(Duration.ofSeconds(20));
        assertThat(r.drained()).isTrue();
        rec.assertExactlyOnce(Pipeline.MAIN_EXIT, items);
        assertThat(overlaps.get()).as("items of one key in service at once").isZero();
        Map<Long, List<Integer>> seen = new ConcurrentHashMap<>();
        for (var c : rec.calls) seen.computeIfAbsent(((Keyed) c.item()).key(), x -> new ArrayList<>()).add(((Keyed) c.item()).index());
        assertThat(seen.values()).allSatisfy(l -> assertThat(l).isSorted().hasSize(100));
        assertThat(engine.liveThreads()).isEmpty();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("settings")
    void aHotKeyShowsAsOneSaturatedWorker(Dispatch d, ThreadKind t) throws Exception {
        String name = "hot-" + System.nanoTime();
        FanOutEngine<Keyed> engine = Pipeline.<Keyed, Keyed>from(spec(name, d, t), (k, c) -> k, Keyed::key).start(TerminalListener.ignore());
        for (int i = 0; i < 500; i++) engine.submit(new Keyed(7, i));
        for (int i = 0; i < 20; i++) engine.submit(new Keyed(-1, i)); // no key: spread round-robin
        StageStats before = waitDone(engine, name, 520);
        List<WorkerStats> ws = before.workers();
        long max = ws.stream().mapToLong(WorkerStats::items).max().orElseThrow();
        assertThat(max).isBetween(500L, 520L);
        assertThat(ws.stream().mapToLong(WorkerStats::items).sum()).isEqualTo(520);
        assertThat(ws.stream().filter(w -> w.items() > 0).count()).isEqualTo(4);
        engine.close(Duration.ofSeconds(10));
    }

    private static StageStats waitDone(FanOutEngine<?> engine, String name, long n) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        // a worker counts its items per batch, after the batch's last completion: wait for both counts
        while ((engine.stage(name).out() < n || engine.stage(name).workers().stream().mapToLong(WorkerStats::items).sum() < n)
                && System.nanoTime() < end) Thread.sleep(1);
        return engine.stage(name);
    }

    static List<Keyed> items(int keys, int perKey) {
        List<Keyed> out = new ArrayList<>();
        for (int i = 0; i < perKey; i++) for (int k = 0; k < keys; k++) out.add(new Keyed(k, i));
        return out;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("settings")
    void keyExtractorThatThrowsFailsTheItem(Dispatch d, ThreadKind t) throws Exception {
        Recorder<Keyed> rec = new Recorder<>();
        FanOutEngine<Keyed> engine = Pipeline.<Keyed, Keyed>from(spec("kx-" + System.nanoTime(), d, t), (k, c) -> k, k -> {
            if (k.index() == 1) throw new IllegalArgumentException("bad key");
            return k.key();
        }).start(rec);
        engine.submit(new Keyed(1, 0));
        engine.submit(new Keyed(1, 1));
        engine.close(Duration.ofSeconds(10));
        assertThat(rec.outcomes()).containsEntry(Outcome.FAILED, 1L).containsEntry(Outcome.COMPLETED, 1L);
    }
}
