package io.fanlab.engine.pipeline;

import io.fanlab.engine.Outcome;
import io.fanlab.engine.observe.StageObserver;
import io.fanlab.engine.observe.StageStats;
import io.fanlab.engine.observe.WorkerStats;
import io.fanlab.engine.spec.StageSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/** Observer events and stats gauges tell the truth. */
@Timeout(60)
class ObservabilityTest {

    @Test
    void observerSeesOneAdmittedOneStartedAndOneTerminalPerItemAndStage() throws Exception {
        Map<String, LongAdder> events = new ConcurrentHashMap<>();
        AtomicLong clock = new AtomicLong();
        StageObserver obs = new StageObserver() {
            void count(String k) { events.computeIfAbsent(k, x -> new LongAdder()).increment(); }
            @Override public void admitted(String stage, long seq) { count(stage + ".admitted"); }
            @Override public void started(String stage, long seq, int worker, long q) { count(stage + ".started"); }
            @Override public void terminal(String stage, long seq, Outcome o, long q, long svc) {
                count(stage + "." + o);
                if (o == Outcome.COMPLETED && stage.equals("o1")) assertThat(svc).isEqualTo(7);
            }
        };
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("o1").withWidth(1), (x, c) -> {
            clock.addAndGet(7); // width 1: the only thread moving the clock during service
            return x;
        }).then(StageSpec.named("o2").withWidth(2), (x, c) -> {
            if (x % 4 == 0) throw new IllegalStateException("x");
            return x;
        }).clock(clock::get).observer(obs).start(TerminalListener.ignore());
        for (int i = 0; i < 100; i++) engine.submit(i);
        engine.close(Duration.ofSeconds(10));
        assertThat(events).containsOnlyKeys("o1.admitted", "o1.started", "o1.COMPLETED", "o2.admitted", "o2.started", "o2.COMPLETED", "o2.FAILED");
        assertThat(events.get("o1.admitted").sum()).isEqualTo(100);
        assertThat(events.get("o1.started").sum()).isEqualTo(100);
        assertThat(events.get("o1.COMPLETED").sum()).isEqualTo(100);
        assertThat(events.get("o2.started").sum()).isEqualTo(100);
        assertThat(events.get("o2.COMPLETED").sum()).isEqualTo(75);
        assertThat(events.get("o2.FAILED").sum()).isEqualTo(25);
    }

    @Test
    void gaugesShowQueueDepthInflightAndBusyWorkers() throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("g").withWidth(2), (x, c) -> {
            started.countDown();
            release.await();
            return x;
        }).start(TerminalListener.ignore());
        for (int i = 0; i < 7; i++) engine.submit(i);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        StageStats s = engine.stage("g");
        assertThat(s.queueDepth()).isEqualTo(5);
        assertThat(s.inflight()).isEqualTo(7);
        assertThat(s.in()).isEqualTo(7);
        assertThat(s.out()).isZero();
        assertThat(s.currentLimit()).isEqualTo(2);
        assertThat(s.width()).isEqualTo(2);
        release.countDown();
        engine.close(Duration.ofSeconds(10));
        StageStats after = engine.stage("g");
        assertThat(after.queueDepth()).isZero();
        assertThat(after.inflight()).isZero();
        assertThat(after.out()).isEqualTo(7);
        assertThat(after.workers()).hasSize(2).allSatisfy(w -> assertThat(w.busyNanos()).isPositive());
        assertThat(after.workers().stream().mapToLong(WorkerStats::items).sum()).isEqualTo(7);
    }

    /**
     * Busy time is elapsed time minus time spent waiting for items: a worker stuck in one long item is busy all
     * along, its idle sibling (no item for it) is not, on the ring and on per-worker shards alike.
     */
    @Test
    void busyTimeSeparatesTheWorkerInServiceFromTheIdleOne() throws Exception {
        for (io.fanlab.engine.spec.Dispatch d : java.util.List.of(new io.fanlab.engine.spec.Dispatch.SharedQueue(), new io.fanlab.engine.spec.Dispatch.Sharded())) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            String name = "busy-" + d.getClass().getSimpleName();
            FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named(name).withWidth(2).withDispatch(d), (x, c) -> {
                started.countDown();
                release.await();
                return x;
            }).start(TerminalListener.ignore());
            engine.submit(1);
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long hot;
            do {
                hot = engine.stage(name).workers().stream().mapToLong(WorkerStats::busyNanos).max().orElseThrow();
                Thread.onSpinWait();
            } while (hot < TimeUnit.MILLISECONDS.toNanos(100) && System.nanoTime() < deadline);
            StageStats s = engine.stage(name);
            long max = s.workers().stream().mapToLong(WorkerStats::busyNanos).max().orElseThrow();
            long min = s.workers().stream().mapToLong(WorkerStats::busyNanos).min().orElseThrow();
            assertThat(max).as(name + ": the worker in service").isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
            assertThat(min).as(name + ": the idle worker").isLessThan(max / 2);
            release.countDown();
            assertThat(engine.close(Duration.ofSeconds(10)).drained()).isTrue();
        }
    }
}
