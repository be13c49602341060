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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * sweep.abort_on_fail's rule for every SLO kind it can decide before the window ends ({@code EarlyStop}), on real
 * short in-process runs: a point that has already lost the SLO ends early, says why and when in point.json and the
 * event log, the SLO's own verdict agrees, and nothing is lost on the way out; a point whose every SLO can still
 * pass runs its whole window. (The error rate's run test is {@link EarlyStopRunTest}.)
 */
class EarlyStopKindsRunTest {
    @TempDir Path tmp;

    static final String SCENARIO = """
            name: %s
            description: an SLO lost within the first second of the window
            seed: 5
            phases: {warmup: 500ms, measure: 6s, cooldown: 500ms}
            load:
              open: {arrival: poisson, rate: %s}
              fanout: %s
            pipeline:
              - name: work
                queue: %s
                admission: {overflow: %s}
                work: {sleep: {constant: %s}}
            slos:
              - %s
            gate: every_point
            sweep: {stage: work, widths: [%s], designs: [%s], repeats: 1, abort_on_fail: true}
            """;

    JsonNode run(String name, String yaml, StringWriter out, Integer... expectedCodes) throws Exception {
        Path f = tmp.resolve(name + ".yaml");
        Files.writeString(f, yaml);
        Path dir = tmp.resolve("run-" + name);
        StringWriter err = new StringWriter();
        int code = FanlabCli.execute(new String[] {"run", f.toString(), "--in-process", "--run-dir", dir.toString(), "--no-report"},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as(out + "" + err).isIn((Object[]) expectedCodes);
        JsonNode points = RunJson.MAPPER.readTree(dir.resolve("results.json").toFile()).path("points");
        assertThat(points).hasSize(1);
        return points.get(0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // kind     | rate  | fanout | queue | overflow    | sleep | SLO                                                  | width | design             | stopped_early starts with
            "shed_rate  | 300/s | 1      | 1     | drop_newest | 10ms  | {shed_rate: 0.05}                                    | 1     | engine             | shed rate <= 5%: ",
            "service    | 200/s | 1      | 1024  | block       | 20ms  | {latency: {metric: service, percentile: 99, max: 5ms}} | 16  | engine             | p99 service <= 5ms: ",
            "request    | 100/s | 2      | 1024  | block       | 20ms  | {latency: {metric: request, percentile: 99, max: 5ms}} | 16  | engine             | p99 request <= 5ms: ",
            "throughput | 200/s | 1      | 1024  | block       | 1ms   | {throughput_floor: 1000/s}                           | 4     | engine             | throughput >= 1000/s: ",
            "duplicates | 300/s | 1      | 1024  | block       | 1ms   | nothing_lost                                         | 4     | broken-duplicating | nothing lost: "})
    void aLostSloEndsThePointEarlyAndThePointSaysSo(String kind, String rate, int fanout, int queue, String overflow, String sleep, String slo,
                                                    int width, String design, String reason) throws Exception {
        StringWriter out = new StringWriter();
        JsonNode p = run(kind, SCENARIO.formatted(kind, rate, fanout, queue, overflow, sleep, slo, width, design), out, ExitCodes.SLO_FAILED);
        assertThat(p.path("status").asText()).isEqualTo("ok");
        assertThat(p.path("stopped_early").asText()).as(p.toString()).startsWith(reason);
        double at = p.path("stopped_at_s").asDouble();
        assertThat(at).as("stopped inside the window, well before its end at 6.5 s").isGreaterThan(0.5).isLessThan(4.5);
        assertThat(p.path("measure_s").asDouble()).as("the window ends where the load stopped").isLessThan(4.0)
                .isCloseTo(at - 0.5, org.assertj.core.data.Offset.offset(0.01));
        // nothing lost on the way out: every offered item ended once (the duplicating design's second reports aside)
        long ended = 0;
        for (String o : new String[] {"completed", "failed", "shed", "timed_out", "cancelled", "dead_lettered"}) ended += p.path(o).asLong();
        assertThat(ended).as("every offered item ended").isEqualTo(p.path("offered").asLong());
        if (!kind.equals("duplicates")) assertThat(p.path("conservation_ok").asBoolean()).isTrue();
        assertThat(p.path("leaked_threads").asLong()).isZero();
        // the SLO the stop foresaw is indeed missed at the end
        JsonNode verdict = p.path("slos").get(0);
        assertThat(verdict.path("pass").asBoolean()).as(verdict.toString()).isFalse();
        assertThat(out.toString()).contains("stopped early at").contains("verdict: FAIL");
        assertThat(Files.readString(tmp.resolve("run-" + kind + "/events.jsonl"))).contains("\"early_stop\"");
    }

    @Test
    void aPointWhoseEverySloCanStillPassRunsItsWholeWindow() throws Exception {
        // every kind, each met with room to spare but the throughput floor, which is 75% of the offered rate: early in
        // the window far fewer items have completed than the floor asks of the whole window, and that is no loss
        String yaml = """
                name: all-kinds
                description: every SLO kind, all of them still able to pass throughout
                seed: 5
                phases: {warmup: 500ms, measure: 3s, cooldown: 500ms}
                load:
                  open: {arrival: constant, rate: 100/s}
                  fanout: 2
                pipeline:
                  - name: work
                    work: {sleep: {constant: 1ms}}
                    error_rate: 0.01
                slos:
                  - {latency: {metric: response, percentile: 99, max: 1s}}
                  - {latency: {metric: service, percentile: 99, max: 1s}}
                  - {latency: {metric: request, percentile: 99, max: 1s}}
                  - {error_rate: 0.2}
                  - {shed_rate: 0.2}
                  - {throughput_floor: 150/s}
                  - nothing_lost
                  - no_leaked_threads
                  - {cancellation_latency: 2s}
                gate: every_point
                sweep: {stage: work, widths: [8], designs: [engine], repeats: 1, abort_on_fail: true}
                """;
        StringWriter out = new StringWriter();
        // a busy machine may make the generator fall behind: an invalid point (exit 1), but never an early stop
        JsonNode p = run("all-kinds", yaml, out, ExitCodes.OK, ExitCodes.SLO_FAILED);
        assertThat(p.path("stopped_early").isNull()).as(p.path("stopped_early").toString()).isTrue();
        assertThat(p.path("stopped_at_s").isNull()).isTrue();
        assertThat(p.path("measure_s").asDouble()).isEqualTo(3.0);
        assertThat(p.path("slos")).hasSize(9).allSatisfy(v -> assertThat(v.path("pass").asBoolean()).as(v.toString()).isTrue());
    }
}
