package io.fanlab.harness.validity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fanlab.reports.run.PointResult;
import org.junit.jupiter.api.Test;

class SelfTestVerdictTest {
    static PointResult.Latency measured(double mean, double p99) { return new PointResult.Latency(10_000, mean, mean, mean, p99, p99, p99); }

    // M/M/8 at 1600/s, 2 ms nominal; calibrated with a 2.1 ms measured service mean
    static final PointResult.ErlangC C8 = new PointResult.ErlangC(8, 1600, 500, 2.008, 9.3, 0.02, 1000 / 2.1, 2.112, 9.7);

    @Test
    void withinBothBoundsPassesOnTheCalibratedPrediction() {
        PointResult.SelfTest s = SelfTestVerdict.judge(C8, measured(2.112 * 1.038, 9.7 * 1.05), null);
        assertThat(s.verdict()).isEqualTo("pass");
        assertThat(s.basis()).isEqualTo("calibrated");
        assertThat(s.rho()).isCloseTo(1600 / (8 * 1000 / 2.1), within(1e-12));
        assertThat(s.meanError()).isCloseTo(0.038, within(1e-9));
        assertThat(s.p99Error()).isCloseTo(0.05, within(1e-9));
    }

    @Test
    void elevenPercentOnTheMeanFails() {
        PointResult.SelfTest s = SelfTestVerdict.judge(C8, measured(2.112 * 1.11, 9.7), null);
        assertThat(s.verdict()).isEqualTo("fail");
        assertThat(SelfTestVerdict.describe(s)).startsWith("self-test failed").contains("mean response +11.0% (bound 5%)");
        assertThat(SelfTestVerdict.judge(C8, measured(2.112, 9.7 * 0.89), null).verdict()).as("p99 11% low").isEqualTo("fail");
    }

    @Test
    void nearSaturationIsReportedNotJudged() {
        // c = 4 at 1600/s with a 2.1 ms service: rho 0.84
        PointResult.ErlangC c4 = new PointResult.ErlangC(4, 1600, 500, 3.49, 17, 0.6, 1000 / 2.1, 4.1, 20.0);
        PointResult.SelfTest s = SelfTestVerdict.judge(c4, measured(5, 30), null);
        assertThat(s.rho()).isCloseTo(0.84, within(1e-9));
        assertThat(s.verdict()).isEqualTo("not_judged");
    }

    @Test
    void aMeasuredServiceThatSaturatesTheSystemIsNotJudgedOnTheNominalPrediction() {
        // M/M/4 at 1600/s: nominal rho 0.8 (judged), but the machine delivered 3.2 ms sleeps: rho 1.28, no calibrated prediction
        PointResult.ErlangC c4 = new PointResult.ErlangC(4, 1600, 500, 3.491, 13.786, 0.596, null, null, null);
        PointResult.SelfTest s = SelfTestVerdict.judge(c4, measured(1139, 1552), measured(3.2, 9));
        assertThat(s.verdict()).isEqualTo("not_judged");
        assertThat(s.basis()).isEqualTo("nominal");
        assertThat(s.rho()).isCloseTo(1.28, within(1e-9));
    }

    @Test
    void withoutACalibrationTheNominalPredictionIsUsedAndWithoutDataNoVerdict() {
        PointResult.ErlangC nominal = new PointResult.ErlangC(8, 1600, 500, 2.008, 9.3, 0.02, null, null, null);
        PointResult.SelfTest s = SelfTestVerdict.judge(nominal, measured(2.008, 9.3), measured(2.0, 2.0));
        assertThat(s.basis()).isEqualTo("nominal");
        assertThat(s.verdict()).isEqualTo("pass");
        assertThat(SelfTestVerdict.judge(null, measured(1, 1), null)).isNull();
        assertThat(SelfTestVerdict.judge(C8, new PointResult.Latency(0, 0, 0, 0, 0, 0, 0), null)).isNull();
    }
}
