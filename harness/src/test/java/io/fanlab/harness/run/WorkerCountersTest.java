package io.fanlab.harness.run;

import static org.assertj.core.api.Assertions.*;

import io.fanlab.harness.design.RunningDesign;
import io.fanlab.reports.run.PointResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-worker counters over the window and per interval: deltas of the design's running counters. */
class WorkerCountersTest {
    static final long S = 1_000_000_000L;

    @Test
    void windowFiguresAreDeltasWithSkewAndTheHottestWorker() {
        var start = List.of(new RunningDesign.StageWorkers("apply", List.of(10L, 10L, 10L, 10L), List.of(S, S, S, S)));
        var end = List.of(new RunningDesign.StageWorkers("apply", List.of(410L, 60L, 60L, 70L), List.of(3 * S, S + S / 4, S + S / 4, S + S / 2)));
        PointResult.Workers w = PointRunner.workers(start, end, 2 * S).get(0);
        assertThat(w.items()).containsExactly(400L, 50L, 50L, 60L);
        assertThat(w.busyShare()).containsExactly(1.0, 0.125, 0.125, 0.25);
        assertThat(w.hottest()).isZero();
        assertThat(w.itemSkew()).isEqualTo(2.857); // 400 / (560 / 4)
    }

    @Test
    void aStageWithoutAStartSnapshotCountsFromZeroAndIntervalRowsCarryBusyShares() {
        var end = List.of(new RunningDesign.StageWorkers("a", List.of(5L, 15L), List.of(S / 2, S)));
        assertThat(PointRunner.workers(List.of(), end, S).get(0).hottest()).isEqualTo(1);
        List<Map<String, Object>> rows = Sampler.workerRows(List.of(), end, S);
        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.get("items")).isEqualTo(List.of(5L, 15L));
            assertThat(r.get("busy")).isEqualTo(List.of(0.5, 1.0));
        });
    }
}
