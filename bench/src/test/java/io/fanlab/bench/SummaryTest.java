package io.fanlab.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SummaryTest {
    private static String cpu(String design, int width, int tokens, double score, double error) {
        return """
                {"benchmark":"io.fanlab.bench.CpuFanOutBenchmark.fanOut","mode":"thrpt",
                 "params":{"design":"%s","width":"%d","tokens":"%d"},
                 "primaryMetric":{"score":%s,"scoreError":%s,"scoreUnit":"ops/s"}}""".formatted(design, width, tokens, score, error);
    }

    private static String io(String design, int width, double score) {
        return """
                {"benchmark":"io.fanlab.bench.IoFanOutBenchmark.fanOut","mode":"thrpt",
                 "params":{"design":"%s","width":"%d"},
                 "primaryMetric":{"score":%s,"scoreError":"NaN","scoreUnit":"ops/s"}}""".formatted(design, width, score);
    }

    @Test
    void tablesAndTargetRatiosComeFromTheResultFile(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        Files.writeString(json, "[" + String.join(",",
                cpu("engine-batched64-platform", 2, 0, 60e6, 2e6),
                cpu("engine-batched64-platform-ordered", 2, 0, 45e6, 1e6),
                cpu("engine-shared-platform", 2, 0, 2e6, 0.1e6),
                cpu("engine-sharded-platform", 2, 0, 3e6, 0.1e6),
                cpu("tpe", 2, 0, 10e6, 1e6),
                cpu("tpe", 8, 0, 11e6, 1e6),
                cpu("jctools-pool", 2, 0, 80e6, 5e6),
                io("engine-shared-virtual", 1024, 900_000),
                io("vt-semaphore", 1024, 500_000)) + "]");
        List<Summary.Result> results = Summary.read(json);
        assertThat(results).hasSize(9);
        assertThat(results.getFirst().params()).isEqualTo(Map.of("design", "engine-batched64-platform", "width", "2", "tokens", "0"));

        String md = Summary.render(results);
        assertThat(md).contains("| design | N=2 | N=8 |")
                .contains("| engine-batched64-platform | 60.0 ± 2.00 | - |")
                .contains("| tpe | 10.0 ± 1.00 | 11.0 ± 1.00 |")
                .contains("| jctools-pool | 80.0 ± 5.00 | 2 | 7.27 |\n| engine-batched64-platform | 60.0 ± 2.00 | 2 | 5.45 |")
                .contains("- work 0: engine best / ThreadPoolExecutor best: 5.45 (engine-batched64-platform N=2 60.0M/s vs tpe N=8 11.0M/s), target >= 5.00: met")
                .contains("- work 0: engine best / fastest peer: 0.750 (engine-batched64-platform N=2 60.0M/s vs jctools-pool N=2 80.0M/s), target >= 0.700: met")
                .contains("- work 0: ordered best / unordered best: 0.750 (engine-batched64-platform-ordered N=2 45.0M/s vs engine-batched64-platform N=2 60.0M/s), target >= 0.800: missed")
                .contains("- work 0: sharded / shared queue, same threads, order and width, over 1 pairs: min 1.50, median 1.50, max 1.50")
                .contains("| engine-shared-virtual | 900000 ± n/a (0.879) |")
                .contains("- I/O, N=1024: engine on virtual threads (engine-shared-virtual) / ideal = 0.879 (target >= 0.850: met)")
                .contains("- counters: padded / unpadded: not measured");
    }

    private static String ioItems(String design, int width, String op, String work, double items, double error) {
        return """
                {"benchmark":"io.fanlab.bench.IoFanOutBenchmark.fanOut","mode":"thrpt",
                 "params":{"design":"%s","op":"%s","width":"%d","work":"%s"},
                 "primaryMetric":{"score":12.5,"scoreError":1.0,"scoreUnit":"ops/s"},
                 "secondaryMetrics":{"items":{"score":%s,"scoreError":%s,"scoreUnit":"ops/s"}}}"""
                .formatted(design, op, width, work, items, error);
    }

    @Test
    void ioResultsAreScoredByTheirItemsCounterAndOnlyTheDefaultShapeCountsForTheTarget(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("io.json");
        Files.writeString(json, "[" + String.join(",",
                ioItems("vt-loop", 1024, "steady", "park", 700_000, 50_000),
                ioItems("vt-loop", 1024, "4096", "park", 560_000, 40_000),
                ioItems("vt-loop", 1024, "steady", "sleep", 710_000, 60_000),
                ioItems("engine-shared-virtual", 1024, "steady", "park", 350_000, 30_000),
                ioItems("engine-shared-virtual", 1024, "4096", "park", 900_000, 30_000)) + "]");
        List<Summary.Result> results = Summary.read(json);
        assertThat(results).extracting(Summary.Result::score).containsExactly(700_000.0, 560_000.0, 710_000.0, 350_000.0, 900_000.0);
        assertThat(results.getFirst().error()).isEqualTo(50_000.0);

        String md = Summary.render(results);
        assertThat(md).contains("| vt-loop | 700000 ± 50000 (0.684) |")
                .contains("| vt-loop (op 4096) | 560000 ± 40000 (0.547) |")
                .contains("| vt-loop (work sleep) | 710000 ± 60000 (0.693) |")
                .contains("- I/O, N=1024: engine on virtual threads (engine-shared-virtual) / ideal = 0.342 (target >= 0.850: missed)")
                .contains("- I/O, N=1024: the machine's ceiling (vt-loop, no hand-off) / ideal = 0.684")
                .contains("- I/O, N=1024: engine on virtual threads / ceiling (vt-loop): 0.500");
    }

    @Test
    void mergeConcatenatesParts(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("a.json"), "[" + cpu("tpe", 2, 0, 1e6, 0) + "]");
        Path b = Files.writeString(dir.resolve("b.json"), "[" + io("vt-semaphore", 16, 1e4) + "]");
        Path out = dir.resolve("out.json");
        Summary.merge(out, List.of(a, dir.resolve("missing.json"), b));
        assertThat(Summary.read(out)).extracting(Summary.Result::benchmark)
                .containsExactly("CpuFanOutBenchmark.fanOut", "IoFanOutBenchmark.fanOut");
    }
}
