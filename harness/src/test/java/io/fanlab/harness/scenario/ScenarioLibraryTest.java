package io.fanlab.harness.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every shipped scenario loads, opens with the schema line, and reads back equal after writing. */
class ScenarioLibraryTest {
    static Stream<Path> library() throws IOException {
        return ScenarioFiles.yamlIn(ScenarioFiles.dir()).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("library")
    void loadsAndRoundTrips(Path file) throws Exception {
        Scenario s = ScenarioLoader.load(file, ScenarioFiles.DESIGNS);
        assertThat(Files.readAllLines(file).get(0)).isEqualTo("# yaml-language-server: $schema=./scenario.schema.json");
        assertThat(s.name()).isEqualTo(file.getFileName().toString().replace(".yaml", ""));
        assertThat(ScenarioLoader.parse(ScenarioWriter.toYaml(s), file, ScenarioFiles.DESIGNS)).isEqualTo(s);
    }
}
