package io.fanlab.harness.scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Locates the repository's {@code scenarios/} folder from the module's working directory. */
final class ScenarioFiles {
    private ScenarioFiles() {}

    /** The design names shipped with fanlab (the CLI passes the real set). */
    static final Set<String> DESIGNS = Set.of("engine", "engine-sharded", "engine-stealing", "engine-batched", "engine-no-hedge", "tpe", "vt-per-item");

    static Path dir() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            Path s = p.resolve("scenarios");
            if (Files.isRegularFile(s.resolve("scenario.schema.json"))) return s;
            p = p.getParent();
        }
        throw new IllegalStateException("scenarios/scenario.schema.json not found above " + Path.of("").toAbsolutePath());
    }

    static List<Path> yamlIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList();
        }
    }
}
