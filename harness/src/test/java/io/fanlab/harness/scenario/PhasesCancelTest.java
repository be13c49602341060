package io.fanlab.harness.scenario;

import static org.assertj.core.api.Assertions.*;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Where a point's cancel falls, and what it does to the measured window. */
class PhasesCancelTest {
    static Duration s(double v) { return Duration.ofMillis((long) (v * 1000)); }

    @Test
    void cancelPlacementsOnTheTimeline() {
        Phases after = new Phases(s(1), s(6), s(1));
        assertThat(after.cancel()).isEqualTo(CancelAt.AFTER_COOLDOWN);
        assertThat(after.cancel().offset(after)).isEqualTo(s(8));
        assertThat(after.measured()).isEqualTo(s(6));
        Phases end = new Phases(s(1), s(6), s(1), CancelAt.END_OF_MEASURE);
        assertThat(end.cancel().offset(end)).isEqualTo(s(7));
        assertThat(end.measured()).isEqualTo(s(6));
        Phases inside = new Phases(s(1), s(6), s(1), new CancelAt.At(s(4)));
        assertThat(inside.measured()).as("a cancel inside the window ends it").isEqualTo(s(3));
        Phases inCooldown = new Phases(s(1), s(6), s(1), new CancelAt.At(s(7.5)));
        assertThat(inCooldown.measured()).isEqualTo(s(6));
    }

    @Test
    void placementsOutsideTheRunAreRefused() {
        assertThatThrownBy(() -> new Phases(s(1), s(6), s(1), new CancelAt.At(s(1))))
                .hasMessage("cancel: 1s (expected: after the warmup, > 1s)");
        assertThatThrownBy(() -> new Phases(s(1), s(6), s(1), new CancelAt.At(s(9))))
                .hasMessage("cancel: 9s (expected: at most the end of the cooldown, 8s)");
    }

    @Test
    void theResolvedScenarioKeepsThePlacement() throws Exception {
        Scenario sc = ScenarioLoader.parse("""
                name: c
                phases: {warmup: 1s, measure: 2s, cooldown: 1s, cancel: 2500ms}
                load: {open: {rate: 100/s}}
                pipeline: [{name: w, work: {sleep: {exponential: 1ms}}}]
                """, java.nio.file.Path.of("c.yaml"), java.util.Set.of("engine"));
        assertThat(sc.phases().cancel()).isEqualTo(new CancelAt.At(s(2.5)));
        assertThat(ScenarioWriter.toYaml(sc)).contains("cancel: 2500ms");
        assertThat(ScenarioLoader.parse(ScenarioWriter.toYaml(sc), java.nio.file.Path.of("r.yaml"), java.util.Set.of("engine")).phases()).isEqualTo(sc.phases());
    }
}
