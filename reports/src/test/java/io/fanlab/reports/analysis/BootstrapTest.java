package io.fanlab.reports.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class BootstrapTest {

    @Test
    void bracketsTheMeanInsideMinMaxFromFourRepeatsAndIsSeeded() {
        double[] xs = {3100, 3350, 2900, 3420, 3010};
        Bootstrap.Interval i = Bootstrap.ofMean(xs);
        assertThat(i.mean()).isCloseTo(3156, within(1e-9));
        assertThat(i.lo()).isLessThan(i.mean()).isGreaterThan(2900);
        assertThat(i.hi()).isGreaterThan(i.mean()).isLessThan(3420);
        assertThat(Bootstrap.ofMean(xs)).as("same data, same interval").isEqualTo(i);
        assertThat(Bootstrap.ofMean(xs, 0.95, 2000, 7)).as("another seed moves the ends a little").isNotEqualTo(i);
    }

    @Test
    void twoOrThreeRepeatsReachMinAndMax() {
        // a resample that is all one repeat has probability n^(1-n): 50% and 11% for n = 2, 3 (above 2.5% each side)
        assertThat(Bootstrap.ofMean(new double[] {10, 20})).isEqualTo(new Bootstrap.Interval(15, 10, 20, 2));
        Bootstrap.Interval three = Bootstrap.ofMean(new double[] {10, 20, 40});
        assertThat(three.lo()).isEqualTo(10);
        assertThat(three.hi()).isEqualTo(40);
    }

    @Test
    void coversTheTrueMeanAboutAsOftenAsItsLevelForNormalRepeats() {
        // 400 experiments of 10 repeats from N(100, 10): a 95% interval should cover 100 in roughly 88-97% of them
        // (the percentile bootstrap under-covers a little at n = 10)
        SplittableRandom r = new SplittableRandom(11);
        int covered = 0, runs = 400;
        for (int k = 0; k < runs; k++) {
            double[] xs = new double[10];
            for (int i = 0; i < xs.length; i++) xs[i] = 100 + 10 * gaussian(r);
            Bootstrap.Interval iv = Bootstrap.ofMean(xs, 0.95, 1000, k);
            if (iv.lo() <= 100 && 100 <= iv.hi()) covered++;
        }
        assertThat(covered / (double) runs).isBetween(0.85, 0.98);
    }

    @Test
    void oneValueHasNoIntervalAndBadInputNamesItself() {
        assertThat(Bootstrap.ofMean(new double[] {5})).isNull();
        assertThatThrownBy(() -> Bootstrap.ofMean(new double[] {1, Double.NaN})).hasMessage("value: NaN (expected: finite)");
        assertThatThrownBy(() -> Bootstrap.ofMean(new double[] {1, 2}, 1.0, 2000, 1)).hasMessage("level: 1.0 (expected: in (0, 1))");
    }

    private static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
