package io.fanlab.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.JsonNode;
import io.fanlab.reports.run.RunJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library's graph scenarios run (in-process, a 1 s window, their first width, a reference-engine design and a
 * baseline) and their headers' claims hold in what the run recorded: {@code results.json}'s points, their
 * {@code graph} exits and per-stage figures. Shapes, not milliseconds: the machines are shared.
 */
class GraphScenariosRunTest {
    @TempDir Path tmp;

    JsonNode run(String scenario, String designs) throws Exception {
        Path dir = tmp.resolve(scenario);
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = FanlabCli.execute(new String[] {"run", "../scenarios/" + scenario + ".yaml", "--in-process", "--duration", "1s",
                "--widths", "4", "--designs", designs, "--run-dir", dir.toString(), "--no-report"}, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as(out + "\n" + err).isIn(ExitCodes.OK, ExitCodes.SLO_FAILED, ExitCodes.RUN_FAILED); // a busy machine may invalidate a point
        JsonNode points = RunJson.MAPPER.readTree(dir.resolve("results.json").toFile()).path("points");
        assertThat(points).hasSize(designs.split(",").length);
        for (JsonNode p : points) {
            assertThat(p.path("status").asText()).as(p.toString()).isEqualTo("ok");
            assertThat(p.path("conservation_ok").asBoolean()).as(p.path("id").asText()).isTrue();
            assertThat(p.path("leaked_threads").asLong()).isZero();
        }
        return points;
    }

    @Test
    void diamondSplitsItemsByTheDeclaredFractionAndEachLeavesOnce() throws Exception {
        for (JsonNode p : run("diamond", "engine,tpe")) diamondClaim(p);
        // the reports module reads the figures back typed and shows them
        Path dir = tmp.resolve("diamond");
        JsonNode first = RunJson.MAPPER.readTree(dir.resolve("results.json").toFile()).path("points").get(0);
        io.fanlab.reports.run.PointResult typed = RunJson.MAPPER.readValue(
                dir.resolve("points").resolve(first.path("id").asText()).resolve("point.json").toFile(), io.fanlab.reports.run.PointResult.class);
        assertThat(typed.graph()).singleElement().satisfies(g -> {
            assertThat(g.node()).isEqualTo("size");
            assertThat(g.exits().get("a") + g.exits().get("b")).isEqualTo(first.path("graph").get(0).path("exits").path("a").asLong()
                    + first.path("graph").get(0).path("exits").path("b").asLong());
        });
        io.fanlab.reports.run.RunRecord record = io.fanlab.reports.run.RunDirectory.read(dir);
        var analysis = io.fanlab.reports.analysis.SweepAnalysis.analyse(record);
        String html = io.fanlab.reports.html.HtmlReportWriter.render(record, analysis, io.fanlab.reports.analysis.Verdict.of(record, analysis));
        String table = html.substring(html.indexOf("id=\"graph-table\""));
        table = table.substring(table.indexOf("<tbody>"), table.indexOf("</tbody>"));
        assertThat(table).contains(">size<").contains(">route<").contains(">measured window<")
                .contains("a " + first.path("graph").get(0).path("window_exits").path("a").asLong() + " (");
    }

    @Test
    void retryLoopGoesRoundAsOftenAsDeclaredAndStopsAtTheBound() throws Exception {
        for (JsonNode p : run("retry-loop", "engine,vt-per-item")) retryLoopClaim(p);
    }

    @Test
    void aDesignWithoutTheGraphCapabilityIsRefused() throws Exception {
        String before = System.getProperty(io.fanlab.harness.design.Designs.PROPERTY);
        System.setProperty(io.fanlab.harness.design.Designs.PROPERTY, "io.fanlab.harness.design.example.ForkJoinDesign");
        try {
            Path dir = tmp.resolve("refused");
            StringWriter out = new StringWriter(), err = new StringWriter();
            int code = FanlabCli.execute(new String[] {"run", "../scenarios/diamond.yaml", "--in-process", "--duration", "1s", "--widths", "2",
                    "--designs", "example-forkjoin", "--run-dir", dir.toString(), "--no-report"}, new PrintWriter(out, true), new PrintWriter(err, true));
            assertThat(code).as(out + "\n" + err).isNotEqualTo(ExitCodes.OK);
            JsonNode p = RunJson.MAPPER.readTree(dir.resolve("results.json").toFile()).path("points").get(0);
            assertThat(p.path("status").asText()).isEqualTo("failed");
            assertThat(p.path("error").asText()).contains("does not declare the graph capability").contains("routes and loops");
            assertThat(p.path("offered").asLong()).as("nothing was run").isZero();
        } finally {
            if (before == null) System.clearProperty(io.fanlab.harness.design.Designs.PROPERTY);
            else System.setProperty(io.fanlab.harness.design.Designs.PROPERTY, before);
        }
    }

    /** diamond.yaml's header: a / (a + b) is 0.2, completed <= a + b <= offered, both paths have stage figures. */
    static void diamondClaim(JsonNode p) {
        String id = p.path("id").asText();
        JsonNode g = p.path("graph");
        assertThat(g).as(id + " graph").hasSize(1);
        assertThat(g.get(0).path("node").asText()).isEqualTo("size");
        assertThat(g.get(0).path("kind").asText()).isEqualTo("route");
        long a = g.get(0).path("exits").path("a").asLong(), b = g.get(0).path("exits").path("b").asLong();
        assertThat(a + b).as(id + ": each routed item left once, no more than were offered").isBetween(p.path("completed").asLong(), p.path("offered").asLong());
        assertThat(a + b).as(id + " items routed").isGreaterThan(200);
        assertThat((double) a / (a + b)).as(id + ": the declared fraction 0.2").isCloseTo(0.2, offset(0.06));
        Map<String, Long> served = served(p);
        assertThat(served).containsKeys("parse", "large", "small", "respond");
        assertThat(served.get("large")).as(id + " large path served").isPositive();
        assertThat(served.get("small")).as(id + " small path served more than the large").isGreaterThan(served.get("large"));
    }

    /** retry-loop.yaml's header: passes per item near 1.417, few leave by the bound, the body carries the extra load. */
    static void retryLoopClaim(JsonNode p) {
        String id = p.path("id").asText();
        JsonNode g = p.path("graph");
        assertThat(g).as(id + " graph").hasSize(1);
        assertThat(g.get(0).path("node").asText()).isEqualTo("retry");
        assertThat(g.get(0).path("kind").asText()).isEqualTo("loop");
        long done = g.get(0).path("exits").path("done").asLong(), bound = g.get(0).path("exits").path("bound").asLong();
        long passes = g.get(0).path("passes").asLong(), left = done + bound;
        assertThat(left).as(id + ": each item left the loop once").isBetween(p.path("completed").asLong(), p.path("offered").asLong());
        assertThat(left).as(id + " items through the loop").isGreaterThan(200);
        assertThat(passes).as(id + ": at most 1 + max passes each").isBetween(left, 4 * left);
        assertThat((double) passes / left).as(id + ": mean passes (1 - 0.3^4) / 0.7 = 1.417").isCloseTo(1.417, offset(0.15));
        assertThat((double) bound / left).as(id + ": 0.3^3 = 2.7% leave by the bound").isLessThan(0.08);
        Map<String, Long> served = served(p);
        assertThat(served).containsKeys("receive", "call", "reply");
        assertThat((double) served.get("call") / served.get("receive")).as(id + ": the body serves ~1.417 x the items").isBetween(1.1, 1.8);
    }

    private static Map<String, Long> served(JsonNode p) {
        Map<String, Long> m = new HashMap<>();
        for (JsonNode s : p.path("stages")) m.put(s.path("name").asText(), s.path("service_ms").path("count").asLong());
        return m;
    }
}
