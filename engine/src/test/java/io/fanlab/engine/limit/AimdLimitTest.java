package io.fanlab.engine.limit;

import io.fanlab.engine.spec.LimitSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AimdLimitTest {
    private static final long MS = 1_000_000L;

    private static AimdLimit aimd(int initial, int min, int max) {
        return new AimdLimit(new LimitSpec.Aimd(initial, min, max, 0.5, Duration.ofMillis(100)));
    }

    @Test
    void growsByOneAndHalvesOnDrop() {
        var limit = aimd(10, 1, 100);
        List<Integer> seen = new ArrayList<>(List.of(limit.currentLimit()));
        boolean[] drops = {false, false, true, false};
        for (boolean drop : drops) {
            limit.onSample(0, 10 * MS, limit.currentLimit(), drop);
            seen.add(limit.currentLimit());
        }
        assertThat(seen).containsExactly(10, 11, 12, 6, 7);
    }

    @Test
    void rttAboveTimeoutCountsAsDrop() {
        var limit = aimd(10, 1, 100);
        limit.onSample(0, 100 * MS, 10, false); // equal to the timeout: not over it
        assertThat(limit.currentLimit()).isEqualTo(11);
        limit.onSample(0, 100 * MS + 1, 11, false);
        assertThat(limit.currentLimit()).isEqualTo(5);
    }

    @Test
    void appLimitedSamplesDoNotGrow() {
        var limit = aimd(10, 1, 100);
        limit.onSample(0, MS, 4, false); // 4 * 2 < 10
        assertThat(limit.currentLimit()).isEqualTo(10);
        limit.onSample(0, MS, 5, false); // 5 * 2 >= 10
        assertThat(limit.currentLimit()).isEqualTo(11);
        limit.onSample(0, MS, 1, true); // drops count even when app-limited
        assertThat(limit.currentLimit()).isEqualTo(5);
    }

    @Test
    void clampsToMinAndMax() {
        var limit = aimd(3, 2, 4);
        limit.onSample(0, MS, 3, false);
        limit.onSample(0, MS, 4, false);
        assertThat(limit.currentLimit()).isEqualTo(4);
        limit.onSample(0, MS, 4, true);
        assertThat(limit.currentLimit()).isEqualTo(2);
        limit.onSample(0, MS, 4, true);
        assertThat(limit.currentLimit()).isEqualTo(2);
    }
}
