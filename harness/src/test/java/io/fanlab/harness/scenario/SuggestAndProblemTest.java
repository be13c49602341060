package io.fanlab.harness.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class SuggestAndProblemTest {
    @Property
    void levenshteinIsAMetric(@ForAll @StringLength(max = 12) String a, @ForAll @StringLength(max = 12) String b, @ForAll @StringLength(max = 12) String c) {
        int ab = YamlBinder.Suggest.distance(a, b);
        assertThat(ab).isEqualTo(YamlBinder.Suggest.distance(b, a));
        assertThat(YamlBinder.Suggest.distance(a, a)).isZero();
        assertThat(ab == 0).isEqualTo(a.equals(b));
        assertThat(ab).isLessThanOrEqualTo(YamlBinder.Suggest.distance(a, c) + YamlBinder.Suggest.distance(c, b));
        assertThat(ab).isBetween(Math.abs(a.length() - b.length()), Math.max(a.length(), b.length()));
    }

    @Test
    void suggestsOnlyPlausibleKeys() {
        List<String> stage = List.copyOf(FormatKeys.of("stage"));
        assertThat(YamlBinder.Suggest.closest("widht", stage)).isEqualTo("width");
        assertThat(YamlBinder.Suggest.closest("onError", stage)).isEqualTo("on_error");
        assertThat(YamlBinder.Suggest.closest("queue_capacity", stage)).isEqualTo("queue");
        assertThat(YamlBinder.Suggest.closest("rate-limit", stage)).isEqualTo("rate_limit");
        assertThat(YamlBinder.Suggest.closest("colour", stage)).isNull();
    }

    @Test
    void problemsRenderAsFileLineColumnPathMessage() {
        Problem p = new Problem(Path.of("scenarios/x.yaml"), 14, 9, "load.rate", "-50/s (expected: > 0/s)");
        assertThat(p).hasToString("scenarios/x.yaml:14:9: load.rate: -50/s (expected: > 0/s)");
        assertThat(p.render(Path.of("scenarios"))).isEqualTo("x.yaml:14:9: load.rate: -50/s (expected: > 0/s)");
        assertThat(new Problem(null, 0, 0, "--seed", "x (expected: a 64-bit integer)")).hasToString("--seed: x (expected: a 64-bit integer)");
        assertThat(new Problem(Path.of("e.yaml"), 1, 1, "", "empty file")).hasToString("e.yaml:1:1: empty file");
        ScenarioException e = new ScenarioException(List.of(p, new Problem(null, 0, 0, "--seed", "x")));
        assertThat(e.getMessage()).isEqualTo("scenarios/x.yaml:14:9: load.rate: -50/s (expected: > 0/s)\n--seed: x");
        assertThat(e.problems()).hasSize(2);
    }
}
