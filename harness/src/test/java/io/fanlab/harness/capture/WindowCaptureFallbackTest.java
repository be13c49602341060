package io.fanlab.harness.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanlab.harness.cli.FanlabCliTestAccess;
import io.fanlab.reports.run.PointResult;
import io.fanlab.reports.run.RunJson;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A capture that cannot run: async-profiler's native library is pointed at a file that is not there (the same path
 * a machine without a build for its OS/arch takes). Not required: the point runs, says what was not captured, and
 * JFR is still captured. Required: the point fails, and its error says what could not run and why. In-process
 * ({@code --capture}), so the library is never loaded in this JVM.
 */
class WindowCaptureFallbackTest {
    @TempDir Path tmp;

    static final String SCENARIO = """
            name: fallback
            phases: {warmup: 300ms, measure: 700ms, cooldown: 200ms}
            load:
              open: {arrival: poisson, rate: 300/s}
            pipeline:
              - name: work
                work: {cpu: {constant: 100us}}
            slos: [nothing_lost]
            capture: {jfr: true, profiler: [cpu], required: %s}
            sweep: {stage: work, widths: [2], designs: [engine], repeats: 1}
            """;

    @BeforeEach void noLibrary() { System.setProperty(AsyncProfilerWindow.LIB_PROPERTY, tmp.resolve("missing/libasyncProfiler.so").toString()); }

    @AfterEach void restore() { System.clearProperty(AsyncProfilerWindow.LIB_PROPERTY); }

    private PointResult run(boolean required) throws Exception {
        Path f = tmp.resolve("s-" + required + ".yaml");
        Files.writeString(f, SCENARIO.formatted(required));
        Path dir = tmp.resolve("run-" + required);
        FanlabCliTestAccess.Result r = FanlabCliTestAccess.cli("run", f.toString(), "--in-process", "--capture", "--run-dir", dir.toString(), "--no-report");
        // a busy machine may make the point invalid (exit 1): the question here is the capture's fallback, not validity
        if (required) assertThat(r.code()).as(r.out() + r.err()).isEqualTo(3);
        else assertThat(r.code()).as(r.out() + r.err()).isIn(0, 1);
        return RunJson.MAPPER.readValue(dir.resolve("points/engine-w2-r0/point.json").toFile(), PointResult.class);
    }

    @Test
    void missingLibraryWarnsAndTheRunGoesOnWithJfr() throws Exception {
        PointResult p = run(false);
        assertThat(p.status()).isEqualTo(PointResult.OK);
        assertThat(p.completed()).isPositive();
        assertThat(p.warnings()).anySatisfy(w -> assertThat(w).startsWith("not captured: async-profiler native library not loaded").contains("missing"));
        assertThat(p.capture().profiles()).isEmpty();
        assertThat(p.capture().jfr()).isNotNull();
        assertThat(p.capture().jfr().stageWindows()).as(p.capture() + " " + p.warnings()).isPositive();
    }

    @Test
    void requiredCaptureThatCannotRunFailsThePointWithTheReason() throws Exception {
        PointResult p = run(true);
        assertThat(p.status()).isEqualTo(PointResult.FAILED);
        assertThat(p.error()).startsWith("required capture cannot run: async-profiler native library not loaded");
        assertThat(p.completed()).isZero();
    }
}
