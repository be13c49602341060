package io.fanlab.engine.observe.jfr;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanlab.engine.observe.ServiceTimeSampling;
import io.fanlab.engine.observe.StageStats;
import io.fanlab.engine.observe.Tally;
import io.fanlab.engine.observe.WorkerStats;
import io.fanlab.engine.pipeline.FanOutEngine;
import io.fanlab.engine.pipeline.Pipeline;
import io.fanlab.engine.spec.StageSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageWindowEventsTest {

    private static StageStats stats(long in, long out, List<WorkerStats> workers) {
        return new StageStats("s", workers.size(), in, out, 0, 0, 0, 0, 0, 0, 0, in - out, 3, workers.size(), 0, workers,
                Tally.of(in, out, 0, 0, 0, 0, 0));
    }

    @Test
    void fillComputesWindowDeltasFromTwoSnapshots() {
        StageStats before = stats(100, 90, List.of(new WorkerStats(0, 50, 1_000_000), new WorkerStats(1, 40, 2_000_000)));
        StageStats now = stats(200, 190, List.of(new WorkerStats(0, 110, 61_000_000), new WorkerStats(1, 80, 22_000_000)));
        StageWindowEvent e = new StageWindowEvent();
        StageWindowEvents.fill(e, "eng", now, before, 100_000_000);
        assertThat(e.itemsIn).isEqualTo(100);
        assertThat(e.itemsOut).isEqualTo(100);
        assertThat(e.busyNanos).isEqualTo(80_000_000);
        assertThat(e.utilisation).isEqualTo(0.4);
        assertThat(e.busyPerItemNanos).isEqualTo(80_000_000 / 100);
        assertThat(e.busiestWorkerShare).isEqualTo(0.6);
        assertThat(e.queueDepth).isEqualTo(3);
    }

    @Test
    void disabledByDefaultSoADefaultRecordingHoldsNone(@TempDir Path dir) throws Exception {
        List<RecordedEvent> events = record(dir, Configuration.getConfiguration("default"), false);
        assertThat(events).isEmpty();
        assertThat(ServiceTimeSampling.isOn()).as("no service-time clock reads without the event").isFalse();
    }

    /**
     * A width-1 stage on a manual clock: each item's work advances the clock by its service time, 98 of every 100
     * items by 100 us and 2 by 5 ms, so the exact distribution is known. Every window with 100 items or more has
     * its p50 in the 100 us bucket and its p99 and max in the 5 ms one; outside the recording nothing is counted.
     */
    @Test
    void stageWindowsCarryServiceTimePercentilesOfAKnownDistribution(@TempDir Path dir) throws Exception {
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        AtomicLong done = new AtomicLong();
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("known").withWidth(1), (i, ctx) -> {
            clock.addAndGet(i % 50 == 7 ? 5_000_000 : 100_000);
            return i;
        }).clock(clock::get).start((exit, item, outcome, result, cause) -> done.incrementAndGet());
        Path file = dir.resolve("known.jfr");
        int submitted = 0;
        try (StageWindowEvents.Registration reg = StageWindowEvents.register("known", engine::stages);
             Recording r = new Recording(Configuration.getConfiguration("default"))) {
            while (done.get() < 2_000) engine.submit(submitted++); // before the recording: not counted
            assertThat(engine.stages().get(0).serviceTimes().count()).isZero();
            r.enable(StageWindowEvent.NAME).withPeriod(Duration.ofMillis(50));
            r.start();
            assertThat(ServiceTimeSampling.isOn()).isTrue();
            long end = System.nanoTime() + 700_000_000L;
            while (System.nanoTime() < end) {
                engine.submit(submitted++);
                if (submitted % 64 == 0) Thread.onSpinWait();
            }
            r.stop();
            assertThat(ServiceTimeSampling.isOn()).as("off once no recording enables the event").isFalse();
            r.dump(file);
        } finally {
            engine.cancel(Duration.ofSeconds(2));
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
                .filter(ev -> ev.getEventType().getName().equals(StageWindowEvent.NAME)).toList();
        List<RecordedEvent> full = events.stream().filter(ev -> ev.getLong("serviceSamples") >= 100).toList();
        assertThat(full).as("windows with 100 items or more").isNotEmpty();
        assertThat(full).allSatisfy(ev -> {
            assertThat(ev.getDuration("serviceP50").toNanos()).isBetween(100_000L, 112_500L);
            assertThat(ev.getDuration("serviceP99").toNanos()).isBetween(5_000_000L, 5_625_000L);
            assertThat(ev.getDuration("serviceMax").toNanos()).isBetween(5_000_000L, 5_625_000L);
        });
        long sampled = events.stream().mapToLong(ev -> ev.getLong("serviceSamples")).sum();
        long counted = engine.stages().get(0).serviceTimes().count();
        assertThat(sampled).isPositive().isLessThanOrEqualTo(counted); // the first period only primes
        assertThat(counted).isLessThanOrEqualTo(submitted - 2_000L);
    }

    @Test
    void enabledRecordingHoldsOneEventPerStagePeriodNotPerItem(@TempDir Path dir) throws Exception {
        List<RecordedEvent> events = record(dir, Configuration.getConfiguration("default"), true);
        assertThat(events).isNotEmpty();
        assertThat(events).allSatisfy(ev -> {
            assertThat(ev.getString("engine")).isEqualTo("jfr-test");
            assertThat(ev.getString("stage")).isEqualTo("work");
            assertThat(ev.getStackTrace()).isNull();
        });
        long out = events.stream().mapToLong(ev -> ev.getLong("itemsOut")).sum();
        assertThat(out).isPositive();
        // about 10 events per second of recording: far fewer than the items
        assertThat((long) events.size()).isLessThan(out);
    }

    private static List<RecordedEvent> record(Path dir, Configuration c, boolean enable) throws Exception {
        AtomicLong done = new AtomicLong();
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("work").withWidth(2), (i, ctx) -> {
            Thread.sleep(1);
            return i;
        }).start((exit, item, outcome, result, cause) -> done.incrementAndGet());
        Path file = dir.resolve("r.jfr");
        try (StageWindowEvents.Registration reg = StageWindowEvents.register("jfr-test", engine::stages);
             Recording r = new Recording(c)) {
            if (enable) r.enable(StageWindowEvent.NAME).withPeriod(Duration.ofMillis(50));
            r.start();
            long end = System.nanoTime() + 700_000_000L;
            int i = 0;
            while (System.nanoTime() < end) engine.submit(i++);
            r.stop();
            r.dump(file);
        } finally {
            engine.cancel(Duration.ofSeconds(2));
        }
        assertThat(Files.size(file)).isPositive();
        return RecordingFile.readAllEvents(file).stream().filter(ev -> ev.getEventType().getName().equals(StageWindowEvent.NAME)).toList();
    }
}
