package io.fanlab.reports.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/** The results.json header and environment.json as typed records: what the writer writes is what the reader reads. */
class RunHeaderTest {
    @TempDir Path tmp;

    @Test
    void aWrittenHeaderReadsBackAndLeavesOutTheOptionalFieldsItDoesNotHave() throws IOException {
        RunHeader h = RunHeader.start("r1", "s", "d", "2026-12-07T00:00:00Z", 1234L, new RunHeader.Load("open", 5000.0, 4, null), List.of("nothing lost"));
        Path f = tmp.resolve("results.json");
        RunJson.writeResults(f, h, List.of());
        JsonNode n = RunJson.MAPPER.readTree(f.toFile());
        assertThat(n.fieldNames()).toIterable().containsExactly("format_version", "run_id", "scenario", "description", "started_at",
            "run_start_epoch_ms", "load", "slo_specs", "finished", "points");
        assertThat(n.path("load").fieldNames()).toIterable().containsExactly("model", "offered_rate", "fanout"); // users: closed load only
        assertThat(RunJson.readHeader(n, "results.json")).isEqualTo(h);

        Map<String, Double> tol = new LinkedHashMap<>();
        tol.put("throughput", 0.1);
        tol.put("p999", null); // off
        RunHeader full = h.withGate(new RunHeader.GateSpec("widths", List.of(8, 16))).withCompareTolerances(tol).withStoppedEarly("w2: p99").withFinished(true);
        RunJson.writeResults(f, full, List.of());
        n = RunJson.MAPPER.readTree(f.toFile());
        assertThat(n.path("compare_tolerances").has("p999")).isTrue();
        assertThat(n.path("compare_tolerances").get("p999").isNull()).isTrue();
        RunHeader back = RunJson.readHeader(n, "results.json");
        assertThat(back).isEqualTo(full);
        assertThat(back.isFinished()).isTrue();
    }

    @Test
    void anOldHeaderReadsWithNullsAndAWrongTypeNamesTheFile() throws IOException {
        RunHeader h = RunJson.readHeader(RunJson.MAPPER.readTree("{\"run_id\":\"x\",\"newer_field\":1}"), "old/results.json");
        assertThat(h.runId()).isEqualTo("x");
        assertThat(h.finished()).isNull();
        assertThat(h.isFinished()).isFalse();
        assertThat(h.sloSpecs()).isEmpty();
        assertThatThrownBy(() -> RunJson.readHeader(RunJson.MAPPER.readTree("{\"load\":[1]}"), "bad/results.json"))
            .isInstanceOf(IOException.class).hasMessageContaining("bad/results.json").hasMessageContaining("not a results.json header");
    }

    @Test
    void anEnvironmentRoundTripsAndDesignsClasspathIsLeftOutWhenNotRecorded() throws IOException {
        RunEnvironment e = new RunEnvironment(1, "0.1.0", new RunEnvironment.Jdk("25", "v", "vm", "/jdk"), List.of("-Xmx1g"), 2, 1024L,
            "Linux", 0.5, "abc", "host", "scripts/fanlab run x", "2026-12-07T00:00:00Z", null, null);
        Path f = tmp.resolve("environment.json");
        RunJson.writeAtomically(f, e);
        assertThat(RunJson.MAPPER.readTree(f.toFile()).has("designs_classpath")).isFalse();
        assertThat(RunJson.readEnvironment(f)).isEqualTo(e);
        RunEnvironment withCp = e.withDesignsClasspath(List.of("/a.jar"));
        RunJson.writeAtomically(f, withCp);
        assertThat(RunJson.readEnvironment(f)).isEqualTo(withCp);
        assertThat(RunJson.MAPPER.readTree(f.toFile()).has("point_jvm_flags")).isFalse();
        RunEnvironment withFlags = withCp.withPointJvmFlags(List.of("-XX:+UseZGC"));
        RunJson.writeAtomically(f, withFlags);
        assertThat(RunJson.MAPPER.readTree(f.toFile()).path("point_jvm_flags").get(0).asText()).isEqualTo("-XX:+UseZGC");
        assertThat(RunJson.readEnvironment(f)).isEqualTo(withFlags);
    }
}
