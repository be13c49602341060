package io.fanlab.harness.validity;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanlab.reports.run.PointResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class PointValidityTest {

    /** A quiet, steady, open-load point that kept up: the baseline every test changes one figure of. */
    static PointValidity.Inputs quiet() {
        return new PointValidity.Inputs(true, 10_000, 0, 0, 0, 50, "kept up", 12_000, 12_000, 0, 0, List.of(), null,
                0.05, 0.01, 0.002, 5, List.of(), new PointResult.Steady(5, 0.01, 0.1, 0.02, 0.001, null), null, List.of());
    }

    static PointValidity.Inputs with(PointValidity.Inputs b, long missed, long notStarted, double blocked) {
        return with(b, b.windowArrivals(), missed, notStarted, blocked);
    }

    static PointValidity.Inputs with(PointValidity.Inputs b, long windowArrivals, long missed, long notStarted, double blocked) {
        return new PointValidity.Inputs(b.openLoad(), windowArrivals, missed, notStarted, blocked, b.lagP99Us(), b.generatorSummary(),
                b.offered(), b.terminal(), b.duplicates(), b.stuckItems(), b.leakedThreads(), b.error(), b.otherCpuShare(), b.littleRelError(),
                b.meanSojournS(), b.windowS(), b.faultWarnings(), b.steady(), b.selfTest(), b.designWarnings());
    }

    @Test
    void aQuietSteadyPointIsValidWithoutWarnings() {
        PointValidity.Judgement j = PointValidity.judge(quiet());
        assertThat(j.state()).isEqualTo("valid");
        assertThat(j.valid()).isTrue();
        assertThat(j.warnings()).isEmpty();
    }

    @Test
    void aPointThatOfferedNothingIsInvalidNotAValidZero() {
        PointValidity.Inputs b = quiet();
        PointValidity.Inputs none = new PointValidity.Inputs(b.openLoad(), 0, 0, 0, 0, b.lagP99Us(), b.generatorSummary(),
                0, 0, 0, 0, List.of(), null, b.otherCpuShare(), Double.NaN, 0, b.windowS(), List.of(), null, null, List.of());
        PointValidity.Judgement j = PointValidity.judge(none);
        assertThat(j.valid()).isFalse();
        assertThat(j.invalidReasons()).singleElement().asString().startsWith("nothing measured: the point offered no item");

        PointValidity.Judgement outside = PointValidity.judge(with(quiet(), 0, 0, 0, 0));
        assertThat(outside.valid()).isFalse();
        assertThat(outside.invalidReasons()).singleElement().asString().contains("no arrival of the schedule fell in the measured window");
    }

    @Test
    void missedAndNotStartedArrivalsWithBackPressureAreSaturatedNotInvalid() {
        // the reproduction: every arrival of the window late or not started, the generator blocked 94% of the time
        PointValidity.Judgement j = PointValidity.judge(with(quiet(), 0, 0, 47_145, 0.943));
        assertThat(j.state()).isEqualTo("saturated");
        assertThat(j.valid()).isTrue();
        assertThat(j.warnings()).singleElement().asString()
                .startsWith("saturated: the design pushed back on the generator for 94.3% of the load phases")
                .contains("47145 (100.0%) were not started by its end");
    }

    @Test
    void aSaturatedPointsGrowingQueueIsNotASecondFinding() {
        PointResult.Steady growing = SteadyState.check(new double[] {2000, 2000, 2000}, new double[] {100, 600, 1100}, 1, null);
        PointValidity.Inputs b = with(quiet(), 0, 5_000, 5_000, 0.9);
        PointValidity.Judgement j = PointValidity.judge(new PointValidity.Inputs(true, b.windowArrivals(), b.missedStarts(), b.notStarted(),
                b.blockedShare(), 50, "", 12_000, 12_000, 0, 0, List.of(), null, 0.05, 0.01, 0.002, 5, List.of(), growing, null, List.of()));
        assertThat(j.state()).isEqualTo("saturated");
        assertThat(j.warnings()).hasSize(2);
        assertThat(j.warnings().get(1)).startsWith("not in steady state").endsWith("(expected while the design is saturated)");
    }

    @Test
    void missedStartsWithoutBackPressureMakeThePointInvalidWithTheReason() {
        PointValidity.Judgement j = PointValidity.judge(with(quiet(), 150, 0, 0.001));
        assertThat(j.state()).isEqualTo("invalid");
        assertThat(j.valid()).isFalse();
        assertThat(j.invalidReasons()).singleElement().asString().startsWith("generator fell behind: 150 of 10000 arrivals of the window (1.5%)");
        assertThat(j.warnings()).anyMatch(w -> w.startsWith("invalid: generator fell behind"));
        // exactly 1% is not too many
        assertThat(PointValidity.judge(with(quiet(), 100, 0, 0)).valid()).isTrue();
        // not-started arrivals count with the missed ones
        assertThat(PointValidity.judge(with(quiet(), 60, 60, 0)).valid()).isFalse();
    }

    @Test
    void aFewNotStartedArrivalsAreJitter() {
        PointValidity.Judgement j = PointValidity.judge(with(quiet(), 3, 2, 0));
        assertThat(j.state()).isEqualTo("valid");
        assertThat(j.warnings()).singleElement().asString().startsWith("generator schedule jitter").contains("3 missed starts, 2 not started");
    }

    @Test
    void aBusyMachineWarnsAboveAQuarterOfTheCpu() {
        PointValidity.Inputs b = quiet();
        PointValidity.Inputs busy = new PointValidity.Inputs(true, 10_000, 0, 0, 0, 50, "", 12_000, 12_000, 0, 0, List.of(), null,
                0.26, 0.01, 0.002, 5, List.of(), b.steady(), null, List.of());
        assertThat(PointValidity.judge(busy).warnings()).singleElement().asString()
                .startsWith("busy machine: other processes used 26% of the CPU during the measured window (> 25%)");
        assertThat(PointValidity.judge(busy).valid()).isTrue();
        PointValidity.Inputs atLimit = new PointValidity.Inputs(true, 10_000, 0, 0, 0, 50, "", 12_000, 12_000, 0, 0, List.of(), null,
                0.25, 0.01, 0.002, 5, List.of(), b.steady(), null, List.of());
        assertThat(PointValidity.judge(atLimit).warnings()).isEmpty();
        PointValidity.Inputs unknown = new PointValidity.Inputs(true, 10_000, 0, 0, 0, 50, "", 12_000, 12_000, 0, 0, List.of(), null,
                null, 0.01, 0.002, 5, List.of(), b.steady(), null, List.of());
        assertThat(PointValidity.judge(unknown).warnings()).isEmpty();
    }

    @Test
    void littlesLawErrorBeyondTheToleranceIsFlagged() {
        // -42%, as in the issue: W 2 ms over a 5 s window: tolerance 10% + 2 x 0.0004 = 10.08%
        PointValidity.Inputs b = quiet();
        PointValidity.Inputs off = new PointValidity.Inputs(true, 10_000, 0, 0, 0, 50, "", 12_000, 12_000, 0, 0, List.of(), null,
                0.05, -0.42, 0.002, 5, List.of(), b.steady(), null, List.of());
        assertThat(PointValidity.judge(off).warnings()).singleElement().asString()
                .startsWith("Little's law: L differs from lambda x W by -42.0% (tolerance 10.1%");
        assertThat(PointValidity.littleTolerance(0.002, 5)).isEqualTo(0.1008, org.assertj.core.data.Offset.offset(1e-12));
        // a long sojourn against a short window widens the tolerance: W 1 s over 5 s -> 50%
        assertThat(PointValidity.littleTolerance(1, 5)).isEqualTo(0.5, org.assertj.core.data.Offset.offset(1e-12));
        PointValidity.Inputs nan = new PointValidity.Inputs(true, 10_000, 0, 0, 0, 50, "", 12_000, 12_000, 0, 0, List.of(), null,
                0.05, Double.NaN, 0, 5, List.of(), b.steady(), null, List.of());
        assertThat(PointValidity.judge(nan).warnings()).isEmpty();
    }

    @Test
    void faultsOutsideTheMeasuredWindowAreNamed() {
        List<PointValidity.FaultTiming> faults = List.of(
                new PointValidity.FaultTiming("latency_spike", 3, 2),   // inside [2, 7)
                new PointValidity.FaultTiming("worker_stall", 0.5, 1),  // ends in the warmup
                new PointValidity.FaultTiming("error_injection", 7, 1), // in the cooldown
                new PointValidity.FaultTiming("hot_key", 20, 5),        // after the point: never fires
                new PointValidity.FaultTiming("cpu_hog", 1, 2));        // straddles the window's start: seen
        List<String> w = PointValidity.faultsOutsideWindow(faults, 2, 5, 1);
        assertThat(w).hasSize(3);
        assertThat(w.get(0)).isEqualTo("fault worker_stall [0.5s, 1.5s) lies outside the measured window [2s, 7s): its effect is not in the point's figures");
        assertThat(w.get(1)).startsWith("fault error_injection [7s, 8s) lies outside");
        assertThat(w.get(2)).isEqualTo("fault hot_key at 20s never fires: the point ends at 8s (warmup + measure + cooldown)");
    }

    @Test
    void aTrendingWindowWarnsAndAStrongTrendInvalidates() {
        PointResult.Steady rising = SteadyState.check(new double[] {4000, 4400, 5000, 5400, 5600}, new double[] {10, 9, 8, 7.5, 7.2}, 1, null);
        PointValidity.Inputs b = quiet();
        PointValidity.Judgement j = PointValidity.judge(new PointValidity.Inputs(false, 0, 0, 0, 0, 0, "", 12_000, 12_000, 0, 0, List.of(), null,
                0.05, 0.01, 0.002, 5, List.of(), rising, null, List.of()));
        assertThat(j.valid()).isTrue();
        assertThat(j.warnings()).singleElement().asString().startsWith("not in steady state").contains("throughput +31%")
                .contains("lengthen the warmup");
        PointResult.Steady doubling = SteadyState.check(new double[] {2000, 3000, 4100}, new double[] {10, 8, 5}, 1, null);
        PointValidity.Judgement k = PointValidity.judge(new PointValidity.Inputs(false, 0, 0, 0, 0, 0, "", 12_000, 12_000, 0, 0, List.of(), null,
                0.05, 0.01, 0.002, 5, List.of(), doubling, null, List.of()));
        assertThat(k.state()).isEqualTo("invalid");
        assertThat(k.invalidReasons()).singleElement().asString().startsWith("not in steady state").contains("throughput +105%");
        assertThat(b.steady()).isNotNull();
    }

    @Test
    void aFailedSelfTestInvalidatesAndANearSaturationOneIsReported() {
        PointResult.SelfTest fail = new PointResult.SelfTest("fail", "calibrated", 0.42, 0.11, 0.04, 0.05, 0.10, 0.8);
        PointResult.SelfTest near = new PointResult.SelfTest("not_judged", "calibrated", 0.85, 0.2, 0.3, 0.05, 0.10, 0.8);
        PointResult.SelfTest pass = new PointResult.SelfTest("pass", "calibrated", 0.4, 0.02, 0.05, 0.05, 0.10, 0.8);
        assertThat(PointValidity.judge(selfTest(fail)).invalidReasons()).singleElement().asString()
                .startsWith("self-test failed").contains("mean response +11.0% (bound 5%)");
        assertThat(PointValidity.judge(selfTest(near)).valid()).isTrue();
        assertThat(PointValidity.judge(selfTest(near)).warnings()).singleElement().asString().startsWith("self-test not judged (rho 0.85 > 0.8");
        assertThat(PointValidity.judge(selfTest(pass)).warnings()).isEmpty();
    }

    static PointValidity.Inputs selfTest(PointResult.SelfTest s) {
        PointValidity.Inputs b = quiet();
        return new PointValidity.Inputs(true, 10_000, 0, 0, 0, 50, "", 12_000, 12_000, 0, 0, List.of(), null,
                0.05, 0.01, 0.002, 5, List.of(), b.steady(), s, List.of());
    }

    @Test
    void correctnessFindingsAreWarningsBesideTheirOwnVerdicts() {
        PointValidity.Judgement j = PointValidity.judge(new PointValidity.Inputs(true, 10_000, 0, 0, 0, 50, "", 12_000, 11_990, 1, 2,
                List.of("leaky-1"), null, 0.05, 0.01, 0.002, 5, List.of(), quiet().steady(), null, List.of("design tpe ignores work.timeout")));
        assertThat(j.valid()).isTrue();
        assertThat(j.warnings()).containsExactly("design tpe ignores work.timeout",
                "conservation violated: offered 12000, terminal 11990, duplicates 1",
                "2 item(s) stuck: their work ignored cancellation",
                "1 thread(s) left after cancel: [leaky-1]");
    }
}
