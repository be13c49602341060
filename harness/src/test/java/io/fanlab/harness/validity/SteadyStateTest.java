package io.fanlab.harness.validity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fanlab.reports.run.PointResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SteadyStateTest {

    @Test
    void aFlatNoisyWindowIsSteady() {
        // 6000/s with +-3% noise, median 9.5 ms +-5%
        PointResult.Steady s = SteadyState.check(new double[] {6100, 5900, 6050, 5950, 6180, 5870}, new double[] {9.4, 9.9, 9.3, 9.6, 9.2, 9.8}, 1, null);
        assertThat(s.throughputChange()).isCloseTo(0.0, within(0.02));
        assertThat(s.throughputTolerance()).isEqualTo(0.10); // the noise term (4 sqrt(2/12000) = 5%) is below the floor
        assertThat(SteadyState.trending(s)).isFalse();
        assertThat(SteadyState.describe(s)).isNull();
    }

    @Test
    void theQuickstartsRiseOfFortyPercentIsFlaggedButNotInvalid() {
        // first interval 4500/s, last 6300/s: +40% end to end
        PointResult.Steady s = SteadyState.check(new double[] {4500, 5200, 5800, 6100, 6300}, new double[] {14, 12, 11, 10.4, 10}, 1, null);
        assertThat(s.intervals()).isEqualTo(5);
        // thirds of 5 intervals are 2 and 2: (6100 + 6300) / (4500 + 5200) - 1
        assertThat(s.throughputChange()).isCloseTo(12400.0 / 9700 - 1, within(1e-9));
        assertThat(s.p50Change()).isCloseTo(10.2 / 13 - 1, within(1e-9));
        assertThat(SteadyState.trending(s)).isTrue();
        assertThat(SteadyState.invalid(s)).isFalse();
        assertThat(SteadyState.describe(s)).contains("throughput +28% (tolerance 10%)").contains("median response -22%")
                .contains("lengthen the warmup (phases.warmup)");
    }

    @Test
    void lowRatesWidenTheToleranceByTheirCountingNoise() {
        // 50/s over 1 s thirds: 4 sqrt(2/50) = 80%; a 60% rise is noise at that rate
        PointResult.Steady s = SteadyState.check(new double[] {40, 50, 64}, new double[] {5, 5, 5}, 1, null);
        assertThat(s.throughputTolerance()).isCloseTo(4 * Math.sqrt(4.0 / (40 + 64)), within(1e-12));
        assertThat(SteadyState.trending(s)).isFalse();
    }

    @Test
    void medianChangesBelowATenthOfAMillisecondAreNotATrend() {
        PointResult.Steady s = SteadyState.check(new double[] {1000, 1000, 1000}, new double[] {0.05, 0.07, 0.09}, 1, null);
        assertThat(s.p50Change()).isCloseTo(0.8, within(1e-9));
        assertThat(SteadyState.trending(s)).isFalse();
        PointResult.Steady big = SteadyState.check(new double[] {1000, 1000, 1000}, new double[] {1, 1.5, 1.8}, 1, null);
        assertThat(SteadyState.trending(big)).isTrue();
        assertThat(SteadyState.invalid(big)).isTrue(); // +80%
    }

    @Test
    void aThroughputThatCollapsesToZeroIsFlagged() {
        PointResult.Steady s = SteadyState.check(new double[] {3000, 1000, 0}, new double[] {2, 20, -1}, 1, null);
        assertThat(s.throughputChange()).isEqualTo(-1.0);
        assertThat(SteadyState.invalid(s)).isTrue();
    }

    @Test
    void notJudgedWithFewIntervalsOrAVaryingLoad() {
        assertThat(SteadyState.check(new double[] {1, 2}, new double[] {1, 1}, 1, null).notJudged()).isEqualTo("fewer than 3 intervals in the window");
        PointResult.Steady ramp = SteadyState.check(new double[] {1, 2, 3, 4}, new double[] {1, 1, 1, 1}, 1, "the arrival rate varies by design");
        assertThat(ramp.notJudged()).isEqualTo("the arrival rate varies by design");
        assertThat(SteadyState.trending(ramp)).isFalse();
    }

    @Test
    void rowsOutsideTheWindowAreLeftOut() {
        // warmup 2 s, measure 5 s; rows every second from t 1 to 9 (the point's start event 0.3 s before runStart)
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 1; i <= 9; i++) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("t_s", i + 0.003 + 0.3);
            r.put("throughput", i <= 2 || i > 7 ? 99_999.0 : 1000.0 * i);
            r.put("p50_ms", 1.0);
            rows.add(r);
        }
        PointResult.Steady s = SteadyState.fromRows(rows, 0.3, 2, 5, 1, null);
        assertThat(s.intervals()).isEqualTo(5); // the rows ending at 3..7 s
        assertThat(s.throughputChange()).isCloseTo((6000 + 7000) / (3000.0 + 4000) - 1, within(1e-9));
    }
}
