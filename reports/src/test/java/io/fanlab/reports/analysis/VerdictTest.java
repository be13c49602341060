package io.fanlab.reports.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fanlab.reports.ReportGenerator;
import io.fanlab.reports.ReportOutput;
import io.fanlab.reports.run.RunDirectory;
import io.fanlab.reports.run.RunRecord;

/**
 * The one verdict: what gates, what is a finding, and that report.html, junit.xml and the exit code read the same
 * answer off the same run directory.
 */
class VerdictTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    /** A sweep of widths 1..16 where throughput grows to a plateau at 8 and p99 falls under 50 ms from width 4. */
    ObjectNode sweep(String gateJson) throws IOException {
        ObjectNode r = JSON.createObjectNode();
        r.put("format_version", 1).put("run_id", "t").put("scenario", "t").put("finished", true);
        r.putObject("load").put("model", "closed");
        if (gateJson != null) r.set("gate", JSON.readTree(gateJson));
        ArrayNode points = r.putArray("points");
        int[] widths = {1, 2, 4, 8, 16};
        double[] tput = {500, 1000, 2000, 3900, 4000};
        double[] p99 = {140, 70, 35, 20, 21};
        for (int i = 0; i < widths.length; i++) {
            ObjectNode p = points.addObject();
            p.put("id", "e-w" + widths[i] + "-r0").put("design", "e").put("width", widths[i]).put("repeat", 0)
                .put("status", "ok").put("valid", true).put("conservation_ok", true).put("leaked_threads", 0)
                .put("throughput", tput[i]).put("offered", 1000).put("failed", 0);
            p.putObject("response_ms").put("p99", p99[i]);
            ArrayNode slos = p.putArray("slos");
            slos.addObject().put("name", "p99 response <= 50ms").put("key", "p99 response").put("kind", "latency")
                .put("limit", 50).put("actual", p99[i]).put("unit", "ms").put("pass", p99[i] <= 50);
            slos.addObject().put("name", "throughput >= 1000/s").put("key", "throughput").put("kind", "throughput")
                .put("limit", 1000).put("actual", tput[i]).put("unit", "per_s").put("pass", tput[i] >= 1000);
        }
        return r;
    }

    RunRecord write(ObjectNode results) throws IOException {
        Path dir = Files.createTempDirectory(tmp, "run");
        Files.writeString(dir.resolve("results.json"), JSON.writeValueAsString(results));
        Files.writeString(dir.resolve("environment.json"), "{}");
        Files.writeString(dir.resolve("events.jsonl"), "");
        return RunDirectory.read(dir);
    }

    static Verdict verdictOf(RunRecord run) {
        return Verdict.of(run, SweepAnalysis.analyse(run));
    }

    @Test
    void byDefaultMissedSlosBelowTheKneeAreFindingsAndTheRunPasses() throws IOException {
        Verdict v = verdictOf(write(sweep(null)));
        assertThat(v.gate()).isEqualTo(Gate.DEFAULT);
        assertThat(v.outcome()).isEqualTo(Verdict.Outcome.PASS);
        assertThat(v.exitCode()).isZero();
        assertThat(v.point("e-w1-r0").state()).isEqualTo(Verdict.PointState.FINDING);
        assertThat(v.point("e-w1-r0").findings()).containsExactly("p99 response <= 50ms", "throughput >= 1000/s");
        assertThat(v.point("e-w8-r0").state()).isEqualTo(Verdict.PointState.PASS);
        assertThat(v.findings()).hasSize(2);
        assertThat(v.headline()).startsWith("PASS (gate: recommended; 2 findings");
    }

    @Test
    void everyPointGatesEveryMissedSlo() throws IOException {
        Verdict v = verdictOf(write(sweep("{\"mode\":\"every_point\"}")));
        assertThat(v.outcome()).isEqualTo(Verdict.Outcome.FAIL);
        assertThat(v.exitCode()).isEqualTo(1);
        assertThat(v.point("e-w1-r0").state()).isEqualTo(Verdict.PointState.FAIL);
        assertThat(v.findings()).isEmpty();
    }

    @Test
    void listedWidthsGateOnlyThemselves() throws IOException {
        assertThat(verdictOf(write(sweep("{\"mode\":\"widths\",\"widths\":[8,16]}"))).outcome()).isEqualTo(Verdict.Outcome.PASS);
        Verdict v = verdictOf(write(sweep("{\"mode\":\"widths\",\"widths\":[2,8]}")));
        assertThat(v.outcome()).isEqualTo(Verdict.Outcome.FAIL);
        assertThat(v.failures()).containsExactly("e w=2 r0: p99 response <= 50ms");
        assertThat(v.point("e-w1-r0").state()).isEqualTo(Verdict.PointState.FINDING);
        Verdict missing = verdictOf(write(sweep("{\"mode\":\"widths\",\"widths\":[32]}")));
        assertThat(missing.failures()).containsExactly("e: gated width 32 has no completed point");
    }

    @Test
    void noRecommendedWidthFailsTheDefaultGate() throws IOException {
        ObjectNode r = sweep(null);
        // the plateau widths now miss the latency SLO: no width near the plateau qualifies
        for (var p : r.withArray("points")) if (p.path("width").asInt() >= 8) ((ObjectNode) p.path("slos").get(0)).put("pass", false).put("actual", 90);
        Verdict v = verdictOf(write(r));
        assertThat(v.outcome()).isEqualTo(Verdict.Outcome.FAIL);
        assertThat(v.failures()).anyMatch(f -> f.startsWith("e: no recommended width"));
    }

    @Test
    void checksGateEveryPointWhateverTheGate() throws IOException {
        for (String field : new String[] {"leaked_threads", "conservation_ok", "valid"}) {
            ObjectNode r = sweep(null);
            ObjectNode w1 = (ObjectNode) r.withArray("points").get(0); // width 1: below the knee, not gated for SLOs
            switch (field) {
                case "leaked_threads" -> w1.put("leaked_threads", 2);
                case "conservation_ok" -> w1.put("conservation_ok", false);
                default -> w1.put("valid", false);
            }
            Verdict v = verdictOf(write(r));
            assertThat(v.outcome()).as(field).isEqualTo(Verdict.Outcome.FAIL);
            assertThat(v.point("e-w1-r0").state()).as(field).isEqualTo(Verdict.PointState.FAIL);
        }
    }

    @Test
    void aPointThatDidNotCompleteOrAnUnfinishedRunIsARunFailure() throws IOException {
        ObjectNode r = sweep(null);
        ((ObjectNode) r.withArray("points").get(2)).put("status", "crashed").put("error", "worker died");
        Verdict v = verdictOf(write(r));
        assertThat(v.outcome()).isEqualTo(Verdict.Outcome.RUN_FAILED);
        assertThat(v.exitCode()).isEqualTo(3);
        assertThat(v.point("e-w4-r0").label()).isEqualTo("CRASHED");
        ObjectNode u = sweep(null).put("finished", false);
        assertThat(verdictOf(write(u)).outcome()).isEqualTo(Verdict.Outcome.RUN_FAILED);
    }

    @Test
    void aLeakedThreadWithEverySloPassingFailsTheReportTheJunitGateAndTheExitCodeAlike() throws IOException {
        ObjectNode r = sweep(null);
        ((ObjectNode) r.withArray("points").get(3)).put("leaked_threads", 1); // the recommended width, SLOs all pass
        RunRecord run = write(r);
        ReportOutput out = ReportGenerator.generate(run.dir());
        Verdict v = out.verdict();
        assertThat(v.exitCode()).isEqualTo(1);
        String html = Files.readString(out.reportHtml());
        assertThat(html).contains("data-outcome=\"fail\"").contains("e w=8 r0: 1 leaked thread");
        String junit = Files.readString(out.junitXml());
        assertThat(junit).contains("name=\"gate (recommended)\" time=\"0.000\">\n      <failure")
            .contains("name=\"e w=8 r0: no leaked threads\" time=\"0.000\">\n      <failure");
        assertThat(JSON.readTree(out.resultsJson().toFile()).path("verdict").path("exit_code").asInt()).isEqualTo(1);
        // and with the thread fixed, all three say pass
        ((ObjectNode) r.withArray("points").get(3)).put("leaked_threads", 0);
        ReportOutput ok = ReportGenerator.generate(write(r).dir());
        assertThat(ok.verdict().exitCode()).isZero();
        assertThat(Files.readString(ok.reportHtml())).contains("data-outcome=\"pass\"");
        assertThat(Files.readString(ok.junitXml())).contains("name=\"gate (recommended)\" time=\"0.000\"/>")
            .contains("<skipped message=\"finding, not gated: p99 response &lt;= 50ms");
    }

    @Test
    void junitNamesUseTheSloKeySoTheyStayWhenALimitChanges() throws IOException {
        ObjectNode a = sweep(null);
        ObjectNode b = sweep(null);
        for (var p : b.withArray("points")) ((ObjectNode) p.path("slos").get(0)).put("name", "p99 response <= 60ms").put("limit", 60);
        String ja = Files.readString(ReportGenerator.generate(write(a).dir()).junitXml());
        String jb = Files.readString(ReportGenerator.generate(write(b).dir()).junitXml());
        java.util.regex.Pattern name = java.util.regex.Pattern.compile("name=\"([^\"]*)\"");
        assertThat(name.matcher(jb).results().map(m -> m.group(1)).toList())
            .isEqualTo(name.matcher(ja).results().map(m -> m.group(1)).toList())
            .contains("e w=8 r0: p99 response");
    }
}
