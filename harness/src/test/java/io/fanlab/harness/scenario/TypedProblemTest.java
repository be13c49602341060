package io.fanlab.harness.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Problems are typed where they are found: position, path, what is wrong and what is allowed survive as fields,
 * whether a reader (units, types) or a record constructor ({@code InvalidField}) found them. These tests fail if a
 * position or a field name is lost on the way (a problem reported at the enclosing mapping, or under a path that
 * does not name the key the user wrote).
 */
class TypedProblemTest {
    private static final Path FILE = Path.of("typed.yaml");

    /** One problem per input; {@code ^} in the YAML marks where the problem must point (removed before parsing). */
    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            'load: {open: {rate: ^-50/s}}'                           | load.open.rate                     | -50/s   | > 0/s
            'load: {open: {rate: ^1200}}'                            | load.open.rate                     | 1200    | a rate with a unit: /s, /min or /h, e.g. 1200/s; a bare number has no unit
            'phases: {measure: ^0s}'                                 | phases.measure                     | 0s      | > 0ms
            'keys: {zipf: {n: 10, s: ^-1}}'                          | keys.zipf.s                        | -1      | finite >= 0
            'keys: {hot_key: {n: ^1, share: 0.5}}'                   | keys.hot_key.n                     | 1       | >= 2
            'faults: [{latency_spike: {at: 1s, duration: 1s, fraction: ^2}}]' | faults[0].latency_spike.fraction | 2 | 0..1
            'faults: [{cpu_hog: {at: 1s, duration: ^0ms}}]'          | faults[0].cpu_hog.duration         | 0ms     | > 0ms
            'sweep: {repeats: ^0}'                                   | sweep.repeats                      | 0       | >= 1
            'capture: {interval: ^2s}'                               | capture.interval                   | 2s      | > 0ms and <= 1s
            'downstream: {error_rate: ^1.5}'                         | downstream.error_rate              | 1.5     | 0..1
            'slos: [{latency: {percentile: ^101, max: 1s}}]'          | slos[0].latency.percentile         | 101     | 0 < p <= 100
            'slos: [{error_rate: ^2}]'                               | slos[0].error_rate                 | 2       | 0..1
            """)
    void topLevelProblemCarriesPositionPathValueAndRule(String extra, String path, String wrong, String allowed) {
        String yaml = "name: typed\nload: {open: {rate: 10/s}}\npipeline:\n  - {name: a, work: {sleep: {constant: 1ms}}}\n";
        if (extra.startsWith("load:")) yaml = yaml.replace("load: {open: {rate: 10/s}}\n", "");
        yaml += extra + "\n";
        int[] at = caret(yaml);
        Problem p = only(yaml.replace("^", ""));
        assertThat(List.of(p.line(), p.column())).as("line:col of " + path).containsExactly(at[0], at[1]);
        assertThat(p.path()).isEqualTo(path);
        assertThat(p.wrong()).isEqualTo(wrong);
        assertThat(p.allowed()).isEqualTo(allowed);
        assertThat(p.toString()).isEqualTo(FILE + ":" + at[0] + ":" + at[1] + ": " + path + ": " + wrong + " (expected: " + allowed + ")");
    }

    /** A stage field broken in one of several stages, at any indentation: the problem names that stage's index and key. */
    record Bad(String yaml, String key, String wrong, String allowed) {}

    @Provide
    Arbitrary<Bad> badStageFields() {
        return Arbitraries.of(
                new Bad("width: 0", "width", "0", ">= 1"),
                new Bad("queue: 0", "queue", "0", ">= 1"),
                new Bad("width: ten", "width", "ten", "an integer"),
                new Bad("timeout: -5ms", "timeout", "-5ms", "> 0ms"),
                new Bad("timeout: 100", "timeout", "100", Units.DURATION_RULE + "; a bare number has no unit"),
                new Bad("error_rate: 1.5", "error_rate", "1.5", "0..1"),
                new Bad("retry: {max_attempts: 0}", "retry.max_attempts", "0", ">= 1"),
                new Bad("retry: {max_attempts: 3, backoff: 100ms, max_backoff: 10ms}", "retry.max_backoff", "10ms", ">= retry.backoff 100ms"),
                new Bad("limit: {aimd: {initial: 40, max: 16}}", "limit.aimd.initial", "40", Defaults.LIMIT_MIN + "..16"),
                new Bad("limit: {fixed: 0}", "limit.fixed", "0", ">= 1"),
                new Bad("hedge: {percentile: 100}", "hedge.percentile", "100", "0 < p < 100"),
                new Bad("bulkhead: {shares: {gold: 1.5}}", "bulkhead.shares.gold", "1.5", "0..1"),
                new Bad("order: {ordered: {window: 0}}", "order.ordered.window", "0", ">= 1"),
                new Bad("admission: {queue_deadline: 0ms}", "admission.queue_deadline", "0ms", "> 0ms"));
    }

    @Property(tries = 60)
    void stageProblemPointsAtTheValueInItsStage(@ForAll("badStageFields") Bad bad, @ForAll @IntRange(min = 1, max = 5) int stages,
                                                @ForAll @IntRange(min = 0, max = 4) int which, @ForAll @IntRange(min = 0, max = 3) int blankLines,
                                                @ForAll @IntRange(min = 2, max = 6) int indent) {
        int broken = which % stages;
        String pad = " ".repeat(indent);
        List<String> lines = new ArrayList<>(List.of("name: typed", "load: {open: {rate: 10/s}}"));
        for (int i = 0; i < blankLines; i++) lines.add("");
        lines.add("pipeline:");
        int line = -1, column = -1;
        for (int s = 0; s < stages; s++) {
            lines.add(pad + "- name: s" + s);
            lines.add(pad + "  work: {sleep: {constant: 1ms}}");
            if (s == broken) {
                String l = pad + "  " + bad.yaml();
                lines.add(l);
                line = lines.size();
                String lastKey = bad.key().substring(bad.key().lastIndexOf('.') + 1);
                int keyAt = l.indexOf(lastKey + ":");
                column = l.indexOf(bad.wrong(), keyAt) + 1;
            }
        }
        Problem p = only(String.join("\n", lines) + "\n");
        assertThat(List.of(p.line(), p.column())).as(bad.yaml() + " in stage " + broken).containsExactly(line, column);
        assertThat(p.path()).isEqualTo("pipeline[" + broken + "]." + bad.key());
        assertThat(p.wrong()).isEqualTo(bad.wrong());
        assertThat(p.allowed()).isEqualTo(bad.allowed());
    }

    private static Problem only(String yaml) {
        ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> ScenarioLoader.parse(yaml, FILE, ScenarioFiles.DESIGNS));
        assertThat(e).as("problems in\n" + yaml).isNotNull();
        assertThat(e.problems()).as(yaml).hasSize(1);
        return e.problems().get(0);
    }

    /** 1-based line and column of the {@code ^} marker, as if the marker were not there. */
    private static int[] caret(String yaml) {
        int i = yaml.indexOf('^');
        String before = yaml.substring(0, i);
        int line = (int) before.chars().filter(c -> c == '\n').count() + 1;
        return new int[] {line, i - before.lastIndexOf('\n')};
    }
}
