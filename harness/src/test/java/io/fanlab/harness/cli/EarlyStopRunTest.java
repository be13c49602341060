package io.fanlab.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fanlab.reports.run.RunJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sweep.abort_on_fail inside a point, on a real short run: a design failing half its items under an error-rate SLO of
 * 5% ends its point early, the point says so in point.json and the verdict, and nothing is lost on the way out.
 */
class EarlyStopRunTest {
    @TempDir Path tmp;

    static final String FAILING = """
            name: %s
            description: half the items fail; the error-rate SLO is lost within the first second of the window
            seed: 3
            phases: {warmup: 500ms, measure: 6s, cooldown: 500ms}
            load:
              open: {arrival: poisson, rate: 300/s}
            pipeline:
              - name: work
                work: {sleep: {constant: 1ms}}
                error_rate: 0.5
            slos:
              - {error_rate: 0.05}
              - nothing_lost
              - no_leaked_threads
            gate: every_point
            sweep: {stage: work, widths: [4], designs: [engine], repeats: 1, abort_on_fail: %s}
            """;

    JsonNode run(String name, boolean abortOnFail, StringWriter out) throws Exception {
        Path f = tmp.resolve(name + ".yaml");
        Files.writeString(f, FAILING.formatted(name, abortOnFail));
        Path dir = tmp.resolve("run-" + name);
        StringWriter err = new StringWriter();
        int code = FanlabCli.execute(new String[] {"run", f.toString(), "--in-process", "--run-dir", dir.toString(), "--no-report"},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as(out + "" + err).isEqualTo(ExitCodes.SLO_FAILED);
        return RunJson.MAPPER.readTree(dir.resolve("points/engine-w4-r0/point.json").toFile());
    }

    @Test
    void aLostErrorRateEndsThePointEarlyAndThePointSaysSo() throws Exception {
        StringWriter out = new StringWriter();
        JsonNode p = run("stop", true, out);
        assertThat(p.path("stopped_early").asText()).as(p.toString()).startsWith("error rate <= 5%: ");
        double at = p.path("stopped_at_s").asDouble();
        assertThat(at).as("stopped inside the window, well before its end at 6.5 s").isGreaterThan(0.5).isLessThan(4.5);
        assertThat(p.path("measure_s").asDouble()).as("the window ends where the load stopped").isLessThan(4.0).isCloseTo(at - 0.5, org.assertj.core.data.Offset.offset(0.01));
        // the stop loses nothing and the SLO it foresaw is indeed missed
        assertThat(p.path("conservation_ok").asBoolean()).isTrue();
        assertThat(p.path("leaked_threads").asLong()).isZero();
        JsonNode slo = p.path("slos").get(0);
        assertThat(slo.path("kind").asText()).isEqualTo("error_rate");
        assertThat(slo.path("pass").asBoolean()).isFalse();
        assertThat(out.toString()).contains("stopped early at").contains("verdict: FAIL").contains("stopped early at");
        assertThat(Files.readString(tmp.resolve("run-stop/events.jsonl"))).contains("\"early_stop\"");
    }

    @Test
    void withoutAbortOnFailThePointRunsItsWholeWindow() throws Exception {
        JsonNode p = run("full", false, new StringWriter());
        assertThat(p.path("stopped_early").isNull()).as(p.path("stopped_early").toString()).isTrue();
        assertThat(p.path("measure_s").asDouble()).isEqualTo(6.0);
    }
}
