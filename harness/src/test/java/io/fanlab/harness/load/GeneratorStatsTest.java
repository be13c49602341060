package io.fanlab.harness.load;

import static org.assertj.core.api.Assertions.*;

import org.junit.jupiter.api.Test;

class GeneratorStatsTest {
    @Test
    void fellBehindRuleIsP99LagOrMissedShare() {
        assertThat(GeneratorStats.of(1000, 1000, 10, 200, 900, 10).fellBehind()).isFalse(); // exactly on both limits
        assertThat(GeneratorStats.of(1000, 1000, 10, 200.5, 900, 0).fellBehind()).isTrue();
        assertThat(GeneratorStats.of(1000, 1000, 10, 20, 900, 11).fellBehind()).isTrue();
        assertThat(GeneratorStats.of(0, 0, 0, 0, 0, 0).fellBehind()).isFalse();
        assertThat(GeneratorStats.of(1000, 1000, 10, 20, 900, 11).missedShare()).isEqualTo(0.011);
    }

    @Test
    void inconsistentFiguresAreRejected() {
        assertThatThrownBy(() -> GeneratorStats.of(10, 1, 0, 0, 0, 11)).hasMessage("missedStarts: 11 (expected: 0..10)");
        assertThatThrownBy(() -> GeneratorStats.of(10, 1, 5, 4, 6, 0))
                .hasMessage("lag: p50 5.0 p99 4.0 max 6.0 us (expected: 0 <= p50 <= p99 <= max)");
    }
}
