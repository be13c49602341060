package io.fanlab.harness.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanlab.harness.cli.FanlabCliTestAccess;
import io.fanlab.reports.run.PointResult;
import io.fanlab.reports.profile.CollapsedStacks;
import io.fanlab.reports.run.RunJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capture end to end in a forked point JVM running a known workload ({@link CaptureProbeDesign}: CPU work, then a
 * monitor every item contends for; a 256 MiB/s allocation storm inside the window): the window's JFR file holds GC,
 * park and the engine's stage-window events; the point's summary names the contended lock's site; async-profiler's
 * collapsed stacks hold the known busy method, and its lock profile the lock's site.
 */
class WindowCaptureForkedTest {
    @TempDir Path tmp;
    static final double HOLD_US = CaptureProbeDesign.HOLD_NANOS / 1000.0;

    static final String PROBE = """
            name: capture-probe
            seed: 3
            phases: {warmup: 600ms, measure: 1500ms, cooldown: 300ms}
            load:
              open: {arrival: poisson, rate: 200/s}
            pipeline:
              - name: work
                work: {cpu: {constant: 300us}}
            faults:
              - {gc_pressure: {at: 600ms, duration: 1500ms, rate: 256MiB/s}}
            slos: [nothing_lost]
            capture: {jfr: true, profiler: [cpu, lock], interval: 5ms, required: true}
            sweep: {stage: work, widths: [2, 4], designs: [broken-lock-probe], repeats: 1}
            """;

    @Test
    void windowRecordingAndProfilesShowTheKnownWorkload() throws Exception {
        Path f = tmp.resolve("probe.yaml");
        Files.writeString(f, PROBE);
        Path dir = tmp.resolve("run");
        FanlabCliTestAccess.Result r = FanlabCliTestAccess.cli("run", f.toString(), "--run-dir", dir.toString(), "--no-report");
        Path point = dir.resolve("points/broken-lock-probe-w4-r0");
        PointResult p = RunJson.MAPPER.readValue(point.resolve("point.json").toFile(), PointResult.class);
        assertThat(p.status()).as(r.out() + r.err()).isEqualTo(PointResult.OK);
        PointResult.Capture c = p.capture();
        assertThat(c).isNotNull();
        assertThat(c.notCaptured()).isEmpty();
        // from the moment both recorders run to the generator's return: late on a starved machine (then a point warning says so)
        assertThat(c.windowS()).as(p.warnings().toString()).isGreaterThan(0.3);
        assertThat(c.processCpuS()).isPositive();

        // the raw recording: GC, park and the engine's custom events, and nothing from before the window
        Set<String> types = new HashSet<>();
        List<RecordedEvent> events = RecordingFile.readAllEvents(point.resolve(c.jfrFile()));
        events.forEach(e -> types.add(e.getEventType().getName()));
        assertThat(types).contains("jdk.GarbageCollection", "jdk.ThreadPark", "fanlab.StageWindow", "jdk.JavaMonitorEnter", "jdk.CPULoad");

        // the summary
        PointResult.Jfr j = c.jfr();
        assertThat(j.gcCount()).isPositive();
        assertThat(j.gcPauseTotalMs()).isPositive();
        assertThat(j.allocRateMbS()).isGreaterThan(50); // the storm alone is 256 MiB/s for most of the window
        assertThat(j.parkCount()).isPositive();
        assertThat(j.monitorSites()).anySatisfy(s -> {
            assertThat(s.site()).isEqualTo(CaptureProbeDesign.class.getName() + ".holdLock");
            assertThat(s.on()).isEqualTo("java.lang.Object");
        });
        assertThat(j.stageWindows()).isGreaterThan(5);
        assertThat(j.stages()).anySatisfy(s -> {
            assertThat(s.stage()).isEqualTo("work");
            assertThat(s.items()).isPositive();
            // service time per item: 300 us of work, then the monitor held 2 ms (plus any wait for it); log buckets
            assertThat(s.serviceSamples()).isPositive();
            assertThat(s.serviceP50Us()).isGreaterThanOrEqualTo(HOLD_US);
            assertThat(s.serviceP99Us()).isGreaterThanOrEqualTo(s.serviceP50Us());
            assertThat(s.serviceMaxUs()).isGreaterThanOrEqualTo(s.serviceP99Us()).isLessThan(10_000_000);
        });

        // async-profiler: a flame graph and collapsed stacks per event, with the known frames
        assertThat(c.profiles()).extracting(PointResult.Profile::event).containsExactly("cpu", "lock");
        for (PointResult.Profile pr : c.profiles()) {
            assertThat(Files.readString(point.resolve(pr.flameGraph()))).startsWith("<!DOCTYPE html>");
            assertThat(pr.samples()).as(pr.toString()).isPositive();
        }
        CollapsedStacks cpu = CollapsedStacks.read(point.resolve(c.profiles().get(0).collapsed()));
        assertThat(cpu.totalShare(CaptureProbeDesign.class.getName() + ".spinInsideLock")).isGreaterThan(0.05);
        assertThat(cpu.totalShare("io.fanlab.harness.work.CalibratedSpin.iterate")).isGreaterThan(0.01);
        CollapsedStacks lock = CollapsedStacks.read(point.resolve(c.profiles().get(1).collapsed()));
        assertThat(lock.totalShare(CaptureProbeDesign.class.getName() + ".holdLock")).isGreaterThan(0.5);

        // the differential view between the two widths, as a table and as a page
        FanlabCliTestAccess.Result diff = FanlabCliTestAccess.cli("diff-profile", dir.toString(), "2", "4");
        assertThat(diff.code()).as(diff.err()).isZero();
        assertThat(diff.out()).contains("width 2:", "width 4:", "self A");
        Path page = tmp.resolve("diff.html");
        FanlabCliTestAccess.Result html = FanlabCliTestAccess.cli("diff-profile", dir.toString(), "2", "4", "--event", "lock", "--html", page.toString());
        assertThat(html.code()).as(html.err()).isZero();
        assertThat(Files.readString(page)).startsWith("<!DOCTYPE html>").contains("holdLock");
        FanlabCliTestAccess.Result bad = FanlabCliTestAccess.cli("diff-profile", dir.toString(), "2", "3");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("width: 3 (expected: one of [2, 4]");
    }
}
