package io.fanlab.harness.cli;

import io.fanlab.reports.run.RunJson;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fanlab.reports.run.RunJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every scenario of the library runs (one width, its first design, in-process) and ends with a readable record:
 * a point that was not aborted, conservation kept, no thread leaked. Slow (about 10 s per scenario): {@code -Pslow}.
 */
@Tag("slow")
class LibraryScenariosRunTest {
    @TempDir Path tmp;

    static Stream<Path> library() throws IOException {
        return Files.list(Path.of("../scenarios")).filter(p -> p.toString().endsWith(".yaml")).sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("library")
    void runs(Path scenario) throws Exception {
        String text = Files.readString(scenario);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("widths: \\[(\\d+)").matcher(text);
        String width = m.find() ? m.group(1) : "4";
        Path dir = tmp.resolve(scenario.getFileName().toString().replace(".yaml", ""));
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = FanlabCli.execute(new String[] {"run", scenario.toString(), "--in-process", "--widths", width, "--run-dir", dir.toString(), "--no-report"},
                new PrintWriter(out, true), new PrintWriter(err, true));
        boolean aborts = text.contains("abort:");
        assertThat(code).as(out + "\n" + err).isIn(aborts ? new Integer[] {ExitCodes.RUN_FAILED} : new Integer[] {ExitCodes.OK, ExitCodes.SLO_FAILED});
        JsonNode points = RunJson.MAPPER.readTree(dir.resolve("results.json").toFile()).path("points");
        assertThat(points).isNotEmpty();
        for (JsonNode p : points) {
            if (aborts) continue;
            assertThat(p.path("status").asText()).as(p.toString()).isEqualTo("ok");
            assertThat(p.path("conservation_ok").asBoolean()).as(p.path("id").asText()).isTrue();
            assertThat(p.path("leaked_threads").asLong()).as(p.path("leaked_thread_names").toString()).isZero();
        }
    }
}
