package io.fanlab.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Golden files for the machine-readable outputs: {@code junit.xml} and the {@code analysis} and {@code verdict} objects of results.json,
 * for each fixture run directory ({@code captured-sweep} is real harness output, see RESULTS.md). Volatile fields: none are time- or path-dependent today; the analysis is compared
 * after re-serialising with sorted keys so field order in the writer does not matter.
 * Regenerate with {@code -Dfanlab.updateGolden=true} and review the diff.
 */
class ReportGeneratorGoldenTest {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"complete-sweep", "partial-run", "failed-slos", "captured-sweep"})
    void junitAndAnalysisMatchGolden(String fixture) throws IOException {
        Path run = Fixtures.copy(fixture, tmp);
        ReportGenerator.generate(run);
        String junit = Files.readString(run.resolve("junit.xml"));
        JsonNode analysis = JSON.readTree(run.resolve("results.json").toFile()).get("analysis");
        String analysisText = JSON.writeValueAsString(JSON.treeToValue(analysis, Object.class)) + "\n";
        check(fixture + ".junit.xml", junit);
        check(fixture + ".analysis.json", analysisText);
        JsonNode verdict = JSON.readTree(run.resolve("results.json").toFile()).get("verdict");
        check(fixture + ".verdict.json", JSON.writeValueAsString(JSON.treeToValue(verdict, Object.class)) + "\n");
    }

    private static void check(String name, String actual) throws IOException {
        Path golden = Paths.get("src/test/resources/golden").resolve(name);
        if (Boolean.getBoolean("fanlab.updateGolden")) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
        }
        assertThat(golden).as("golden file %s (regenerate with -Dfanlab.updateGolden=true)", golden).exists();
        assertThat(actual).as("output vs golden %s", name).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }

}
