package io.fanlab.engine.resilience;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The spin margin from measured park overshoots: exact values, bounds, adaptation both ways. */
class ParkOvershootEstimatorTest {
    private static final long US = 1_000;

    @Test
    void beforeAnySampleTheMarginIsTheFloor() {
        assertThat(new ParkOvershootEstimator(100 * US, 300 * US).marginNanos()).isEqualTo(100 * US);
    }

    @Test
    void aSteadyOvershootBelowTheFloorKeepsTheFloor() {
        var e = new ParkOvershootEstimator(100 * US, 300 * US);
        for (int i = 0; i < 200; i++) e.record(60 * US);
        // mean 60 us, deviation decays to 0: 60 us < floor
        assertThat(e.marginNanos()).isEqualTo(100 * US);
    }

    @Test
    void firstSampleSetsMeanAndHalfDeviation() {
        var e = new ParkOvershootEstimator(0, 10_000 * US);
        e.record(80 * US);
        assertThat(e.marginNanos()).isEqualTo(80 * US + 6 * 40 * US);
        e.record(160 * US); // err 80: mean 90, dev 40 + (80 - 40) / 8 = 45
        assertThat(e.marginNanos()).isEqualTo(90 * US + 6 * 45 * US);
    }

    @Test
    void occasionalLateWakeUpsWidenTheMarginToCoverThem() {
        var e = new ParkOvershootEstimator(100 * US, 300 * US);
        SplittableRandom r = new SplittableRandom(7);
        int covered = 0, n = 0;
        for (int i = 0; i < 5_000; i++) {
            long o = r.nextInt(6) == 0 ? 100 * US + r.nextLong(100 * US) : 50 * US + r.nextLong(30 * US); // 1 in 6 slow
            if (i >= 1_000) { // property: most overshoots fit inside the margin in force when they happen
                n++;
                if (o <= e.marginNanos()) covered++;
            }
            e.record(o);
        }
        assertThat(covered / (double) n).as("share of overshoots inside the margin").isGreaterThan(0.95);
        assertThat(e.marginNanos()).isBetween(150 * US, 300 * US);
    }

    @Test
    void aSaturatedMachineGetsTheFloorAndTheMarginRecoversWhenItCalmsDown() {
        var e = new ParkOvershootEstimator(100 * US, 300 * US);
        for (int i = 0; i < 50; i++) e.record(20_000 * US); // every park oversleeps by 20 ms: no spin covers it
        assertThat(e.marginNanos()).isEqualTo(100 * US);
        for (int i = 0; i < 20; i++) e.record(250 * US); // calming down: the mean drops under the cap
        assertThat(e.marginNanos()).isEqualTo(300 * US);
        for (int i = 0; i < 100; i++) e.record(60 * US);
        assertThat(e.marginNanos()).isEqualTo(100 * US);
    }

    @Test
    void aRareStallWidensTheMarginToTheCapWithoutTurningItOff() {
        var e = new ParkOvershootEstimator(100 * US, 300 * US);
        for (int i = 0; i < 100; i++) e.record(70 * US);
        e.record(20_000 * US); // counted as 2 x cap: mean 70 + 530 / 8 = 136 us, under the cap
        assertThat(e.marginNanos()).isEqualTo(300 * US);
    }

    @Test
    void earlyWakeUpsAreIgnored() {
        var e = new ParkOvershootEstimator(100 * US, 300 * US);
        e.record(-5 * US);
        assertThat(e.samples()).isZero();
        assertThat(e.marginNanos()).isEqualTo(100 * US);
    }

    @Test
    void invalidBoundsNameThemselves() {
        assertThatThrownBy(() -> new ParkOvershootEstimator(-1, 10)).hasMessage("floorNanos: -1 (expected: >= 0)");
        assertThatThrownBy(() -> new ParkOvershootEstimator(10, 5)).hasMessage("capNanos: 5 (expected: >= floorNanos 10)");
    }
}
