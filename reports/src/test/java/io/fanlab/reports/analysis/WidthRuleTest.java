package io.fanlab.reports.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.fanlab.reports.analysis.WidthRule.WidthStats;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;

class WidthRuleTest {

    static WidthStats w(int width, double x, boolean pass) {
        return new WidthStats(width, x, 10, pass);
    }

    @Test
    void smallestWidthWithin5PercentOfPlateau() {
        WidthRule.Choice c = new WidthRule(0.05).choose(List.of(w(1, 1000, true), w(2, 1900, true), w(4, 3400, true),
            w(8, 4760, true), w(16, 5000, true), w(32, 4800, true)));
        assertThat(c.plateau()).isEqualTo(5000);
        assertThat(c.width()).isEqualTo(8); // 4760 >= 4750
    }

    @Test
    void justBelowThreshold_movesToNextWidth() {
        WidthRule.Choice c = new WidthRule(0.05).choose(List.of(w(8, 4749.99, true), w(16, 5000, true)));
        assertThat(c.width()).isEqualTo(16);
    }

    @Test
    void latencySloFailure_skipsWidth_butStillCountsForPlateau() {
        WidthRule.Choice c = new WidthRule(0.05).choose(List.of(w(8, 4800, false), w(16, 5000, false), w(32, 4900, true)));
        assertThat(c.plateau()).isEqualTo(5000);
        assertThat(c.width()).isEqualTo(32);
    }

    @Test
    void noQualifyingWidth_saysWhy() {
        WidthRule.Choice c = new WidthRule(0.05).choose(List.of(w(8, 4800, false), w(16, 5000, false), w(1, 100, true)));
        assertThat(c.width()).isNull();
        assertThat(c.reason()).isEqualTo("no width near the plateau meets the latency SLO");
        assertThat(new WidthRule(0.05).choose(List.of()).reason()).isEqualTo("no completed valid points");
    }

    @Test
    void shareOutsideRange_isRejected() {
        assertThatThrownBy(() -> new WidthRule(1.0)).hasMessage("share: 1.0 (expected: in [0, 1))");
        assertThatThrownBy(() -> new WidthRule(-0.1)).hasMessage("share: -0.1 (expected: in [0, 1))");
    }

    @Property(tries = 200)
    void answerIsTheSmallestQualifyingWidth(@ForAll @Size(min = 1, max = 12) List<@DoubleRange(min = 1, max = 1e5) Double> xs,
                                            @ForAll @Size(min = 12, max = 12) List<Boolean> pass) {
        List<WidthStats> stats = new ArrayList<>();
        for (int i = 0; i < xs.size(); i++) stats.add(w(1 << i, xs.get(i), pass.get(i)));
        WidthRule.Choice c = new WidthRule(0.05).choose(stats);
        double plateau = xs.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        Integer expected = null;
        for (WidthStats s : stats) {
            if (s.throughput() >= 0.95 * plateau && s.latencySloPass()) { expected = s.width(); break; }
        }
        assertThat(c.width()).isEqualTo(expected);
        if (c.width() != null) {
            assertThat(c.stats().throughput()).isGreaterThanOrEqualTo(0.95 * plateau);
            assertThat(c.stats().latencySloPass()).isTrue();
        }
    }
}
