package io.fanlab.harness.queueing;

import static org.assertj.core.api.Assertions.*;

import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import net.jqwik.api.*;
import org.junit.jupiter.api.Test;

class ErlangCTest {

    /** M/M/1 (c = 1): C = rho, W = 1/(mu - lambda), sojourn ~ Exp(mu - lambda) (Kleinrock vol. 1, 3.2). */
    @Test
    void mm1MatchesItsClosedForms() {
        var p = ErlangC.mmc(1, 0.5, 1); // mu = 2
        assertThat(p.stable()).isTrue();
        assertThat(p.rho()).isCloseTo(0.5, within(1e-15));
        assertThat(p.waitProbability()).isCloseTo(0.5, within(1e-15));
        assertThat(p.meanWaitSec()).isCloseTo(0.5, within(1e-15));
        assertThat(p.meanResponseSec()).isCloseTo(1.0, within(1e-15));
        for (double q : new double[] {0.5, 0.9, 0.99, 0.999999})
            assertThat(p.responseQuantileSec(q)).as("q=%s", q).isCloseTo(-Math.log1p(-q), within(1e-9));
    }

    /**
     * M/M/2, lambda = 1, mu = 0.75 (rho = 2/3): closed forms C = 2 rho^2 / (1 + rho) = 8/15,
     * Wq = C / (2 mu - lambda) = 16/15, W = Wq + 1/mu = 12/5, L = 2 rho / (1 - rho^2) = 12/5 (Gross & Harris 2.3).
     */
    @Test
    void mm2MatchesItsClosedForms() {
        var p = ErlangC.mmc(1, 1 / 0.75, 2);
        assertThat(p.waitProbability()).isCloseTo(8.0 / 15, within(1e-12));
        assertThat(p.meanWaitSec()).isCloseTo(16.0 / 15, within(1e-12));
        assertThat(p.meanResponseSec()).isCloseTo(12.0 / 5, within(1e-12));
        assertThat(p.meanInSystem()).isCloseTo(12.0 / 5, within(1e-12));
    }

    /** Published Erlang tables: B(10 erlangs, 10 servers) = 0.2146; Erlang C for 10 erlangs on 11 agents = 0.6821. */
    @Test
    void erlangTablesAgree() {
        assertThat(ErlangC.erlangB(10, 10)).isCloseTo(0.2146, within(5e-5));
        assertThat(ErlangC.mmc(10, 1, 11).waitProbability()).isCloseTo(0.6821, within(5e-5));
    }

    /** Halfin-Whitt: with beta = (1 - rho) sqrt(c) fixed, C -> 1 / (1 + beta Phi(beta) / phi(beta)); beta = 1 gives 0.2234. */
    @Test
    void tenThousandServersAreStableAndMatchTheHalfinWhittLimit() {
        var p = ErlangC.mmc(9900, 1, 10_000);
        assertThat(p.waitProbability()).isCloseTo(0.2234, within(0.005));
        assertThat(p.meanWaitSec()).isCloseTo(p.waitProbability() / 100, within(1e-12));
        assertThat(p.responseQuantileSec(0.99)).isFinite().isGreaterThan(p.meanResponseSec());
    }

    @Test
    void unstableQueueGivesNoNumbers() {
        var p = ErlangC.mmc(2, 1, 2); // rho = 1
        assertThat(p.stable()).isFalse();
        assertThat(p.waitProbability()).isNaN();
        assertThat(p.meanResponseSec()).isNaN();
        assertThat(p.summary()).endsWith("unstable");
        assertThatThrownBy(() -> p.responseQuantileSec(0.5)).isInstanceOf(IllegalStateException.class)
                .hasMessage("M/M/2 with rho 1.0 is unstable (expected: rho < 1)");
        assertThatThrownBy(() -> ErlangC.mmc(-1, 1, 1)).hasMessage("lambda: -1.0/s (expected: finite > 0/s)");
        assertThatThrownBy(() -> ErlangC.mmc(1, 1, 0)).hasMessage("c: 0 (expected: 1..1000000)");
    }

    /** The hypoexponential survival is continuous through equal rates (Erlang-2: e^{-t}(1 + t)). */
    @Test
    void equalRatesNeedNoSpecialCase() {
        for (double t : new double[] {0.1, 1, 5, 30}) {
            double erlang2 = Math.exp(-t) * (1 + t);
            assertThat(ErlangC.hypoexponentialSurvival(1, 1, t)).isCloseTo(erlang2, within(1e-15));
            assertThat(ErlangC.hypoexponentialSurvival(1, 1 + 1e-12, t)).isCloseTo(erlang2, within(1e-11));
            // far apart: the textbook form is accurate, compare with it
            double textbook = (3 * Math.exp(-t) - Math.exp(-3 * t)) / 2;
            assertThat(ErlangC.hypoexponentialSurvival(3, 1, t)).isCloseTo(textbook, within(1e-14));
        }
    }

    /** The sojourn distribution's mean (integral of its survival function) equals W, for any stable queue. */
    @Property(tries = 50)
    void responseDistributionHasTheMeanW(@ForAll("servers") int c, @ForAll("utilisations") double rho) {
        var p = ErlangC.mmc(rho * c, 1, c);
        double hi = 60 * p.meanResponseSec();
        int n = 20_000;
        double h = hi / n, sum = 0;
        for (int i = 0; i <= n; i++) {
            double s = 1 - p.responseCdf(i * h);
            sum += (i == 0 || i == n ? 1 : i % 2 == 1 ? 4 : 2) * s; // Simpson
        }
        assertThat(sum * h / 3).isCloseTo(p.meanResponseSec(), withinPercentage(0.01));
        assertThat(p.responseCdf(p.responseQuantileSec(0.95))).isCloseTo(0.95, within(1e-9));
    }

    /**
     * Cross-check against a discrete-event FIFO M/M/c simulation (fixed seeds): mean response within 3%, the
     * 90th percentile within 5%. The simulation assigns each customer, in arrival order, to the server that
     * frees first.
     */
    @Property(tries = 12, seed = "4242")
    void simulationAgreesWithThePrediction(@ForAll("servers") int c, @ForAll("simUtilisations") double rho, @ForAll long seed) {
        double mu = 1, lambda = rho * c * mu;
        var p = ErlangC.mmc(lambda, 1 / mu, c);
        var rnd = new SplittableRandom(seed);
        int warmup = 20_000, n = 400_000;
        PriorityQueue<Double> free = new PriorityQueue<>();
        for (int i = 0; i < c; i++) free.add(0.0);
        double t = 0, sum = 0;
        double[] responses = new double[n];
        for (int i = 0; i < warmup + n; i++) {
            t += -Math.log1p(-rnd.nextDouble()) / lambda;
            double start = Math.max(t, free.poll());
            double end = start + -Math.log1p(-rnd.nextDouble()) / mu;
            free.add(end);
            if (i >= warmup) {
                responses[i - warmup] = end - t;
                sum += end - t;
            }
        }
        assertThat(sum / n).isCloseTo(p.meanResponseSec(), withinPercentage(3));
        Arrays.sort(responses);
        assertThat(responses[(int) (0.9 * n)]).isCloseTo(p.responseQuantileSec(0.9), withinPercentage(5));
    }

    @Provide Arbitrary<Integer> servers() { return Arbitraries.integers().between(1, 16); }
    @Provide Arbitrary<Double> utilisations() { return Arbitraries.doubles().between(0.05, 0.95); }
    @Provide Arbitrary<Double> simUtilisations() { return Arbitraries.doubles().between(0.1, 0.7); }
}
