package io.fanlab.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class ReportGeneratorTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void completeSweep_keepsHarnessFields_addsAnalysis_andSummarises() throws IOException {
        Path run = Fixtures.copy("complete-sweep", tmp);
        JsonNode before = JSON.readTree(run.resolve("results.json").toFile());
        ReportOutput out = ReportGenerator.generate(run);

        JsonNode after = JSON.readTree(run.resolve("results.json").toFile());
        for (String f : new String[] {"format_version", "run_id", "scenario", "description", "started_at", "finished", "load", "slo_specs", "points"}) {
            assertThat(after.get(f)).as("harness field %s preserved", f).isEqualTo(before.get(f));
        }
        assertThat(after.path("analysis").path("rule").asText()).contains("smallest width").contains("95%");
        assertThat(out.reportHtml()).isEqualTo(run.resolve("report.html")).exists();
        assertThat(out.junitXml()).exists();
        // open load at 5000/s: wide widths keep up with the offered rate, so they measure the load, not the design
        assertThat(out.warnings()).hasSize(2).allMatch(w -> w.contains("is limited by the offered rate (open load)"));
        assertThat(out.warnings().get(0)).startsWith("engine: throughput at w=8, 16, 32 is limited");
        assertThat(out.recommendations()).extracting(r -> r.design() + "=" + r.width())
            .containsExactly("engine=8", "executor=null");
        assertThat(out.summary().get(0)).startsWith("engine: width 8 (repeats 8..8), 5038/s at p99 14.8 ms; USL N_peak");
        assertThat(out.summary().get(1)).startsWith("executor: no recommended width (no width near the plateau meets the latency SLO)");
    }

    @Test
    void generateTwice_isIdempotent_andLeavesNoTempFiles() throws IOException {
        Path run = Fixtures.copy("failed-slos", tmp);
        ReportGenerator.generate(run);
        String results1 = Files.readString(run.resolve("results.json"));
        String junit1 = Files.readString(run.resolve("junit.xml"));
        String html1 = Files.readString(run.resolve("report.html"));
        ReportGenerator.generate(run);
        assertThat(Files.readString(run.resolve("results.json"))).isEqualTo(results1);
        assertThat(Files.readString(run.resolve("junit.xml"))).isEqualTo(junit1);
        assertThat(Files.readString(run.resolve("report.html"))).isEqualTo(html1);
        try (Stream<Path> files = Files.list(run)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void runKilledBeforeResultsJson_isRebuiltFromPointFiles() throws IOException {
        Path run = Fixtures.copy("partial-run", tmp);
        Files.delete(run.resolve("results.json"));
        ReportOutput out = ReportGenerator.generate(run);
        JsonNode after = JSON.readTree(run.resolve("results.json").toFile());
        assertThat(after.path("finished").asBoolean(true)).isFalse();
        // engine-w4-r0 had no directory: only w1 and w2 remain
        assertThat(after.path("points")).extracting(p -> p.path("id").asText()).containsExactly("engine-w1-r0", "engine-w2-r0");
        assertThat(out.warnings()).contains("results.json missing: rebuilt from point files (run probably killed)",
            "point engine-w8-r0: started at 40.0 s but has no record (killed or crashed)",
            "point engine-w4-r0: started at 21.5 s but has no record (killed or crashed)");
        assertThat(out.warnings().get(0)).startsWith("run not finished (finished: false): the sweep is incomplete");
    }

    @Test
    void htmlIsSelfContained_andEscapesRunDirectoryStrings() throws IOException {
        Path run = Fixtures.copy("failed-slos", tmp);
        String html = Files.readString(ReportGenerator.generate(run).reportHtml());
        assertThat(html).contains("var uPlot=function()") // inlined from the WebJar
            .doesNotContain("<script src=", "<link rel=\"stylesheet\" href=")
            .doesNotContain("<img src=x onerror=alert(1)>")
            .contains("&lt;img src=x onerror=alert(1)&gt;")
            .doesNotContain("<script>alert('x')</script>")
            .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
            .contains("scripts/fanlab run scenarios/tight-slo.yaml");
        int i = html.indexOf("<h2 id=\"verdict\"");
        assertThat(html.indexOf("id=\"warnings\"")).as("warnings come first").isBetween(0, i);
        assertThat(html.indexOf("id=\"answer\"")).isGreaterThan(i);
        assertThat(html.indexOf("id=\"sweep\"")).isGreaterThan(html.indexOf("id=\"answer\""));
        assertThat(html.indexOf("id=\"timeseries\"")).isGreaterThan(html.indexOf("id=\"sweep\""));
        assertThat(html.indexOf("id=\"stages\"")).isGreaterThan(html.indexOf("id=\"timeseries\""));
        assertThat(html.indexOf("id=\"correctness\"")).isGreaterThan(html.indexOf("id=\"stages\""));
        assertThat(html.indexOf("What these numbers do not say")).isGreaterThan(html.indexOf("id=\"correctness\""));
    }

    @Test
    void missingRunDirectory_failsWithThePath() {
        Path missing = tmp.resolve("nope");
        assertThatThrownBy(() -> ReportGenerator.generate(missing)).isInstanceOf(NoSuchFileException.class)
            .hasMessageContaining(missing.toString());
    }

    @Test
    void malformedResultsJson_failsNamingTheFile() throws IOException {
        Path run = Fixtures.copy("partial-run", tmp);
        Files.writeString(run.resolve("results.json"), "{\"points\": [");
        assertThatThrownBy(() -> ReportGenerator.generate(run)).isInstanceOf(IOException.class)
            .hasMessageContaining(run.resolve("results.json").toString());
    }
}
