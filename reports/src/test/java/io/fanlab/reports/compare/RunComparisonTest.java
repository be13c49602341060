package io.fanlab.reports.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fanlab.reports.run.RunDirectory;
import io.fanlab.reports.run.RunRecord;

/** Direction, noise and what is not compared. */
class RunComparisonTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    /** One design, widths 4 and 8; each repeat's throughput and p99 scaled by the factors given. */
    RunRecord run(double tputFactor, double latFactor, double... repeatJitter) throws IOException {
        ObjectNode r = JSON.createObjectNode();
        r.put("format_version", 1).put("run_id", "r" + System.nanoTime()).put("scenario", "t").put("finished", true);
        ArrayNode points = r.putArray("points");
        double[] jitter = repeatJitter.length == 0 ? new double[] {1.0} : repeatJitter;
        for (int w : new int[] {4, 8}) {
            for (int rep = 0; rep < jitter.length; rep++) {
                ObjectNode p = points.addObject();
                p.put("id", "e-w" + w + "-r" + rep).put("design", "e").put("width", w).put("repeat", rep).put("status", "ok")
                    .put("valid", true).put("conservation_ok", true).put("leaked_threads", 0)
                    .put("throughput", 1000.0 * w * tputFactor * jitter[rep]).put("offered", 10_000).put("failed", 10)
                    .put("timed_out", 0).put("dead_lettered", 0);
                p.putObject("response_ms").put("p50", 2.0 * latFactor * jitter[rep]).put("p99", 10.0 * latFactor * jitter[rep])
                    .put("p999", 20.0 * latFactor * jitter[rep]);
            }
        }
        Path dir = Files.createTempDirectory(tmp, "run");
        Files.writeString(dir.resolve("results.json"), JSON.writeValueAsString(r));
        Files.writeString(dir.resolve("environment.json"), "{\"git_revision\":\"abc\"}");
        Files.writeString(dir.resolve("events.jsonl"), "");
        return RunDirectory.read(dir);
    }

    static Comparison.Mark mark(Comparison c, int width, Metric m) {
        return c.rows().stream().filter(r -> r.width() == width && r.metric() == m).findFirst().orElseThrow().mark();
    }

    @Test
    void identicalRunsAreWithinNoise() throws IOException {
        Comparison c = RunComparison.compare(run(1, 1), run(1, 1), Tolerances.DEFAULT);
        assertThat(c.regressed()).isFalse();
        assertThat(c.rows()).hasSize(2 * Metric.values().length).allMatch(r -> r.mark() == Comparison.Mark.WITHIN_NOISE);
    }

    @Test
    void directionDecides_throughputDownAndLatencyUpRegress_theOppositeImproves() throws IOException {
        RunRecord base = run(1, 1);
        Comparison slower = RunComparison.compare(base, run(0.8, 1.3), Tolerances.DEFAULT);
        assertThat(slower.regressed()).isTrue();
        assertThat(mark(slower, 4, Metric.THROUGHPUT)).isEqualTo(Comparison.Mark.REGRESSED);
        assertThat(mark(slower, 4, Metric.P99)).isEqualTo(Comparison.Mark.REGRESSED);
        assertThat(mark(slower, 4, Metric.P999)).as("30% is inside p99.9's 50% tolerance").isEqualTo(Comparison.Mark.WITHIN_NOISE);
        Comparison faster = RunComparison.compare(base, run(1.25, 0.7), Tolerances.DEFAULT);
        assertThat(faster.regressed()).isFalse();
        assertThat(mark(faster, 8, Metric.THROUGHPUT)).isEqualTo(Comparison.Mark.IMPROVED);
        assertThat(mark(faster, 8, Metric.P50)).isEqualTo(Comparison.Mark.IMPROVED);
    }

    @Test
    void withRepeatsTheIntervalMustExcludeZero() throws IOException {
        // a 15% mean drop with repeats that overlap wildly: not a regression, the interval straddles zero
        RunRecord base = run(1, 1, 0.6, 1.0, 1.4);
        Comparison noisy = RunComparison.compare(base, run(0.85, 1, 0.6, 1.0, 1.4), Tolerances.DEFAULT);
        Comparison.Row row = noisy.rows().stream().filter(r -> r.width() == 4 && r.metric() == Metric.THROUGHPUT).findFirst().orElseThrow();
        assertThat(row.method()).isEqualTo("bootstrap");
        assertThat(row.change()).isCloseTo(-0.15, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(row.lo()).isNegative();
        assertThat(row.hi()).isPositive();
        assertThat(row.mark()).isEqualTo(Comparison.Mark.WITHIN_NOISE);
        // the same drop with tight repeats: regressed
        Comparison tight = RunComparison.compare(run(1, 1, 0.99, 1.0, 1.01), run(0.85, 1, 0.99, 1.0, 1.01), Tolerances.DEFAULT);
        assertThat(mark(tight, 4, Metric.THROUGHPUT)).isEqualTo(Comparison.Mark.REGRESSED);
        // and the answer is reproducible
        assertThat(RunComparison.compare(base, run(0.85, 1, 0.6, 1.0, 1.4), Tolerances.DEFAULT).rows().get(0))
            .usingRecursiveComparison().ignoringFields("baseline", "candidate").isEqualTo(noisy.rows().get(0));
    }

    @Test
    void toleranceOffNeverFlags_andOverridesParse() throws IOException {
        Map<Metric, Double> o = Tolerances.parseOverrides("throughput=off, p99=0.5");
        Tolerances t = Tolerances.DEFAULT.with(o);
        assertThat(t.of(Metric.THROUGHPUT)).isInfinite();
        assertThat(t.of(Metric.P99)).isEqualTo(0.5);
        Comparison c = RunComparison.compare(run(1, 1), run(0.5, 1.3), t);
        assertThat(mark(c, 4, Metric.THROUGHPUT)).isEqualTo(Comparison.Mark.WITHIN_NOISE);
        assertThat(mark(c, 4, Metric.P99)).isEqualTo(Comparison.Mark.WITHIN_NOISE);
        assertThat(mark(c, 4, Metric.P50)).isEqualTo(Comparison.Mark.REGRESSED);
        assertThatThrownBy(() -> Tolerances.parseOverrides("latency=0.1")).hasMessageContaining("METRIC one of throughput, p50");
        assertThatThrownBy(() -> Tolerances.parseOverrides("p99=10%")).hasMessageContaining("written 0.1 not 10%");
    }

    @Test
    void pointsOnOneSideOrInvalidAreNotesNotRegressions() throws IOException {
        RunRecord base = run(1, 1);
        ObjectNode r = base.results().deepCopy();
        ((ObjectNode) r.withArray("points").get(1)).put("valid", false); // w=8 invalid in the candidate
        r.withArray("points").addObject().put("id", "e-w16-r0").put("design", "e").put("width", 16).put("status", "ok")
            .put("valid", true).put("throughput", 1).put("conservation_ok", true);
        Path dir = Files.createTempDirectory(tmp, "cand");
        Files.writeString(dir.resolve("results.json"), JSON.writeValueAsString(r));
        Comparison c = RunComparison.compare(base, RunDirectory.read(dir), Tolerances.DEFAULT);
        assertThat(c.regressed()).isFalse();
        assertThat(c.notes()).contains("e w=8: no completed valid repeat in the candidate; not compared", "e w=16: only in the candidate; not compared");
        // the invalid point is shown as not compared, and the comparison cannot vouch for it: inconclusive, not a pass
        assertThat(c.rows()).filteredOn(x -> x.width() == 8).hasSize(Metric.values().length)
            .allMatch(x -> x.mark() == Comparison.Mark.NOT_COMPARED && Comparison.NO_VALID_REPEAT.equals(x.method()));
        assertThat(c.rows()).noneMatch(x -> x.width() == 16);
        assertThat(c.inconclusive()).isTrue();
    }

    @Test
    void filesAreWrittenAndTheScenarioTolerancesApply() throws IOException {
        RunRecord base = run(1, 1);
        RunRecord cand = run(0.85, 1);
        ObjectNode results = cand.results().deepCopy();
        results.putObject("compare_tolerances").put("throughput", 0.2);
        Files.writeString(cand.dir().resolve("results.json"), JSON.writeValueAsString(results));
        CompareFiles.Output out = CompareFiles.write(base.dir(), cand.dir(), Map.of(), null);
        assertThat(out.comparison().regressed()).as("-15% inside the scenario's 20%").isFalse();
        assertThat(out.html()).content().contains("no regression").contains("throughput");
        assertThat(JSON.readTree(out.json().toFile()).path("tolerances").path("throughput").asDouble()).isEqualTo(0.2);
        CompareFiles.Output strict = CompareFiles.write(base.dir(), cand.dir(), Map.of(Metric.THROUGHPUT, 0.1), null);
        assertThat(strict.comparison().regressed()).isTrue();
        assertThat(strict.html()).content().contains("REGRESSED").contains("class=\"regressed\"");
        assertThat(JSON.readTree(strict.json().toFile()).path("rows").get(0).path("mark").asText()).isEqualTo("regressed");
    }

    @Test
    void openLoadThroughputThatMeasuredTheOfferedRateIsNotCompared() throws IOException {
        RunRecord base = run(1, 1);
        RunRecord cand = run(1.3, 1);
        for (RunRecord r : List.of(base, cand)) {
            ObjectNode res = r.results().deepCopy();
            for (var p : res.withArray("points")) ((ObjectNode) p).put("intended_rate", p.path("throughput").asDouble() / 1.3 * 1.0); // kept up
            Files.writeString(r.dir().resolve("results.json"), JSON.writeValueAsString(res));
        }
        Comparison c = RunComparison.compare(RunDirectory.read(base.dir()), RunDirectory.read(cand.dir()), Tolerances.DEFAULT);
        Comparison.Row row = c.rows().stream().filter(x -> x.width() == 4 && x.metric() == Metric.THROUGHPUT).findFirst().orElseThrow();
        assertThat(row.mark()).isEqualTo(Comparison.Mark.NOT_COMPARED);
        assertThat(row.method()).isEqualTo("offered-limited");
    }

    @Test
    void aRowWithoutDataIsNotCompared() {
        assertThat(RunComparison.row("e", 1, Metric.P99, List.of(Double.NaN), List.of(3.0), 0.1).mark()).isEqualTo(Comparison.Mark.NOT_COMPARED);
    }
}
