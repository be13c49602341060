package io.fanlab.harness.cli;

import io.fanlab.reports.run.RunJson;

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
 * The command line end to end, in-process where possible and with forked point JVMs where isolation is the point:
 * exit codes 0/1/2/3, bad input without stack traces, the run directory, and a run killed half-way.
 */
class FanlabCliTest {
    @TempDir Path tmp;

    record Result(int code, String out, String err) {}

    static Result cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = FanlabCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    Path scenario(String name, String body) throws Exception {
        Path f = tmp.resolve(name + ".yaml");
        Files.writeString(f, body);
        return f;
    }

    static final String SMALL = """
            name: %s
            description: small open-load sweep for CLI tests
            seed: 7
            phases: {warmup: 500ms, measure: 1500ms, cooldown: 500ms}
            load:
              open: {arrival: poisson, rate: 400/s}
            pipeline:
              - name: work
                queue: 256
                work: {sleep: {exponential: 1ms}}
                error_rate: 0.01
            slos:
              - {latency: {metric: response, percentile: 99, max: %s}}
              - {error_rate: 0.05}
              - nothing_lost
              - no_leaked_threads
            %s
            sweep: {stage: work, widths: [4], designs: [%s], repeats: 1}
            """;

    @Test
    void badInputExitsTwoWithPositionsAndNoStackTrace() throws Exception {
        Path bad = scenario("bad", "name: x\nphases: {warmup: 2, measure: 10s}\nlaod: {}\n");
        Result r = cli("validate", bad.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("bad.yaml:2:").contains("bare number").contains("did you mean 'load'");
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void missingFileDirectoryAndBadOverridesAreBadInput() throws Exception {
        assertThat(cli("validate", tmp.resolve("nope.yaml").toString()).code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli("validate", tmp.toString()).code()).isEqualTo(ExitCodes.BAD_INPUT);
        Path ok = scenario("ok", SMALL.formatted("ok", "50ms", "", "engine"));
        Result r = cli("run", ok.toString(), "--in-process", "--widths", "0", "--out", tmp.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("--widths").doesNotContain("\tat ");
        assertThat(cli("frobnicate").code()).isEqualTo(ExitCodes.BAD_INPUT);
    }

    @Test
    void everyLibraryScenarioValidates() {
        try (var files = Files.list(Path.of("../scenarios"))) {
            String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("validate"),
                    files.filter(p -> p.toString().endsWith(".yaml")).map(Path::toString)).toArray(String[]::new);
            Result r = cli(args);
            assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.OK);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aSweepOverEveryKindOfDesignWritesARunDirectoryAndPasses() throws Exception {
        // closed load: no schedule to fall behind, so a busy test machine cannot make a point invalid
        Path s = scenario("designs", SMALL.formatted("designs", "200ms", "", "engine, tpe, vt-per-item, example-forkjoin")
                .replace("open: {arrival: poisson, rate: 400/s}", "closed: {users: 8, think: {exponential: 10ms}}"));
        Path dir = tmp.resolve("run-designs");
        Result r = cli("run", s.toString(), "--in-process", "--run-dir", dir.toString());
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.OK);
        JsonNode results = RunJson.MAPPER.readTree(dir.resolve("results.json").toFile());
        assertThat(results.path("finished").asBoolean()).isTrue();
        assertThat(results.path("points")).hasSize(4);
        for (JsonNode p : results.path("points")) {
            assertThat(p.path("conservation_ok").asBoolean()).as(p.path("id").asText()).isTrue();
            assertThat(p.path("leaked_threads").asLong()).as(p.path("id") + " " + p.path("leaked_thread_names")).isZero();
            long terminal = p.path("completed").asLong() + p.path("failed").asLong() + p.path("shed").asLong()
                    + p.path("timed_out").asLong() + p.path("cancelled").asLong() + p.path("dead_lettered").asLong();
            assertThat(terminal).isEqualTo(p.path("offered").asLong());
            assertThat(p.path("failed").asLong()).as("1% injected errors").isPositive();
            // Little's law within the validity rule's tolerance, or flagged by it (a busy machine moves a short point's L)
            if (Math.abs(p.path("little").path("rel_error").asDouble()) > p.path("validity").path("little_tolerance").asDouble())
                assertThat(p.path("warnings").toString()).as(p.path("id").asText()).contains("Little");
        }
        assertThat(dir.resolve("report.html")).exists();
        assertThat(dir.resolve("junit.xml")).exists();
        assertThat(dir.resolve("scenario.resolved.yaml")).exists();
        assertThat(dir.resolve("events.jsonl")).content().contains("\"point_start\"").contains("\"measure\"");
        assertThat(dir.resolve("points/engine-w4-r0/intervals.json")).exists();
        assertThat(r.out()).contains("design").contains("engine").contains("PASS");
        // the resolved scenario is itself a valid scenario
        assertThat(cli("validate", dir.resolve("scenario.resolved.yaml").toString()).code()).isEqualTo(ExitCodes.OK);
        // and the report re-renders offline
        assertThat(cli("report", dir.toString()).code()).isEqualTo(ExitCodes.OK);
    }

    @Test
    void everyDesignIsOfferedTheSameItemsAndTheSameOnesFail() throws Exception {
        // common random numbers: arrivals and error draws are functions of (seed, seq), not of the design
        Path s = scenario("crn", SMALL.formatted("crn", "1s", "", "engine, tpe"));
        Path dir = tmp.resolve("run-crn");
        cli("run", s.toString(), "--in-process", "--run-dir", dir.toString(), "--no-report");
        JsonNode points = RunJson.MAPPER.readTree(dir.resolve("results.json").toFile()).path("points");
        assertThat(points).hasSize(2);
        JsonNode a = points.get(0), b = points.get(1);
        assertThat(a.path("cancelled").asLong() + a.path("shed").asLong()).isZero();
        assertThat(b.path("cancelled").asLong() + b.path("shed").asLong()).isZero();
        assertThat(a.path("offered").asLong()).isEqualTo(b.path("offered").asLong()).isPositive();
        assertThat(a.path("failed").asLong()).isEqualTo(b.path("failed").asLong()).isPositive();
    }

    @Test
    void aMissedSloExitsOne() throws Exception {
        // closed load: no schedule to fall behind, so a busy test machine cannot make the point invalid
        Path s = scenario("tight", SMALL.formatted("tight", "1us", "", "engine")
                .replace("open: {arrival: poisson, rate: 400/s}", "closed: {users: 8, think: {exponential: 10ms}}"));
        Result r = cli("run", s.toString(), "--in-process", "--run-dir", tmp.resolve("run-tight").toString(), "--no-report");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.SLO_FAILED);
        // one width that misses the latency SLO: no recommended width, so the default gate fails
        assertThat(r.out()).contains("FINDING (p99 response <= 0.001ms").contains("engine: no recommended width").contains("-> exit 1");
        // gating every point makes the same miss a failure of the point itself
        Path every = scenario("tight-every", SMALL.formatted("tight-every", "1us", "gate: every_point", "engine")
                .replace("open: {arrival: poisson, rate: 400/s}", "closed: {users: 8, think: {exponential: 10ms}}"));
        Result e = cli("run", every.toString(), "--in-process", "--run-dir", tmp.resolve("run-tight-every").toString(), "--no-report");
        assertThat(e.code()).as(e.out() + e.err()).isEqualTo(ExitCodes.SLO_FAILED);
        assertThat(e.out()).contains("FAIL (p99 response <= 0.001ms");
        // 'fanlab report' exits with the same verdict
        Result rep = cli("report", tmp.resolve("run-tight-every").toString());
        assertThat(rep.code()).as(rep.out() + rep.err()).isEqualTo(ExitCodes.SLO_FAILED);
        assertThat(rep.out()).contains("verdict: FAIL").contains("-> exit 1");
    }

    @Test
    void reportOfUnreadableRecordsIsBadInput() throws Exception {
        Path dir = tmp.resolve("run-garbage");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.json"), "{not json");
        Result r = cli("report", dir.toString());
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("run-garbage").contains("expected: a run directory").doesNotContain("Exception in");
        assertThat(cli("report", tmp.resolve("no-such-run").toString()).code()).isEqualTo(ExitCodes.BAD_INPUT);
    }

    @Test
    void abortOnFailStopsTheSweepAtTheFirstPointThatLostTheRun() throws Exception {
        Path s = scenario("stop", SMALL.formatted("stop", "1us", "gate: every_point", "engine")
                .replace("open: {arrival: poisson, rate: 400/s}", "closed: {users: 8, think: {exponential: 10ms}}")
                .replace("widths: [4], designs: [engine], repeats: 1}", "widths: [2, 4, 8], designs: [engine], repeats: 1, abort_on_fail: true}"));
        Path dir = tmp.resolve("run-stop");
        Result r = cli("run", s.toString(), "--in-process", "--run-dir", dir.toString(), "--no-report");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.SLO_FAILED);
        JsonNode results = RunJson.MAPPER.readTree(dir.resolve("results.json").toFile());
        assertThat(results.path("points")).hasSize(1);
        assertThat(results.path("finished").asBoolean()).isTrue();
        assertThat(results.path("stopped_early").asText()).startsWith("engine-w2-r0: p99 response <= 0.001ms");
        assertThat(r.out()).contains("the sweep stops here").contains("sweep stopped early");
    }

    @Test
    void aLeakedThreadFailsTheExitCodeTheTableTheReportAndJunitAlike() throws Exception {
        // no no_leaked_threads SLO: the leak is a check, and every SLO passes; all four outputs must still say FAIL
        Path s = scenario("leak-checks", SMALL.formatted("leak-checks", "200ms", "", "broken-leaky")
                .replace("  - no_leaked_threads\n", "")
                .replace("open: {arrival: poisson, rate: 400/s}", "closed: {users: 8, think: {exponential: 10ms}}"));
        Path dir = tmp.resolve("run-leak-checks");
        Result r = cli("run", s.toString(), "--in-process", "--run-dir", dir.toString());
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.SLO_FAILED);
        JsonNode results = RunJson.MAPPER.readTree(dir.resolve("results.json").toFile());
        JsonNode p = results.path("points").get(0);
        assertThat(p.path("slos").findValues("pass")).allMatch(JsonNode::asBoolean);
        assertThat(p.path("leaked_threads").asLong()).isEqualTo(1);
        assertThat(results.path("verdict").path("exit_code").asInt()).isEqualTo(r.code());
        assertThat(r.out()).contains("FAIL (1 leaked thread)").contains("verdict: FAIL");
        assertThat(dir.resolve("report.html")).content().contains("data-outcome=\"fail\"").contains("1 leaked thread");
        assertThat(dir.resolve("junit.xml")).content().contains("name=\"gate (recommended)\" time=\"0.000\">\n      <failure")
                .contains("broken-leaky w=4 r0: no leaked threads\" time=\"0.000\">\n      <failure");
        assertThat(RunJson.MAPPER.readTree(dir.resolve("environment.json").toFile()).path("fanlab_version").asText())
                .isNotIn("null", "unknown", "").matches("\\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void everyCommandAnswersHelpAndTheRunOptionsAreDocumented() {
        for (String[] cmd : new String[][] {{"--help"}, {"run", "--help"}, {"validate", "--help"}, {"list", "--help"},
                {"report", "--help"}, {"fit", "--help"}, {"fit", "usl", "--help"}, {"compare", "--help"}, {"nightly", "--help"}}) {
            Result r = cli(cmd);
            assertThat(r.code()).as(String.join(" ", cmd) + r.err()).isZero();
            assertThat(r.out()).as(String.join(" ", cmd)).contains("Usage: fanlab");
        }
        Result run = cli("run", "--help");
        for (String option : new String[] {"--out", "--run-dir", "--widths", "--designs", "--duration", "--seed", "--in-process", "--no-report"})
            assertThat(run.out()).contains(option);
        assertThat(run.out()).contains("Exit codes:");
        assertThat(cli("--version").out()).doesNotContain("null").contains("fanlab 0.");
    }

    @Test
    void anAbortFaultKillsThePointsJvmAndKeepsFinishedPointsReadable() throws Exception {
        // two forked points; faults apply to every point, so the first point's JVM is killed at 1s and the sweep
        // stops there: the run is unfinished, exits 3, and what it wrote stays readable and renders
        String body = SMALL.formatted("abort", "200ms", "faults:\n  - {abort: {at: 1s}}", "engine")
                .replace("widths: [4]", "widths: [2, 4]");
        Path s = scenario("abort", body);
        Path dir = tmp.resolve("run-abort");
        Result r = cli("run", s.toString(), "--run-dir", dir.toString());
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.RUN_FAILED);
        JsonNode results = RunJson.MAPPER.readTree(dir.resolve("results.json").toFile());
        assertThat(results.path("finished").asBoolean()).isFalse();
        assertThat(results.path("points")).hasSize(1);
        assertThat(results.path("points").get(0).path("status").asText()).isEqualTo("aborted");
        assertThat(dir.resolve("events.jsonl")).content().contains("\"fault_start\"").contains("\"abort\"");
        assertThat(dir.resolve("report.html")).exists();
        // a partial run re-rendered offline exits 3 too, not 0
        assertThat(cli("report", dir.toString()).code()).isEqualTo(ExitCodes.RUN_FAILED);
    }

    @Test
    void pointJvmOptionsReachEachPointsJvmAndAnotherCollectorReplacesG1AndReproduceReusesThem() throws Exception {
        // the point JVM proves its flags itself: -Xlog:gc writes a log per JVM (%p) naming the collector it runs
        Path s = scenario("jvmopts", SMALL.formatted("jvmopts", "200ms", "", "engine"));
        Path dir = tmp.resolve("run-jvmopts");
        Path logs = Files.createDirectories(tmp.resolve("gclogs"));
        String gcLog = "-Xlog:gc:file=" + logs.resolve("gc-%p.log");
        Result r = cli("run", s.toString(), "--run-dir", dir.toString(), "--no-report", "--duration", "1s",
                "--point-jvm-opt=-XX:+UseSerialGC", "--point-jvm-opt", gcLog);
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.OK);
        assertThat(gcLogs(logs)).hasSize(1).allSatisfy(f -> assertThat(f).content().contains("Using Serial").doesNotContain("Using G1"));
        JsonNode env = RunJson.MAPPER.readTree(dir.resolve("environment.json").toFile());
        assertThat(env.path("command").asText()).contains("--point-jvm-opt=-XX:+UseSerialGC");
        assertThat(env.path("point_jvm_flags").toString()).contains("-XX:+UseSerialGC").contains(gcLog);
        // reproduce runs its points under the recorded flags: a second JVM logs the same collector
        Result again = cli("reproduce", dir.toString(), "--run-dir", tmp.resolve("run-jvmopts-again").toString(), "--no-report");
        assertThat(again.code()).as(again.out() + again.err()).isNotIn(ExitCodes.BAD_INPUT, ExitCodes.RUN_FAILED);
        assertThat(gcLogs(logs)).hasSize(2).allSatisfy(f -> assertThat(f).content().contains("Using Serial"));
    }

    private static java.util.List<Path> gcLogs(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("gc-")).toList();
        }
    }

    @Test
    void pointJvmOptionsThatCannotApplyAreBadInput() throws Exception {
        Path s = scenario("jvmbad", SMALL.formatted("jvmbad", "200ms", "", "engine"));
        Result inProcess = cli("run", s.toString(), "--run-dir", tmp.resolve("a").toString(), "--in-process", "--point-jvm-opt=-XX:+UseZGC");
        assertThat(inProcess.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(inProcess.err()).contains("--point-jvm-opt -XX:+UseZGC").contains("--in-process").doesNotContain("at io.fanlab");
        Result notAFlag = cli("run", s.toString(), "--run-dir", tmp.resolve("b").toString(), "--point-jvm-opt=UseZGC");
        assertThat(notAFlag.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(notAFlag.err()).contains("'UseZGC'").contains("expected: one flag starting with '-'");
        assertThat(tmp.resolve("a")).doesNotExist();
        assertThat(tmp.resolve("b")).doesNotExist();
        assertThat(io.fanlab.harness.run.ForkedPointExecutorAccess.flags(java.util.List.of("-Xmx1g"))).contains("-XX:+UseG1GC");
        assertThat(io.fanlab.harness.run.ForkedPointExecutorAccess.flags(java.util.List.of("-XX:+UseZGC")))
                .contains("-XX:+UseZGC").doesNotContain("-XX:+UseG1GC").endsWith("-XX:+UseZGC");
    }

    @Test
    void aDesignThatCallsSystemExitEndsItsPointNotTheSweep() throws Exception {
        Path s = scenario("exit", SMALL.formatted("exit", "200ms", "", "broken-exit, engine"));
        Path dir = tmp.resolve("run-exit");
        Result r = cli("run", s.toString(), "--run-dir", dir.toString());
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.RUN_FAILED);
        JsonNode points = RunJson.MAPPER.readTree(dir.resolve("results.json").toFile()).path("points");
        assertThat(points).hasSize(2);
        assertThat(points.get(0).path("status").asText()).isEqualTo("crashed");
        assertThat(points.get(0).path("error").asText()).contains("exited with 42");
        assertThat(points.get(1).path("status").asText()).isEqualTo("ok");
        assertThat(points.get(1).path("conservation_ok").asBoolean()).isTrue();
        assertThat(dir.resolve("report.html")).content().contains("broken-exit");
    }

    @Test
    void aLeakedThreadIsFoundNamedAndFailsTheRun() throws Exception {
        Path s = scenario("leak", SMALL.formatted("leak", "200ms", "", "broken-leaky")
                .replace("open: {arrival: poisson, rate: 400/s}", "closed: {users: 8, think: {exponential: 10ms}}"));
        Path dir = tmp.resolve("run-leak");
        Result r = cli("run", s.toString(), "--in-process", "--run-dir", dir.toString(), "--no-report");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.SLO_FAILED);
        JsonNode p = RunJson.MAPPER.readTree(dir.resolve("results.json").toFile()).path("points").get(0);
        assertThat(p.path("leaked_threads").asLong()).isEqualTo(1);
        assertThat(p.path("leaked_thread_names").toString()).contains("fanlab-leak");
        assertThat(r.out()).contains("FAIL (1 leaked thread)");
    }

    @Test
    void listShowsTheLibraryAndTheDesigns() {
        Result r = cli("list", "--dir", "../scenarios");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("quickstart.yaml").contains("selftest.yaml").doesNotContain("INVALID");
        Result d = cli("list", "--designs");
        assertThat(d.out()).contains("engine").contains("engine-batched").contains("tpe").contains("vt-per-item").contains("example-forkjoin");
    }

    @Test
    void fitUslPrintsTheCoefficients() throws Exception {
        Path csv = tmp.resolve("m.csv");
        StringBuilder b = new StringBuilder("N,throughput\n");
        for (int n : new int[] {1, 2, 4, 8, 16, 32, 64}) b.append(n).append(',').append(1000.0 * n / (1 + 0.05 * (n - 1) + 0.001 * n * (n - 1))).append('\n');
        Files.writeString(csv, b);
        Result r = cli("fit", "usl", csv.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("sigma   0.05").contains("kappa   0.001").contains("N_peak  30.8");
        Files.writeString(csv, "N,throughput\n1,abc\n");
        assertThat(cli("fit", "usl", csv.toString()).code()).isEqualTo(ExitCodes.BAD_INPUT);
    }
}
