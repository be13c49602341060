package io.fanlab.harness.design;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.fanlab.engine.spec.InvalidField;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A graph built in code holds its route and loop names to the rule the loader and the JSON Schema apply. */
class PipelineGraphNameTest {
    static PipelineGraph loopNamed(String name) {
        return new PipelineGraph(List.of(new PipelineGraph.Loop(name, List.of(new PipelineGraph.Stage(0)), 0.5, 1)));
    }

    @Test
    void routeAndLoopNamesAreLettersDigitsAndDashDotUnderscore() {
        assertThatCode(() -> loopNamed("retry-2.x_y")).doesNotThrowAnyException();
        assertThatThrownBy(() -> loopNamed("retry*")).isInstanceOf(InvalidField.class)
                .hasMessageContaining("'retry*'").hasMessageContaining("letters, digits, '_', '-' or '.'");
        assertThatThrownBy(() -> new PipelineGraph(List.of(new PipelineGraph.Route("by size", new PipelineGraph.Fraction(0.5),
                List.of(new PipelineGraph.Stage(0)), List.of(new PipelineGraph.Stage(1)))))).isInstanceOf(InvalidField.class).hasMessageContaining("'by size'");
    }
}
