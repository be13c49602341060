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
 * a deliberate slowdown that is, bad input before anything runs, and the history growing by one line per scenario.
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

    // the same loose tolerances for every comparison: the property is the direction and the size, not this machine's noise
    static final String TOL = "throughput=0.3,p50=off,p99=off,p999=off";

    @Test
    void aRerunIsNotFlaggedAndADeliberateSlowdownIs() throws Exception {
        Path suite = suite("suite", "2ms");
        Path hist = tmp.resolve("history.jsonl");
        Path n1 = tmp.resolve("n1");
        Result first = cli("nightly", suite.toString(), "--in-process", "--out", n1.toString(), "--history", hist.toString(), "--tolerance", TOL);
        assertThat(first.code()).as(first.out() + first.err()).isZero();
        assertThat(n1.resolve("alpha/report.html")).exists();
        assertThat(n1.resolve("index.html")).content().contains("alpha/report.html").contains("beta/report.html").contains("no baseline");
        assertThat(n1.resolve("junit.xml")).content().contains("<testsuite name=\"alpha.engine\"").contains("<testsuite name=\"beta.run\"")
                .contains("name=\"alpha: run exit code\"").doesNotContain("<failure");
        assertThat(Files.readAllLines(hist)).hasSize(2);

        Path n2 = tmp.resolve("n2");
        Result rerun = cli("nightly", suite.toString(), "--in-process", "--out", n2.toString(), "--baseline", n1.toString(), "--history", hist.toString(), "--tolerance", TOL);
        assertThat(rerun.code()).as(rerun.out() + rerun.err()).isZero();
        assertThat(n2.resolve("alpha/compare.html")).content().contains("no regression");
        assertThat(n2.resolve("junit.xml")).content().contains("name=\"alpha: no regression vs baseline\" time=\"0.000\"/>");

        // the same scenarios with twice the work per item: throughput halves
        Path slow = suite("slow", "4ms");
        Path n3 = tmp.resolve("n3");
        Result regressed = cli("nightly", slow.toString(), "--in-process", "--out", n3.toString(), "--baseline", n2.toString(), "--history", hist.toString(), "--tolerance", TOL);
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
