package io.fanlab.reports.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fanlab.reports.run.RunDirectory;
import io.fanlab.reports.run.RunRecord;

/** A change beyond noise where the machine changed is inconclusive; where the machine held still it stays a regression. */
class MachineCheckTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    /**
     * One design, widths 2 and 8, one repeat; throughput scaled by {@code tput}; other processes' CPU share in each
     * point's window {@code otherCpu2}, {@code otherCpu8} (NaN: not recorded); the harness floor {@code floorMs} (NaN: none).
     */
    RunRecord run(double tput, double otherCpu2, double otherCpu8, double floorMs) throws IOException {
        ObjectNode r = JSON.createObjectNode();
        r.put("format_version", 1).put("run_id", "r" + System.nanoTime()).put("scenario", "t").put("finished", true);
        ArrayNode points = r.putArray("points");
        for (int w : new int[] {2, 8}) {
            ObjectNode p = points.addObject();
            p.put("id", "e-w" + w + "-r0").put("design", "e").put("width", w).put("repeat", 0).put("status", "ok")
                .put("valid", true).put("conservation_ok", true).put("leaked_threads", 0)
                .put("throughput", 1000.0 * w * tput).put("offered", 10_000).put("failed", 0).put("timed_out", 0).put("dead_lettered", 0);
            p.putObject("response_ms").put("p50", 2.0).put("p99", 10.0).put("p999", 20.0);
            double oc = w == 2 ? otherCpu2 : otherCpu8;
            if (!Double.isNaN(oc)) p.putObject("validity").put("state", "valid").put("other_cpu_share", oc);
        }
        Path dir = Files.createTempDirectory(tmp, "run");
        Files.writeString(dir.resolve("results.json"), JSON.writeValueAsString(r));
        Files.writeString(dir.resolve("environment.json"), "{\"git_revision\":\"abc\"}");
        Files.writeString(dir.resolve("events.jsonl"), Double.isNaN(floorMs) ? ""
            : "{\"t_s\":0.5,\"type\":\"calibration\",\"point\":null,\"mean_ms\":" + floorMs + ",\"too_high\":false}\n");
        return RunDirectory.read(dir);
    }

    static Comparison.Mark mark(Comparison c, int width, Metric m) {
        return c.rows().stream().filter(r -> r.width() == width && r.metric() == m).findFirst().orElseThrow().mark();
    }

    @Test
    void aSlowdownOnAMachineThatHeldStillIsARegression() throws IOException {
        Comparison c = RunComparison.compare(run(1, 0.30, 0.30, 0.08), run(0.85, 0.35, 0.25, 0.09), Tolerances.DEFAULT);
        assertThat(c.regressed()).isTrue();
        assertThat(c.inconclusive()).isFalse();
        assertThat(mark(c, 2, Metric.THROUGHPUT)).isEqualTo(Comparison.Mark.REGRESSED);
    }

    @Test
    void aChangeWhereOtherProcessesTookMoreOfTheMachineIsInconclusive() throws IOException {
        // width 2: others went from 30% to 60% of the CPU; width 8: unchanged, and its throughput did not move either
        Comparison c = RunComparison.compare(run(1, 0.30, 0.30, 0.08), run(0.85, 0.60, 0.32, 0.09), Tolerances.DEFAULT);
        assertThat(mark(c, 2, Metric.THROUGHPUT)).isEqualTo(Comparison.Mark.INCONCLUSIVE);
        assertThat(mark(c, 8, Metric.THROUGHPUT)).as("15% at width 8 where the machine held still").isEqualTo(Comparison.Mark.REGRESSED);
        assertThat(c.regressed()).isTrue();
        assertThat(c.notes()).anyMatch(n -> n.startsWith("e w=2: machine changed (other processes used 30%") && n.contains("throughput regressed"));
        // the same with width 8 moving too: nothing is a regression, the comparison is inconclusive, never a pass
        Comparison both = RunComparison.compare(run(1, 0.30, 0.30, 0.08), run(0.85, 0.60, 0.55, 0.09), Tolerances.DEFAULT);
        assertThat(both.regressed()).isFalse();
        assertThat(both.inconclusive()).isTrue();
        assertThat(both.summary()).contains("2 inconclusive (machine changed)");
        assertThat(both.toJson(JSON).path("inconclusive").asBoolean()).isTrue();
    }

    @Test
    void aFloorThatMovedByMoreThanItsRatioMakesTheWholeRunInconclusive() throws IOException {
        Comparison c = RunComparison.compare(run(1, Double.NaN, Double.NaN, 0.08), run(0.85, Double.NaN, Double.NaN, 5.0), Tolerances.DEFAULT);
        assertThat(c.regressed()).isFalse();
        assertThat(c.inconclusive()).isTrue();
        assertThat(c.notes()).anyMatch(n -> n.startsWith("machine changed: the harness floor (null work) moved from 0.080 ms to 5.000 ms"));
        // a floor that doubled but stayed under a millisecond is the floor's own noise
        Comparison small = RunComparison.compare(run(1, Double.NaN, Double.NaN, 0.08), run(0.85, Double.NaN, Double.NaN, 0.5), Tolerances.DEFAULT);
        assertThat(small.regressed()).isTrue();
    }

    @Test
    void withoutWitnessesNothingIsInconclusiveAndFiguresThatAgreeAgreeWhateverTheMachine() throws IOException {
        Comparison none = RunComparison.compare(run(1, Double.NaN, Double.NaN, Double.NaN), run(0.85, Double.NaN, Double.NaN, Double.NaN), Tolerances.DEFAULT);
        assertThat(none.regressed()).isTrue();
        Comparison same = RunComparison.compare(run(1, 0.1, 0.1, 0.08), run(1.02, 0.9, 0.9, 30), Tolerances.DEFAULT);
        assertThat(same.regressed()).isFalse();
        assertThat(same.inconclusive()).isFalse();
        assertThat(same.count(Comparison.Mark.INCONCLUSIVE)).isZero();
    }
}
