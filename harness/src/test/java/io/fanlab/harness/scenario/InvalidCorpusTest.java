package io.fanlab.harness.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file in {@code scenarios/invalid/} opens with {@code # expect: } lines giving, exactly and in order, the
 * problems the loader must report (file shown relative to {@code scenarios/}). Cases that cannot be committed as
 * YAML (binary bytes, a zero-byte file, a directory, a missing file) are generated here.
 */
class InvalidCorpusTest {
    static Stream<Path> invalidFiles() throws IOException {
        return ScenarioFiles.yamlIn(ScenarioFiles.dir().resolve("invalid")).stream();
    }

    @Test
    void corpusCoversAtLeastFifteenCases() throws IOException {
        assertThat(invalidFiles()).hasSizeGreaterThanOrEqualTo(15);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFiles")
    void reportsExactlyTheExpectedProblems(Path file) throws IOException {
        List<String> expected = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .takeWhile(l -> l.startsWith("# expect: "))
                .map(l -> l.substring("# expect: ".length()))
                .toList();
        assertThat(expected).as("expect lines at the top of " + file).isNotEmpty();
        ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> ScenarioLoader.load(file, ScenarioFiles.DESIGNS));
        assertThat(e).as("loading " + file).isNotNull();
        assertThat(e.problems().stream().map(p -> p.render(ScenarioFiles.dir())).toList()).containsExactlyElementsOf(expected);
    }

    @Test
    void binaryBytesAreRejectedWithTheirPosition(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("binary.yaml");
        Files.write(f, new byte[] {'n', 'a', 'm', 'e', ':', ' ', 'x', '\n', 'a', (byte) 0xC3, (byte) 0x28, 0});
        assertThat(messages(f, tmp)).containsExactly("binary.yaml:2:2: byte 0xC3 at offset 9 is not UTF-8 (expected: a YAML text file)");
        Path g = tmp.resolve("nul.yaml");
        Files.write(g, new byte[] {'a', ':', ' ', 0, 1, 2});
        assertThat(messages(g, tmp)).containsExactly("nul.yaml:1:4: control character U+0000 (expected: a YAML text file, not binary data)");
    }

    @Test
    void zeroByteFileIsEmpty(@TempDir Path tmp) throws IOException {
        Path f = Files.createFile(tmp.resolve("zero.yaml"));
        assertThat(messages(f, tmp)).containsExactly("zero.yaml:1:1: empty file (expected: a scenario mapping with at least load and pipeline)");
    }

    @Test
    void directoryAndMissingFileAreProblemsToo(@TempDir Path tmp) throws IOException {
        Path d = Files.createDirectory(tmp.resolve("adir.yaml"));
        assertThat(messages(d, tmp)).containsExactly("adir.yaml:1:1: is a directory (expected: a scenario YAML file)");
        assertThat(messages(tmp.resolve("nope.yaml"), tmp)).containsExactly("nope.yaml:1:1: no such file (expected: a scenario YAML file)");
    }

    @Test
    void recursiveAliasesEndInAProblemNotAStackOverflow(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("recursive.yaml");
        Files.writeString(f, """
                load: {open: {rate: 10/s}}
                pipeline:
                  - name: a
                    work: {sleep: {mixture: &m [{weight: 1.0, mixture: *m}]}}
                """);
        List<String> problems = messages(f, tmp);
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0)).startsWith("recursive.yaml:4:56:").contains("alias *m is used inside &m itself");
    }

    @Test
    void unreadableFileIsAProblem(@TempDir Path tmp) throws IOException {
        Path f = Files.writeString(tmp.resolve("secret.yaml"), "name: x\n");
        org.junit.jupiter.api.Assumptions.assumeTrue(f.toFile().setReadable(false, false) && !Files.isReadable(f), "running as a user who can read anything");
        assertThat(messages(f, tmp)).singleElement().asString().startsWith("secret.yaml:1:1: cannot read: ").endsWith("(expected: a readable scenario YAML file)");
    }

    @Test
    void byteOrderMarkAndCrlfAreFine(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("windows.yaml");
        Files.write(f, "\uFEFFload: {open: {rate: 10/s}}\r\npipeline:\r\n  - {name: a, work: {sleep: {constant: 1ms}}}\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(ScenarioLoader.load(f, ScenarioFiles.DESIGNS).pipeline()).hasSize(1);
    }

    static List<String> messages(Path f, Path base) {
        ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> ScenarioLoader.load(f, ScenarioFiles.DESIGNS));
        assertThat(e).as("loading " + f).isNotNull();
        return e.problems().stream().map(p -> p.render(base)).toList();
    }
}
