package io.fanlab.reports.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.fanlab.reports.Fixtures;

/**
 * Every point record of every fixture reads through {@link RunJson#readPoint}, and carries no field the typed record
 * does not have: a fixture written with a name the harness never writes ({@code L} for {@code l}) fails here, in
 * the reports module's own build, not only in the harness's run-backed drift check.
 */
class FixtureFieldsTest {

    @ParameterizedTest
    @ValueSource(strings = {"complete-sweep", "partial-run", "failed-slos", "captured-sweep"})
    void everyFixtureFieldIsAFieldOfTheTypedRecord(String fixture) throws IOException {
        Path dir = Fixtures.source(fixture);
        List<JsonNode> records = new ArrayList<>();
        Path results = dir.resolve("results.json");
        if (Files.exists(results)) RunJson.MAPPER.readTree(results.toFile()).path("points").forEach(records::add);
        try (Stream<Path> files = Files.walk(dir.resolve("points"))) {
            for (Path f : files.filter(p -> p.getFileName().toString().equals("point.json")).toList()) {
                records.add(RunJson.MAPPER.readTree(f.toFile()));
            }
        }
        assertThat(records).isNotEmpty();
        List<String> unknown = new ArrayList<>();
        for (JsonNode r : records) {
            JsonNode typed = RunJson.MAPPER.valueToTree(RunJson.readPoint(r, fixture));
            unknownKeys(r, typed, r.path("id").asText(), unknown);
        }
        assertThat(unknown).as("fixture fields the typed point record does not have").isEmpty();
    }

    /**
     * The same for the run-level records: every key of a fixture's results.json (but the points and the report's
     * {@code analysis} and {@code verdict}, {@link RunJson#REPORT_KEYS}) is a field of {@link RunHeader}, and every key
     * of its environment.json a field of {@link RunEnvironment}; and each reads back to the value the fixture holds.
     */
    @ParameterizedTest
    @ValueSource(strings = {"complete-sweep", "partial-run", "failed-slos", "captured-sweep"})
    void everyFixtureHeaderAndEnvironmentFieldIsAFieldOfTheTypedRecords(String fixture) throws IOException {
        Path dir = Fixtures.source(fixture);
        List<String> unknown = new ArrayList<>();
        com.fasterxml.jackson.databind.node.ObjectNode results = (com.fasterxml.jackson.databind.node.ObjectNode) RunJson.MAPPER.readTree(dir.resolve("results.json").toFile());
        results.remove(RunJson.REPORT_KEYS);
        assertThat(results.size()).isPositive();
        JsonNode header = RunJson.MAPPER.valueToTree(RunJson.readHeader(results, fixture));
        unknownKeys(results, header, "results.json", unknown);
        JsonNode env = RunJson.MAPPER.readTree(dir.resolve("environment.json").toFile());
        assertThat(env.size()).isPositive();
        JsonNode typedEnv = RunJson.MAPPER.valueToTree(RunJson.readEnvironment(env, fixture));
        unknownKeys(env, typedEnv, "environment.json", unknown);
        assertThat(unknown).as("fixture fields the typed header or environment record does not have").isEmpty();
        List<String> changed = new ArrayList<>();
        valueDiffs(results, header, "results.json", changed);
        valueDiffs(env, typedEnv, "environment.json", changed);
        assertThat(changed).as("fixture values the typed records read differently").isEmpty();
    }

    /** Paths of the fixture's leaf values that {@code typed} holds differently ({@code 5000} and {@code 5000.0} are equal). */
    static void valueDiffs(JsonNode fixture, JsonNode typed, String path, List<String> out) {
        if (typed == null) return; // reported by unknownKeys
        if (fixture.isObject()) {
            fixture.fieldNames().forEachRemaining(f -> valueDiffs(fixture.get(f), typed.get(f), path + "." + f, out));
        } else if (fixture.isArray()) {
            if (fixture.size() != typed.size()) out.add(path + ": " + fixture + " read as " + typed);
            else for (int i = 0; i < fixture.size(); i++) valueDiffs(fixture.get(i), typed.get(i), path + "[" + i + "]", out);
        } else if (fixture.isNumber() ? !(typed.isNumber() && fixture.asDouble() == typed.asDouble()) : !fixture.equals(typed)) {
            out.add(path + ": " + fixture + " read as " + typed);
        }
    }

    /** Paths of fields of {@code fixture} absent from {@code typed}, recursing into objects and array elements. */
    static void unknownKeys(JsonNode fixture, JsonNode typed, String path, List<String> out) {
        if (fixture.isObject()) {
            fixture.fieldNames().forEachRemaining(f -> {
                if (!typed.has(f)) out.add(path + "." + f);
                else unknownKeys(fixture.get(f), typed.get(f), path + "." + f, out);
            });
        } else if (fixture.isArray() && typed.isArray()) {
            for (int i = 0; i < Math.min(fixture.size(), typed.size()); i++) unknownKeys(fixture.get(i), typed.get(i), path + "[" + i + "]", out);
        }
    }
}
