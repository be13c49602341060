package io.fanlab.reports.html;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.fanlab.reports.Fixtures;
import io.fanlab.reports.analysis.Analysis;
import io.fanlab.reports.analysis.SweepAnalysis;
import io.fanlab.reports.analysis.Verdict;
import io.fanlab.reports.run.PointRecord;
import io.fanlab.reports.run.PointResult;
import io.fanlab.reports.run.RunDirectory;
import io.fanlab.reports.run.RunJson;
import io.fanlab.reports.run.RunRecord;

/**
 * The charts that show why, checked in the page's own chart data, on {@code captured-sweep} (real harness output of
 * {@code fanlab run scenarios/quickstart.yaml}): SLO lines at the scenario's limits, the plateau threshold and the
 * recommended width where the analysis puts them, the latency-vs-throughput curve through each width's figures, and
 * the CPU per item from the capture summary. Intervals from repeats are checked on a harness run with repeats in
 * the harness module ({@code ReportChartsFromRepeatsTest}).
 */
class WhyChartsTest {
    @TempDir Path tmp;

    static JsonNode charts(String html) throws Exception {
        Matcher m = Pattern.compile("<script type=\"application/json\" id=\"fanlab-data\">(.*?)</script>", Pattern.DOTALL).matcher(html);
        assertThat(m.find()).as("the page carries its chart data").isTrue();
        return RunJson.MAPPER.readTree(m.group(1)).path("charts");
    }

    static JsonNode chart(JsonNode charts, String id) {
        for (JsonNode c : charts) if (c.path("id").asText().equals(id)) return c;
        throw new AssertionError("no chart " + id);
    }

    static List<JsonNode> series(JsonNode chart, String role) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode s : chart.path("series")) if (s.path("role").asText().equals(role)) out.add(s);
        return out;
    }

    /** A value the scenario file states, e.g. {@code max: 50ms} -> 50. */
    static double scenarioValue(Path run, String regex) throws Exception {
        Matcher m = Pattern.compile(regex).matcher(Files.readString(run.resolve("scenario.resolved.yaml")));
        assertThat(m.find()).as("scenario states %s", regex).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void sloLinesThresholdRecommendedWidthHockeyStickAndCpuPerItem() throws Exception {
        Path dir = Fixtures.copy("captured-sweep", tmp);
        RunRecord run = RunDirectory.read(dir);
        Analysis analysis = SweepAnalysis.analyse(run);
        JsonNode charts = charts(HtmlReportWriter.render(run, analysis, Verdict.of(run, analysis)));
        Analysis.Recommendation rec = analysis.recommendations().get(0);
        assertThat(rec.width()).as("the fixture has a recommendation to mark").isNotNull();

        // SLO limits as lines, at the scenario's limits
        double p99Limit = scenarioValue(dir, "max: (\\d+)ms"), floor = scenarioValue(dir, "throughput_floor: (\\d+)/s");
        JsonNode throughput = chart(charts, "sweep-throughput"), latency = chart(charts, "sweep-latency-0"), hockey = chart(charts, "hockey-0");
        for (JsonNode c : List.of(latency, hockey)) {
            assertThat(series(c, "slo")).as(c.path("id").asText()).singleElement().satisfies(s -> {
                assertThat(s.path("limit").asDouble()).isEqualTo(p99Limit);
                s.path("values").forEach(v -> assertThat(v.asDouble()).isEqualTo(p99Limit));
            });
            assertThat(c.path("yRange").get(1).asDouble()).as("the SLO line is inside the y range").isGreaterThan(p99Limit);
        }
        assertThat(series(throughput, "slo")).singleElement().satisfies(s -> assertThat(s.path("limit").asDouble()).isEqualTo(floor));

        // the plateau threshold: the rule's share of the highest mean throughput; the recommended width marked
        double plateau = run.points().stream().filter(p -> p.ok() && p.valid()).mapToDouble(p -> p.result().throughput()).max().orElseThrow();
        assertThat(series(throughput, "plateau-threshold")).singleElement()
            .satisfies(s -> assertThat(s.path("value").asDouble()).isCloseTo((1 - analysis.plateauShare()) * plateau, within(1e-6)));
        for (JsonNode c : List.of(throughput, latency)) {
            assertThat(c.path("marks")).singleElement().satisfies(m -> {
                assertThat(m.path("role").asText()).isEqualTo("recommended");
                assertThat(m.path("x").asDouble()).isEqualTo(rec.width().doubleValue());
            });
        }
        PointRecord recPoint = run.points().stream().filter(p -> p.width() == rec.width()).findFirst().orElseThrow();
        assertThat(hockey.path("marks").get(0).path("x").asDouble()).as("marked at the recommended width's throughput")
            .isEqualTo(recPoint.result().throughput());

        // the hockey stick: every width's (throughput, p99), joined in width order
        JsonNode p99 = null;
        for (JsonNode s : hockey.path("series")) if (s.path("label").asText().equals("p99")) p99 = s;
        assertThat(p99).isNotNull();
        List<PointRecord> byWidth = run.points().stream().filter(p -> p.ok() && p.valid())
            .sorted(java.util.Comparator.comparingInt(PointRecord::width)).toList();
        assertThat(p99.path("path")).hasSize(byWidth.size());
        for (int i = 0; i < byWidth.size(); i++) {
            PointResult r = byWidth.get(i).result();
            JsonNode pt = p99.path("path").get(i);
            assertThat(pt.get(0).asDouble()).isEqualTo(r.throughput());
            assertThat(pt.get(1).asDouble()).isEqualTo(r.responseMs().p99());
            assertThat(pt.get(2).asText()).isEqualTo("w=" + r.width());
        }

        // CPU per item at each width: the point JVM's CPU time over the items of its capture window
        JsonNode cpu = chart(charts, "why-cpu-per-item");
        for (PointRecord p : byWidth) {
            int i = indexOf(cpu.path("x"), p.width());
            PointResult.Capture c = p.result().capture();
            double expected = c.processCpuS() / (p.result().throughput() * c.windowS()) * 1e6;
            assertThat(cpu.path("series").get(0).path("values").get(i).asDouble()).as("w=%d", p.width()).isCloseTo(expected, within(1e-6));
        }

        // one repeat per width: no interval is drawn (a single value has no spread)
        for (JsonNode s : throughput.path("series")) assertThat(s.has("lo")).isFalse();
    }

    static int indexOf(JsonNode xs, double x) {
        for (int i = 0; i < xs.size(); i++) if (xs.get(i).asDouble() == x) return i;
        throw new AssertionError("x " + x + " not in " + xs);
    }
}
