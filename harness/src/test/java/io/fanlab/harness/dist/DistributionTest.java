package io.fanlab.harness.dist;

import static org.assertj.core.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import net.jqwik.api.*;
import org.junit.jupiter.api.Test;

class DistributionTest {
    static final Duration MS = Duration.ofMillis(1);

    @Test
    void lognormalHitsItsMedianAndP99() {
        var d = new Distribution.LogNormal(Duration.ofMillis(5), Duration.ofMillis(50));
        assertThat(d.quantileNanos(0.5)).isCloseTo(5_000_000L, within(5_000L));
        assertThat(d.quantileNanos(0.99)).isCloseTo(50_000_000L, within(50_000L));
    }

    @Test
    void exponentialQuantilesAreExact() {
        var d = new Distribution.Exponential(Duration.ofMillis(2));
        // q-quantile of Exp(mean m) is -m ln(1-q)
        assertThat(d.quantileNanos(0.99)).isCloseTo(Math.round(-2e6 * Math.log(0.01)), within(2L));
        assertThat(d.meanNanos()).isEqualTo(2e6);
    }

    @Test
    void mixtureRoutesTheDrawByWeight() {
        var d = new Distribution.Mixture(List.of(
                new Distribution.Mixture.Component(0.99, new Distribution.Constant(MS)),
                new Distribution.Mixture.Component(0.01, new Distribution.Constant(Duration.ofSeconds(1)))));
        assertThat(d.sampleNanos(0.5)).isEqualTo(1_000_000L);
        assertThat(d.sampleNanos(0.995)).isEqualTo(1_000_000_000L);
        assertThat(d.meanNanos()).isCloseTo(0.99e6 + 0.01e9, within(1.0));
    }

    @Test
    void invalidParametersNameTheField() {
        assertThatThrownBy(() -> new Distribution.LogNormal(Duration.ofMillis(5), Duration.ofMillis(4)))
                .hasMessage("lognormal.p99: 4ms (expected: > lognormal.median 5ms)");
        assertThatThrownBy(() -> new Distribution.Pareto(MS, 0)).hasMessageContaining("pareto.shape: 0.0 (expected: > 0)");
    }

    @Property
    void samplingIsMonotoneInTheDraw(@ForAll("dists") Distribution d, @ForAll("unit") double a, @ForAll("unit") double b) {
        double lo = Math.min(a, b), hi = Math.max(a, b);
        assertThat(d.sampleNanos(lo)).isLessThanOrEqualTo(d.sampleNanos(hi));
        assertThat(d.sampleNanos(lo)).isBetween(0L, Distribution.CAP_NANOS);
    }

    @Property(tries = 30)
    void sampleMeanApproachesTheMean(@ForAll("finiteMean") Distribution d) {
        int n = 20_000;
        double sum = 0;
        for (int i = 0; i < n; i++) sum += d.sampleNanos((i + 0.5) / n); // stratified draws
        assertThat(sum / n).isCloseTo(d.meanNanos(), withinPercentage(3));
    }

    @Provide Arbitrary<Double> unit() { return Arbitraries.doubles().between(0, 1).filter(u -> u < 1); }

    @Provide Arbitrary<Distribution> dists() {
        return Arbitraries.oneOf(finiteMean(), Arbitraries.doubles().between(0.5, 3).map(s -> new Distribution.Pareto(MS, s)));
    }

    @Provide Arbitrary<Distribution> finiteMean() {
        Arbitrary<Integer> ms = Arbitraries.integers().between(1, 100);
        return Arbitraries.oneOf(
                ms.map(m -> new Distribution.Constant(Duration.ofMillis(m))),
                ms.map(m -> new Distribution.Uniform(Duration.ofMillis(m), Duration.ofMillis(2L * m))),
                ms.map(m -> new Distribution.Exponential(Duration.ofMillis(m))),
                ms.map(m -> new Distribution.LogNormal(Duration.ofMillis(m), Duration.ofMillis(4L * m))));
    }
}
