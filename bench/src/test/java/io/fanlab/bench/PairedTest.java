package io.fanlab.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PairedTest {
    @Test
    void medianIntervalRanksAreTheBinomialOrderStatistics() {
        assertThat(Paired.medianInterval(5)).isNull(); // P(B <= 0) = 1/32 > 2.5%: no 95% interval exists
        assertThat(Paired.medianInterval(6)).containsExactly(0, 5); // 1/64 <= 2.5%
        // n = 15: P(B <= 3) = 576/32768 = 1.8%, P(B <= 4) = 1941/32768 = 5.9% -> x(4)..x(12), 1-based
        assertThat(Paired.medianInterval(15)).containsExactly(3, 11);
        // n = 20: P(B <= 5) = 2.1%, P(B <= 6) = 5.8% -> x(6)..x(15)
        assertThat(Paired.medianInterval(20)).containsExactly(5, 14);
    }

    @Test
    void ratiosPairWindowsOfTheSameRoundOnly() {
        // the machine switches regime every round (x1 / x3); a/b is 2 in every round, while the unpaired medians
        // (2.0 and 3.0 for a over the rounds, 1.0 and 1.5 for b) would mix regimes
        List<Paired.Window> ws = new ArrayList<>();
        for (int r = 0; r < 8; r++) {
            double regime = r % 2 == 0 ? 1 : 3;
            ws.add(new Paired.Window(r, "a", 2 * regime, 1));
            ws.add(new Paired.Window(r, "b", regime, 1));
        }
        ws.add(new Paired.Window(8, "a", 100, 1)); // b missed round 8 (killed run): not paired
        Paired.Ratio r = Paired.ratio(ws, "a", "b");
        assertThat(r.rounds()).isEqualTo(8);
        assertThat(r.median()).isCloseTo(2.0, within(1e-9));
        assertThat(r.low()).isCloseTo(2.0, within(1e-9));
        assertThat(r.high()).isCloseTo(2.0, within(1e-9));
        Paired.Ratio few = Paired.ratio(ws.subList(0, 6), "a", "b");
        assertThat(few.rounds()).isEqualTo(3);
        assertThat(few.low()).isNaN(); // too few rounds for an interval: said, not invented
        assertThat(Paired.ratio(ws, "a", "nobody").median()).isNaN();
    }

    @Test
    void configRejectsWhatCannotBeCompared() {
        assertThatThrownBy(() -> new Paired.Config(List.of("tpe"), 1, 0, 3, 0, Duration.ofMillis(50), 100))
                .hasMessageContaining("at least 2");
        assertThatThrownBy(() -> new Paired.Config(List.of("tpe", "tpe"), 1, 0, 3, 0, Duration.ofMillis(50), 100))
                .hasMessageContaining("each once");
        assertThatThrownBy(() -> new Paired.Config(List.of("tpe", "abq-pool"), 0, 0, 3, 0, Duration.ofMillis(50), 100))
                .hasMessageContaining("width");
    }

    @Test
    void aShortRunMeasuresEveryDesignEveryRoundAndWritesItAll(@TempDir Path dir) throws Exception {
        Paired.Config c = new Paired.Config(List.of("engine-batched64-platform-submitall", "tpe"), 2, 0, 2, 1,
                Duration.ofMillis(60), 2_000);
        List<Paired.Window> seen = new ArrayList<>();
        List<Paired.Window> ws = Paired.run(c, seen::add);
        assertThat(ws).hasSize(4).isEqualTo(seen);
        for (int round = 0; round < 2; round++) {
            int rr = round;
            assertThat(ws).filteredOn(w -> w.round() == rr).extracting(Paired.Window::design)
                    .containsExactlyInAnyOrder("engine-batched64-platform-submitall", "tpe");
        }
        assertThat(ws).allSatisfy(w -> {
            assertThat(w.ops()).isPositive();
            assertThat(w.itemsPerSecond()).isPositive();
        });
        assertThat(Paired.render(c, ws)).contains("engine-batched64-platform-submitall / tpe").contains("(too few rounds)");
        Path out = dir.resolve("p.json");
        Paired.write(out, c, ws);
        JsonNode doc = new ObjectMapper().readTree(out.toFile());
        assertThat(doc.path("windows")).hasSize(4);
        assertThat(doc.path("ratios").get(0).path("rounds").asInt()).isEqualTo(2);
    }

    @Test
    void aRunStoppedHalfWayLeavesItsFinishedWindowsReadable(@TempDir Path dir) throws Exception {
        Paired.Config c = new Paired.Config(List.of("tpe", "abq-pool"), 1, 0, 3, 0, Duration.ofMillis(30), 500);
        Path out = dir.resolve("partial.json");
        int[] seen = {0};
        assertThatThrownBy(() -> Paired.runRecording(c, out, w -> {
            if (++seen[0] == 4) throw new IllegalStateException("killed"); // the 4th window never ends
        })).hasMessageContaining("killed");
        JsonNode doc = new ObjectMapper().readTree(out.toFile());
        assertThat(doc.path("windows")).hasSize(3);
        assertThat(doc.path("config").path("designs")).hasSize(2);
        assertThat(doc.path("ratios").get(0).path("rounds").asInt()).isEqualTo(1); // round 0 complete, round 1 half
        try (var files = java.nio.file.Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("partial.json"); // no temp left
        }
    }

    @Test
    void verdictsAreNoiseAwareAndTargetsFollowTheIssue() {
        assertThat(Paired.verdict(new Paired.Ratio("a", "b", 5.4, 5.1, 6.7, 15), 5)).isEqualTo("met");
        assertThat(Paired.verdict(new Paired.Ratio("a", "b", 5.4, 4.8, 6.7, 15), 5)).isEqualTo("borderline");
        assertThat(Paired.verdict(new Paired.Ratio("a", "b", 0.3, 0.2, 0.69, 15), 0.7)).isEqualTo("missed");
        assertThat(Paired.verdict(new Paired.Ratio("a", "b", 0.9, Double.NaN, Double.NaN, 3), 0.8)).startsWith("met by the median");
        Paired.Config w0 = new Paired.Config(List.of("engine-x", "tpe"), 1, 0, 3, 0, Duration.ofMillis(50), 100);
        Paired.Config w1 = new Paired.Config(List.of("engine-x", "tpe"), 1, 450, 3, 0, Duration.ofMillis(50), 100);
        assertThat(Paired.target(w0, "engine-x", "tpe", "disruptor-sleeping")).isEqualTo(5.0);
        assertThat(Paired.target(w0, "engine-x", "disruptor-sleeping", "disruptor-sleeping")).isEqualTo(0.7);
        assertThat(Paired.target(w0, "engine-x", "abq-pool", "disruptor-sleeping")).isNaN(); // not the fastest peer
        assertThat(Paired.target(w1, "engine-x", "tpe", "reactor-parallel")).isNaN(); // the speed targets are at work ~0
        assertThat(Paired.target(w1, "engine-x-ordered", "engine-x", null)).isEqualTo(0.8); // ordered at any work
        assertThat(Paired.target(w0, "tpe", "engine-x", null)).isNaN();
    }
}
