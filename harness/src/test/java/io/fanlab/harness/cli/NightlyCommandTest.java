package io.fanlab.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fanlab.reports.run.RunJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fanlab nightly} end to end, in-process: a suite, a baseline carried forward, a rerun that is not flagged,
 * a deliberate slowdown that is, bad input before anything runs, the history growing by one line per scenario, and
 * a self-test that cannot vouch for the machine turning a regression into "this machine cannot measure now".
 */
class NightlyCommandTest {
    @TempDir Path tmp;

    record Result(int code, String out, String err) {}

    static Result cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = FanlabCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    static final String SCENARIO = """
            name: %s
            seed: 3
            phases: {warmup: 200ms, measure: 1s, cooldown: 200ms}
            load:
              closed: {users: 4, think: {constant: 0ms}}
            pipeline:
              - name: io
                work: {sleep: {constant: %s}}
            slos:
              - {latency: {metric: response, percentile: 99, max: 2s}}
              - nothing_lost
              - no_leaked_threads
            sweep: {stage: io, widths: [2], designs: [engine], repeats: 1}
            """;

    Path suite(String name, String sleep) throws Exception {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("a.yaml"), SCENARIO.formatted("alpha", sleep));
        Files.writeString(dir.resolve("b.yaml"), SCENARIO.formatted("beta", sleep));
        return dir;
    }

    // the same loose tolerances for every comparison, and no machine check (a busy test machine changes under the points):
    // the property is the direction and the size, not this machine's noise
    static final String TOL = "throughput=0.3,p50=off,p99=off,p999=off";

    @Test
    void aRerunIsNotFlaggedAndADeliberateSlowdownIs() throws Exception {
        Path suite = suite("suite", "2ms");
        Path hist = tmp.resolve("history.jsonl");
        Path n1 = tmp.resolve("n1");
        Result first = cli("nightly", suite.toString(), "--in-process", "--out", n1.toString(), "--history", hist.toString(), "--tolerance", TOL, "--no-machine-check");
        assertThat(first.code()).as(first.out() + first.err()).isZero();
        assertThat(n1.resolve("alpha/report.html")).exists();
        assertThat(n1.resolve("index.html")).content().contains("alpha/report.html").contains("beta/report.html").contains("no baseline");
        assertThat(n1.resolve("junit.xml")).content().contains("<testsuite name=\"alpha.engine\"").contains("<testsuite name=\"beta.run\"")
                .contains("name=\"alpha: run exit code\"").doesNotContain("<failure");
        assertThat(Files.readAllLines(hist)).hasSize(2);

        Path n2 = tmp.resolve("n2");
        Result rerun = cli("nightly", suite.toString(), "--in-process", "--out", n2.toString(), "--baseline", n1.toString(), "--history", hist.toString(), "--tolerance", TOL, "--no-machine-check");
        assertThat(rerun.code()).as(rerun.out() + rerun.err()).isZero();
        assertThat(n2.resolve("alpha/compare.html")).content().contains("no regression");
        assertThat(n2.resolve("junit.xml")).content().contains("name=\"alpha: no regression vs baseline\" time=\"0.000\"/>");

        // the same scenarios with twice the work per item: throughput halves
        Path slow = suite("slow", "4ms");
        Path n3 = tmp.resolve("n3");
        Result regressed = cli("nightly", slow.toString(), "--in-process", "--out", n3.toString(), "--baseline", n2.toString(), "--history", hist.toString(), "--tolerance", TOL, "--no-machine-check");
        assertThat(regressed.code()).as(regressed.out() + regressed.err()).isEqualTo(ExitCodes.SLO_FAILED);
        assertThat(regressed.out()).contains("REGRESSED").contains("throughput");
        assertThat(n3.resolve("alpha/compare.json")).content().contains("\"regressed\" : true");
        assertThat(n3.resolve("junit.xml")).content().contains("name=\"alpha: no regression vs baseline\" time=\"0.000\">\n      <failure");
        JsonNode summary = RunJson.MAPPER.readTree(n3.resolve("nightly.json").toFile());
        assertThat(summary.path("exit_code").asInt()).isEqualTo(1);
        List<String> lines = Files.readAllLines(hist);
        assertThat(lines).hasSize(6);
        JsonNode last = RunJson.MAPPER.readTree(lines.get(5));
        assertThat(last.path("scenario").asText()).isEqualTo("beta");
        assertThat(last.path("regressed").asBoolean()).isTrue();
        assertThat(last.path("points").get(0).path("throughput").asDouble()).isPositive();
        assertThat(n3.resolve("index.html")).content().contains("REGRESSED").contains("<svg");
    }

    /**
     * An M/M/c self-test at rho 0.9 (1800/s into 4 workers of 2 ms): above the verdict's rho bound at every point
     * whatever the machine, so no point is judged and nothing vouches for the machine, deterministically.
     */
    static final String SATURATED_SELF_TEST = """
            name: selftest
            seed: 1
            phases: {warmup: 200ms, measure: 1s, cooldown: 200ms}
            load:
              open: {arrival: poisson, rate: 1800/s}
            pipeline:
              - name: server
                threads: platform
                queue: 4096
                work: {sleep: {exponential: 2ms}}
            slos:
              - nothing_lost
              - no_leaked_threads
            sweep: {stage: server, widths: [4], designs: [engine], repeats: 1}
            """;

    @Test
    void aMachineThatCannotMeasureFlagsNoRegression() throws Exception {
        Path base = tmp.resolve("base");
        Files.createDirectories(base);
        Files.writeString(base.resolve("a.yaml"), SCENARIO.formatted("alpha", "2ms"));
        Path hist = tmp.resolve("history.jsonl");
        Path n1 = tmp.resolve("n1");
        Result first = cli("nightly", base.toString(), "--in-process", "--out", n1.toString(), "--history", hist.toString(), "--tolerance", TOL, "--no-machine-check");
        assertThat(first.code()).as(first.out() + first.err()).isZero();
        assertThat(RunJson.MAPPER.readTree(n1.resolve("nightly.json").toFile()).path("self_test").isNull()).isTrue();

        // twice the work per item (a regression compare flags), behind a self-test that cannot vouch for the machine
        Path slow = tmp.resolve("slow");
        Files.createDirectories(slow);
        Files.writeString(slow.resolve("a.yaml"), SCENARIO.formatted("alpha", "4ms"));
        Files.writeString(slow.resolve(NightlyCommand.SELF_TEST_FILE), SATURATED_SELF_TEST);
        Path n2 = tmp.resolve("n2");
        Result r = cli("nightly", slow.toString(), "--in-process", "--out", n2.toString(), "--baseline", n1.toString(), "--history", hist.toString(), "--tolerance", TOL, "--no-machine-check");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.RUN_FAILED);
        // the self-test ran first
        assertThat(r.out().indexOf("=== selftest")).isNotNegative().isLessThan(r.out().indexOf("=== alpha"));
        assertThat(r.out()).contains("this machine cannot measure now").contains("judged no point").doesNotContain("REGRESSED");
        // the comparison is still written for the post-mortem, and it did see the slowdown
        assertThat(RunJson.MAPPER.readTree(n2.resolve("alpha/compare.json").toFile()).path("regressed").asBoolean()).isTrue();
        assertThat(r.out()).contains("not judged (this machine cannot measure now)");
        JsonNode summary = RunJson.MAPPER.readTree(n2.resolve("nightly.json").toFile());
        assertThat(summary.path("exit_code").asInt()).isEqualTo(ExitCodes.RUN_FAILED);
        assertThat(summary.path("self_test").path("can_measure").asBoolean()).isFalse();
        assertThat(summary.path("self_test").path("message").asText()).isEqualTo("this machine cannot measure now");
        assertThat(summary.path("scenarios")).anySatisfy(x -> {
            assertThat(x.path("scenario").asText()).isEqualTo("alpha");
            assertThat(x.path("regressed").isNull()).isTrue();
        });
        assertThat(n2.resolve("index.html")).content().contains("id=\"cannot-measure\"").contains("this machine cannot measure now")
                .contains("data-exit=\"3\"").doesNotContain("REGRESSED");
        assertThat(n2.resolve("junit.xml")).content().contains("name=\"self-test: this machine can measure now\"")
                .doesNotContain("no regression vs baseline");
        // nothing learned from this machine's figures: the history holds the first nightly's line only
        assertThat(Files.readAllLines(hist)).hasSize(1);

        // the same judgement over the real self-test run, its recorded verdicts altered on disk
        Path st = n2.resolve("selftest");
        var run = io.fanlab.reports.run.RunDirectory.read(st);
        assertThat(run.points()).isNotEmpty().allSatisfy(p -> assertThat(p.result().selfTest().verdict()).isEqualTo("not_judged"));
        // the floor as recorded may be too high on a busy machine: set it either way, to judge one cause at a time
        Path events = st.resolve("events.jsonl");
        String ev = Files.readString(events);
        assertThat(ev).contains("\"type\":\"calibration\"").containsPattern("\"too_high\":(true|false)");
        Files.writeString(events, ev.replaceAll("\"too_high\":true", "\"too_high\":false"));
        setSelfTestVerdict(st, "pass");
        assertThat(NightlyCommand.cannotMeasure(io.fanlab.reports.run.RunDirectory.read(st), ExitCodes.OK, null)).isEmpty();
        assertThat(NightlyCommand.cannotMeasure(io.fanlab.reports.run.RunDirectory.read(st), ExitCodes.SLO_FAILED, null))
                .singleElement().asString().contains("the self-test run exited 1");
        setSelfTestVerdict(st, "fail");
        assertThat(NightlyCommand.cannotMeasure(io.fanlab.reports.run.RunDirectory.read(st), ExitCodes.OK, null))
                .singleElement().asString().contains("self-test engine w=4 r0 failed");
        setSelfTestVerdict(st, "pass");
        Files.writeString(events, ev.replaceAll("\"too_high\":false", "\"too_high\":true"));
        assertThat(NightlyCommand.cannotMeasure(io.fanlab.reports.run.RunDirectory.read(st), ExitCodes.OK, null))
                .singleElement().asString().contains("harness floor");
    }

    /** Rewrites the {@code self_test.verdict} of every point in results.json (the points the reader uses). */
    static void setSelfTestVerdict(Path runDir, String verdict) throws Exception {
        Path f = runDir.resolve("results.json");
        JsonNode results = RunJson.MAPPER.readTree(f.toFile());
        for (JsonNode p : results.path("points")) ((com.fasterxml.jackson.databind.node.ObjectNode) p.path("self_test")).put("verdict", verdict);
        Files.writeString(f, RunJson.MAPPER.writeValueAsString(results));
    }

    /** The shipped suite's self-test is an M/M/c scenario judged at every width (rho <= the verdict's bound). */
    @Test
    void theShippedSelfTestIsJudgedAtEveryWidth() throws Exception {
        Path file = Path.of("../scenarios/nightly/" + NightlyCommand.SELF_TEST_FILE);
        assertThat(NightlyCommand.suiteFiles(Path.of("../scenarios/nightly"))).anyMatch(NightlyCommand::isSelfTest);
        var s = io.fanlab.harness.scenario.ScenarioLoader.load(file, io.fanlab.harness.design.Designs.discover().keySet());
        assertThat(s.pipeline()).hasSize(1);
        assertThat(s.faults()).isEmpty();
        var open = (io.fanlab.harness.load.LoadSpec.Open) s.load();
        double rate = ((io.fanlab.harness.load.LoadSpec.Arrival.Poisson) open.arrival()).rate().perSecond();
        var sleep = (io.fanlab.harness.work.WorkSpec.Sleep) s.pipeline().get(0).work();
        double meanS = ((io.fanlab.harness.dist.Distribution.Exponential) sleep.time()).meanNanos() / 1e9;
        for (int c : s.sweep().widths())
            assertThat(rate * meanS / c).as("rho at c=%d", c).isLessThanOrEqualTo(io.fanlab.harness.validity.SelfTestVerdict.RHO_BOUND);
    }

    @Test
    void anInvalidScenarioOrSuiteIsBadInputAndNothingRuns() throws Exception {
        Path suite = suite("bad", "2ms");
        Files.writeString(suite.resolve("c.yaml"), "name: gamma\nload: {closed: {users: 0}}\npipeline: [{name: x, work: {sleep: {constant: 1ms}}}]\n");
        Path out = tmp.resolve("never");
        Result r = cli("nightly", suite.toString(), "--in-process", "--out", out.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("c.yaml:2:").contains("nothing was run").doesNotContain("\tat ");
        assertThat(out).doesNotExist();
        Path file = tmp.resolve("suite.yaml");
        Files.writeString(file, "name: s\nscenario: [a.yaml]\n");
        assertThat(cli("nightly", file.toString()).err()).contains("scenarios: missing or empty");
        assertThat(cli("nightly", tmp.resolve("nope").toString()).code()).isEqualTo(ExitCodes.BAD_INPUT);
    }

    @Test
    void aSuiteFileListsScenariosRelativeToItself() throws Exception {
        Path suite = suite("listed", "2ms");
        Path file = suite.resolve("only-alpha.suite");
        Files.writeString(file, "name: just-alpha\nscenarios: [a.yaml]\n");
        assertThat(NightlyCommand.suiteFiles(file)).containsExactly(suite.resolve("a.yaml").toAbsolutePath().normalize());
        assertThat(NightlyCommand.suiteName(file)).isEqualTo("just-alpha");
    }
}
