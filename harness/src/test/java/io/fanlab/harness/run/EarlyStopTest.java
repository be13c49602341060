package io.fanlab.harness.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanlab.harness.scenario.SloSpec;
import io.fanlab.reports.analysis.Gate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The early-stop rule on plain figures: lost only when no remaining load within the rate bound could recover. */
class EarlyStopTest {
    static final long S = 1_000_000_000L;
    static final SloSpec ERRORS = new SloSpec.ErrorRate(0.05);
    static final SloSpec P99 = new SloSpec.Latency(SloSpec.Metric.RESPONSE, 99, Duration.ofMillis(10));

    /** Window [0.5 s, 4.5 s), load until 4.5 s, now 1.5 s, open load at 400/s. */
    static EarlyStop.Snapshot at(long offered, long errors, long windowOffered, long over) {
        return new EarlyStop.Snapshot(3 * S / 2, S / 2, 9 * S / 2, 9 * S / 2, offered, errors, windowOffered, 400, new long[] {over});
    }

    @Test
    void anErrorRateIsLostOnlyWhenEvenTwiceTheRateWithoutErrorsForTheRestCannotBringItBack() {
        // bound: 600 offered + 2 x 400/s x 3 s left = 3000 items; 5% of that is 150 errors
        assertThat(EarlyStop.lost(List.of(ERRORS), at(600, 150, 400, 0))).isNull();
        assertThat(EarlyStop.lost(List.of(ERRORS), at(600, 151, 400, 0)))
                .startsWith("error rate <= 5%: 151 errors of at most 3000 items");
    }

    @Test
    void aLatencyPercentileIsLostWhenMoreItemsThanItAllowsAreAlreadyAboveItsBound() {
        // bound: 400 window items + 2 x 400/s x 3 s = 2800; p99 allows 1% = 28 items above 10 ms
        assertThat(EarlyStop.lost(List.of(P99), at(600, 0, 400, 28))).isNull();
        assertThat(EarlyStop.lost(List.of(P99), at(600, 0, 400, 29))).startsWith("p99 response <= 10ms: 29 window items already above 10ms");
    }

    @Test
    void theObservedRateRaisesTheBoundWhenItIsFasterThanTheIntendedOne() {
        // closed load (no intended rate): 3000 offered in 1.5 s = 2000/s, x 2 x 3 s = 12000 more: bound 15000, 5% = 750
        var closed = new EarlyStop.Snapshot(3 * S / 2, S / 2, 9 * S / 2, 9 * S / 2, 3000, 750, 2000, Double.NaN, new long[] {0});
        assertThat(EarlyStop.lost(List.of(ERRORS), closed)).isNull();
        var worse = new EarlyStop.Snapshot(3 * S / 2, S / 2, 9 * S / 2, 9 * S / 2, 3000, 751, 2000, Double.NaN, new long[] {0});
        assertThat(EarlyStop.lost(List.of(ERRORS), worse)).contains("751 errors");
    }

    @Test
    void nothingIsJudgedBeforeTheWindowOrOnAHandfulOfItems() {
        var warmup = new EarlyStop.Snapshot(S / 4, S / 2, 9 * S / 2, 9 * S / 2, 500, 500, 0, 400, new long[] {0});
        assertThat(EarlyStop.lost(List.of(ERRORS, P99), warmup)).isNull();
        // every item failed and above the bound, but fewer than MIN_SAMPLES
        assertThat(EarlyStop.lost(List.of(ERRORS, P99), at(EarlyStop.MIN_SAMPLES - 1, EarlyStop.MIN_SAMPLES - 1, EarlyStop.MIN_SAMPLES - 1,
                EarlyStop.MIN_SAMPLES - 1))).isNull();
    }

    @Test
    void atTheEndOfTheLoadTheBoundIsWhatWasOffered() {
        // nothing left to offer: lost exactly when the final ratio misses the SLO
        var end = new EarlyStop.Snapshot(9 * S / 2, S / 2, 9 * S / 2, 9 * S / 2, 1000, 51, 800, 400, new long[] {9});
        assertThat(EarlyStop.lost(List.of(ERRORS), end)).contains("51 errors of at most 1000 items");
        assertThat(EarlyStop.lost(List.of(P99), end)).contains("9 window items"); // 1% of 800 = 8
    }

    @Test
    void onlySlosThatGateThePointCanStopIt() {
        assertThat(EarlyStop.gates(Gate.DEFAULT, 4)).isFalse();
        assertThat(EarlyStop.gates(new Gate(Gate.Mode.EVERY_POINT, List.of()), 4)).isTrue();
        assertThat(EarlyStop.gates(new Gate(Gate.Mode.WIDTHS, List.of(8)), 4)).isFalse();
        assertThat(EarlyStop.gates(new Gate(Gate.Mode.WIDTHS, List.of(8)), 8)).isTrue();
        assertThat(EarlyStop.watched(List.of(ERRORS, P99, new SloSpec.Latency(SloSpec.Metric.SERVICE, 99, Duration.ofMillis(1))))).containsExactly(
                (SloSpec.Latency) P99);
    }
}
