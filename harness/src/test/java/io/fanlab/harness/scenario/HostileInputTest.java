package io.fanlab.harness.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written to hurt the loader (issue 10, defects 3, 4, 5 and 10): each ends within seconds with problems at
 * {@code file:line:col}, never a hang, an {@link Error} or a crash at run time. Each assertion runs under a
 * preemptive timeout, so a regression fails instead of hanging the build.
 */
class HostileInputTest {
    static final Duration BOUND = Duration.ofSeconds(20);
    @TempDir Path tmp;

    List<String> problems(String name, String text) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, text);
        return problems(f);
    }

    List<String> problems(Path f) {
        return assertTimeoutPreemptively(BOUND, () -> {
            ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> ScenarioLoader.load(f, ScenarioFiles.DESIGNS));
            assertThat(e).as("loading " + f + " must fail with problems").isNotNull();
            return e.problems().stream().map(p -> p.render(tmp)).toList();
        });
    }

    static final String HEAD = "name: x\nload: {open: {rate: 100/s}}\npipeline:\n  - name: w\n    work: {sleep: ";

    @Test
    void recursiveAliasIsRefusedAtTheAlias() throws IOException {
        String text = HEAD + "{mixture: &l [{weight: 0.25, mixture: *l}, {weight: 0.25, mixture: *l}, {weight: 0.25, mixture: *l}, {weight: 0.25, mixture: *l}]}}\n";
        assertThat(problems("rec.yaml", text)).containsExactly(
                "rec.yaml:5:57: YAML: alias *l is used inside &l itself (expected: an alias to a value that is complete where the alias appears; a recursive value never ends)");
    }

    @Test
    void recursiveMappingAliasIsRefusedToo() throws IOException {
        assertThat(problems("map.yaml", "name: x\nload: &a {open: {rate: 100/s}, again: *a}\n")).singleElement().asString()
                .startsWith("map.yaml:2:39: YAML: alias *a is used inside &a itself");
    }

    @Test
    void aliasExpansionIsBounded() throws IOException {
        // 6 levels of 8 aliases each (48 aliases, under snakeyaml's 50): 8^6 = 262,144 nodes once expanded
        StringBuilder b = new StringBuilder("name: x\nl0: &l0 [1, 2, 3, 4, 5, 6, 7, 8]\n");
        for (int i = 1; i <= 6; i++) b.append("l").append(i).append(": &l").append(i).append(" [").append(String.join(", ", java.util.Collections.nCopies(8, "*l" + (i - 1)))).append("]\n");
        List<String> p = problems("laughs.yaml", b.toString());
        assertThat(p).singleElement().asString().startsWith("laughs.yaml:7:").contains("aliases expand the document to more than 100000 nodes");
    }

    @Test
    void reusedAliasesWithinTheBoundStillLoad() throws Exception {
        String text = "name: ok\nload: {open: {rate: 100/s}}\npipeline:\n  - name: a\n    work: &w {sleep: {constant: 1ms}}\n  - name: b\n    work: *w\n";
        Path f = tmp.resolve("ok.yaml");
        Files.writeString(f, text);
        assertThat(ScenarioLoader.load(f, ScenarioFiles.DESIGNS).pipeline()).hasSize(2);
    }

    @Test
    void deepNestingIsBadInputNotStackOverflow() throws IOException {
        String deep = "name: x\nload: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n";
        assertThat(problems("deep.yaml", deep)).containsExactly(
                "deep.yaml:2:70: YAML: nested more than 64 levels deep (expected: at most 64 levels of mappings and lists)");
        StringBuilder block = new StringBuilder("name: x\n");
        for (int i = 0; i < 200; i++) block.append(" ".repeat(i)).append("k").append(i).append(":\n");
        assertThat(problems("block.yaml", block.toString())).singleElement().asString().contains("nested more than 64 levels deep");
    }

    @Test
    void filesAboveTheSizeLimitAreRefusedBeforeParsing() throws IOException {
        Path big = tmp.resolve("big.yaml");
        Files.writeString(big, "name: big\ndescription: \"" + "x".repeat(Limits.MAX_FILE_BYTES) + "\"\n");
        assertThat(problems(big)).containsExactly("big.yaml:1:1: " + Files.size(big)
                + " bytes (expected: at most 1048576 bytes (1 MiB); a scenario is a few KiB)");
    }

    @Test
    void anEndlessDeviceIsRefusedAfterTheLimit() {
        Path zero = Path.of("/dev/zero");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(zero));
        List<String> p = assertTimeoutPreemptively(BOUND, () -> catchThrowableOfType(ScenarioException.class,
                () -> ScenarioLoader.load(zero, ScenarioFiles.DESIGNS)).problems().stream().map(Problem::toString).toList());
        assertThat(p).containsExactly("/dev/zero:1:1: more than 1048576 bytes (expected: at most 1048576 bytes (1 MiB); a scenario is a few KiB)");
    }

    @Test
    void phasesBeyondNanosecondsAreBadInput() throws IOException {
        String text = "name: x\nphases: {warmup: 1s, measure: 2000000h, cooldown: 2000000h}\nload: {open: {rate: 100/s}}\n"
                + "pipeline:\n  - name: w\n    work: {sleep: {constant: 1ms}}\n";
        assertThat(problems("long.yaml", text)).containsExactly(
                "long.yaml:2:9: phases: warmup + measure + cooldown = 14400000001s (expected: at most 168h per point)");
    }
}
