package io.fanlab.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.fanlab.reports.analysis.Bootstrap;
import io.fanlab.reports.run.PointRecord;
import io.fanlab.reports.run.RunDirectory;
import io.fanlab.reports.run.RunJson;
import io.fanlab.reports.run.RunRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of a real sweep with repeats (in-process, a few seconds): its charts' intervals are the seeded
 * percentile bootstrap of the mean over each width's valid repeats, bracket that mean, and lie inside the repeats'
 * min..max once a width has 4 repeats or more; its SLO lines sit at the scenario's limits and its recommended-width
 * mark where results.json's analysis puts it. Read from the report.html the run wrote, as a user would open it.
 */
class ReportChartsFromRepeatsTest {
    @TempDir Path tmp;

    @Test
    void intervalsFromRepeatsAreBootstrapNotMinMaxAndLimitsAreDrawnWhereTheScenarioPutsThem() throws Exception {
        Path f = tmp.resolve("repeats.yaml");
        Files.writeString(f, """
                name: repeats
                seed: 9
                phases: {warmup: 300ms, measure: 1s, cooldown: 200ms}
                load:
                  closed: {users: 16, think: {constant: 0ms}}
                pipeline:
                  - name: io
                    work: {sleep: {exponential: 1ms}}
                slos:
                  - {latency: {metric: response, percentile: 99, max: 45ms}}
                  - {error_rate: 0.02}
                  - {throughput_floor: 250/s}
                sweep: {stage: io, widths: [2, 8], designs: [engine], repeats: 5}
                """);
        Path dir = tmp.resolve("run");
        FanlabCliTest.Result r = FanlabCliTest.cli("run", f.toString(), "--in-process", "--run-dir", dir.toString());
        assertThat(r.code()).as(r.out() + r.err()).isIn(ExitCodes.OK, ExitCodes.SLO_FAILED);
        String html = Files.readString(dir.resolve("report.html"));
        Matcher m = Pattern.compile("<script type=\"application/json\" id=\"fanlab-data\">(.*?)</script>", Pattern.DOTALL).matcher(html);
        assertThat(m.find()).isTrue();
        JsonNode charts = RunJson.MAPPER.readTree(m.group(1)).path("charts");

        // each width's valid repeats, as the harness recorded them
        RunRecord run = RunDirectory.read(dir);
        Map<Integer, List<Double>> throughputs = new TreeMap<>(), p99s = new TreeMap<>();
        for (PointRecord p : run.points()) {
            if (!p.ok() || !p.valid()) continue;
            throughputs.computeIfAbsent(p.width(), k -> new ArrayList<>()).add(p.result().throughput());
            p99s.computeIfAbsent(p.width(), k -> new ArrayList<>()).add(p.result().responseMs().p99());
        }
        assertThat(throughputs.values()).as("a width with 4 or more valid repeats (a busy machine invalidates some)")
            .anyMatch(xs -> xs.size() >= 4);

        JsonNode throughput = chart(charts, "sweep-throughput"), latency = chart(charts, "sweep-latency-0");
        checkIntervals(series(throughput, "engine measured"), throughput.path("x"), throughputs);
        checkIntervals(series(latency, "p99"), latency.path("x"), p99s);

        // SLO lines at the scenario's limits: p99 45 ms, throughput 250/s, error rate 2% (drawn in %)
        assertThat(sloLimit(latency)).isEqualTo(45.0);
        assertThat(sloLimit(chart(charts, "hockey-0"))).isEqualTo(45.0);
        assertThat(sloLimit(throughput)).isEqualTo(250.0);
        assertThat(sloLimit(chart(charts, "sweep-rates"))).isEqualTo(2.0);

        // the recommended width marked where the analysis puts it (when the run has one)
        JsonNode rec = RunJson.MAPPER.readTree(dir.resolve("results.json").toFile()).path("analysis").path("recommendations").get(0);
        if (rec.path("width").isNumber()) {
            assertThat(throughput.path("marks").get(0).path("x").asDouble()).isEqualTo(rec.path("width").asDouble());
            assertThat(latency.path("marks").get(0).path("x").asDouble()).isEqualTo(rec.path("width").asDouble());
        } else {
            assertThat(throughput.has("marks")).as("no recommendation, no mark").isFalse();
        }
    }

    /** lo/hi at every width with >= 2 repeats are Bootstrap.ofMean of them, bracket the mean, and for >= 4 lie inside min..max. */
    static void checkIntervals(JsonNode s, JsonNode x, Map<Integer, List<Double>> repeats) {
        int checked = 0, inside = 0;
        for (int i = 0; i < x.size(); i++) {
            double xv = x.get(i).asDouble();
            List<Double> xs = xv == Math.rint(xv) ? repeats.get((int) xv) : null; // the throughput chart has fit-only x too
            if (xs == null || xs.size() < 2) {
                assertThat(s.path("lo").isMissingNode() || s.path("lo").get(i).isNull()).as("no interval at x=%s", xv).isTrue();
                continue;
            }
            Bootstrap.Interval expected = Bootstrap.ofMean(xs.stream().mapToDouble(Double::doubleValue).toArray());
            double lo = s.path("lo").get(i).asDouble(), hi = s.path("hi").get(i).asDouble(), mean = s.path("values").get(i).asDouble();
            assertThat(lo).isEqualTo(expected.lo());
            assertThat(hi).isEqualTo(expected.hi());
            assertThat(mean).isCloseTo(expected.mean(), within(1e-9 * Math.abs(mean)));
            assertThat(lo).as("lower bound <= mean").isLessThanOrEqualTo(mean);
            assertThat(hi).as("upper bound >= mean").isGreaterThanOrEqualTo(mean);
            double min = xs.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            double max = xs.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            if (xs.size() >= 4 && xs.stream().distinct().count() == xs.size()) {
                assertThat(lo).as("inside min..max, not min").isGreaterThan(min);
                assertThat(hi).as("inside min..max, not max").isLessThan(max);
                inside++;
            }
            checked++;
        }
        assertThat(checked).as("widths with an interval").isPositive();
        assertThat(inside).as("widths whose interval is not min..max").isPositive();
    }

    static JsonNode chart(JsonNode charts, String id) {
        for (JsonNode c : charts) if (c.path("id").asText().equals(id)) return c;
        throw new AssertionError("no chart " + id + " in the report");
    }

    static JsonNode series(JsonNode chart, String label) {
        for (JsonNode s : chart.path("series")) if (s.path("label").asText().equals(label)) return s;
        throw new AssertionError("no series " + label + " in " + chart.path("id"));
    }

    static double sloLimit(JsonNode chart) {
        for (JsonNode s : chart.path("series")) if (s.path("role").asText().equals("slo")) return s.path("limit").asDouble();
        throw new AssertionError("no SLO line in " + chart.path("id"));
    }
}
