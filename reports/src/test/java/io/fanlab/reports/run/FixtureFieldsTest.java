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
