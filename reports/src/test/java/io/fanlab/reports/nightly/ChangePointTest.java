package io.fanlab.reports.nightly;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class ChangePointTest {

    static List<Double> noisy(int n, double mean, double sd, SplittableRandom r) {
        List<Double> xs = new ArrayList<>();
        for (int i = 0; i < n; i++) xs.add(mean + sd * (r.nextDouble() * 2 - 1) * Math.sqrt(3));
        return xs;
    }

    @Test
    void aStepLargerThanTheToleranceIsFlaggedWhereItHappened() {
        SplittableRandom r = new SplittableRandom(1);
        List<Double> xs = noisy(6, 1000, 20, r);
        xs.addAll(noisy(3, 850, 20, r));
        ChangePoint.Result c = ChangePoint.find(xs, 0.10);
        assertThat(c.flagged()).isTrue();
        assertThat(c.index()).isEqualTo(6);
        assertThat(c.shift()).isBetween(-0.2, -0.1);
    }

    @Test
    void noiseAndSmallStepsAreNotFlagged() {
        SplittableRandom r = new SplittableRandom(2);
        for (int trial = 0; trial < 200; trial++) {
            ChangePoint.Result c = ChangePoint.find(noisy(10, 1000, 30, r), 0.10);
            assertThat(c.flagged()).as("trial " + trial).isFalse();
        }
        List<Double> small = noisy(5, 1000, 5, r);
        small.addAll(noisy(5, 960, 5, r)); // a real 4% step, below the 10% tolerance
        assertThat(ChangePoint.find(small, 0.10).flagged()).isFalse();
    }

    @Test
    void tooShortASeriesHasNoAnswer() {
        assertThat(ChangePoint.find(List.of(1.0, 2.0, 3.0), 0.1)).isNull();
    }
}
