package io.fanlab.reports.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fanlab.reports.Fixtures;
import io.fanlab.reports.run.RunDirectory;
import io.fanlab.reports.run.RunRecord;

class SweepAnalysisTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** Sets {@code field} of point {@code id} in results.json (the reader prefers results.json over point.json). */
    static void setPoint(Path run, String id, String field, double value) throws IOException {
        ObjectNode results = (ObjectNode) JSON.readTree(run.resolve("results.json").toFile());
        for (JsonNode p : results.path("points")) {
            if (id.equals(p.path("id").asText())) ((ObjectNode) p).put(field, value);
        }
        JSON.writeValue(run.resolve("results.json").toFile(), results);
    }

    @Test
    void repeatsThatDisagree_widenTheInterval_andAreFlagged() throws IOException {
        Path run = Fixtures.copy("complete-sweep", tmp);
        // repeat 1 at w=8 collapses: repeat 1 alone now recommends 16, repeat 0 still 8
        setPoint(run, "engine-w8-r1", "throughput", 3000);
        Analysis a = SweepAnalysis.analyse(RunDirectory.read(run));
        Analysis.Recommendation engine = a.recommendations().get(0);
        assertThat(engine.design()).isEqualTo("engine");
        assertThat(engine.intervalLo()).isEqualTo(8);
        assertThat(engine.intervalHi()).isEqualTo(16);
        // mean at w=8 is now (5099.22 + 3000) / 2 = 4049.6, below 95% of the plateau: the pooled answer moves to 16
        assertThat(engine.width()).isEqualTo(16);
        assertThat(a.warnings()).anyMatch(w -> w.matches("engine w=8: repeats disagree: throughput CV \\d+\\.\\d% > 10% over 2 repeats"));
    }

    @Test
    void invalidPoint_isExcludedFromRuleAndFit_andWarned() throws IOException {
        Path run = Fixtures.copy("complete-sweep", tmp);
        ObjectNode results = (ObjectNode) JSON.readTree(run.resolve("results.json").toFile());
        for (JsonNode p : results.path("points")) {
            if (p.path("id").asText().startsWith("engine-w8-")) {
                ((ObjectNode) p).put("valid", false);
                ((ObjectNode) p.path("generator")).put("fell_behind", true);
            }
        }
        JSON.writeValue(run.resolve("results.json").toFile(), results);
        RunRecord rec = RunDirectory.read(run);
        Analysis a = SweepAnalysis.analyse(rec);
        assertThat(a.recommendations().get(0).width()).isEqualTo(16);
        assertThat(a.warnings()).anyMatch(w -> w.startsWith("point engine-w8-r0: load generator fell behind"));
        assertThat(a.usl().get(0).result()).isNotNull(); // 5 widths remain
    }

    @Test
    void bottleneckIsTheMostUtilisedStage() throws IOException {
        Path run = Fixtures.copy("complete-sweep", tmp);
        Analysis a = SweepAnalysis.analyse(RunDirectory.read(run));
        assertThat(a.bottleneck()).hasSize(24).allMatch(b -> b.stage().equals("work"));
        assertThat(a.little()).hasSize(24).allMatch(l -> l.relError() >= 0 && l.relError() < 0.1);
    }
}
