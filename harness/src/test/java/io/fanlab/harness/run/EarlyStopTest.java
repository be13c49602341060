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
        return snap(3 * S / 2, 9 * S / 2, offered, errors, windowOffered, 400, over);
    }

    /** Window [0.5 s, 4.5 s); nothing shed, completed, in flight or duplicated; fan-out 1. */
    static EarlyStop.Snapshot snap(long now, long loadEnd, long offered, long errors, long windowOffered, double rate, long over) {
        return new EarlyStop.Snapshot(now, S / 2, 9 * S / 2, loadEnd, offered, errors, windowOffered, rate, new long[] {over}, 0, 0, 0, 0, 1);
    }

    /** {@link #at} with the other figures given. */
    static EarlyStop.Snapshot at(long offered, long windowOffered, long over, long shed, long completedInWindow, long inFlight, long duplicates, int fanout) {
        return new EarlyStop.Snapshot(3 * S / 2, S / 2, 9 * S / 2, 9 * S / 2, offered, 0, windowOffered, 400, new long[] {over}, shed,
                completedInWindow, inFlight, duplicates, fanout);
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
        var closed = snap(3 * S / 2, 9 * S / 2, 3000, 750, 2000, Double.NaN, 0);
        assertThat(EarlyStop.lost(List.of(ERRORS), closed)).isNull();
        var worse = snap(3 * S / 2, 9 * S / 2, 3000, 751, 2000, Double.NaN, 0);
        assertThat(EarlyStop.lost(List.of(ERRORS), worse)).contains("751 errors");
    }

    @Test
    void nothingIsJudgedBeforeTheWindowOrOnAHandfulOfItems() {
        var warmup = snap(S / 4, 9 * S / 2, 500, 500, 0, 400, 0);
        assertThat(EarlyStop.lost(List.of(ERRORS, P99), warmup)).isNull();
        // every item failed and above the bound, but fewer than MIN_SAMPLES
        assertThat(EarlyStop.lost(List.of(ERRORS, P99), at(EarlyStop.MIN_SAMPLES - 1, EarlyStop.MIN_SAMPLES - 1, EarlyStop.MIN_SAMPLES - 1,
                EarlyStop.MIN_SAMPLES - 1))).isNull();
    }

    @Test
    void atTheEndOfTheLoadTheBoundIsWhatWasOffered() {
        // nothing left to offer: lost exactly when the final ratio misses the SLO
        var end = snap(9 * S / 2, 9 * S / 2, 1000, 51, 800, 400, 9);
        assertThat(EarlyStop.lost(List.of(ERRORS), end)).contains("51 errors of at most 1000 items");
        assertThat(EarlyStop.lost(List.of(P99), end)).contains("9 window items"); // 1% of 800 = 8
    }

    @Test
    void onlySlosThatGateThePointCanStopIt() {
        assertThat(EarlyStop.gates(Gate.DEFAULT, 4)).isFalse();
        assertThat(EarlyStop.gates(new Gate(Gate.Mode.EVERY_POINT, List.of()), 4)).isTrue();
        assertThat(EarlyStop.gates(new Gate(Gate.Mode.WIDTHS, List.of(8)), 4)).isFalse();
        assertThat(EarlyStop.gates(new Gate(Gate.Mode.WIDTHS, List.of(8)), 8)).isTrue();
        SloSpec.Latency service = new SloSpec.Latency(SloSpec.Metric.SERVICE, 99, Duration.ofMillis(1));
        assertThat(EarlyStop.watched(List.of(ERRORS, P99, service))).containsExactly((SloSpec.Latency) P99, service);
    }

    @Test
    void aShedRateIsLostOnlyWhenEvenTwiceTheRateWithoutShedsForTheRestCannotBringItBack() {
        // bound as for errors: 600 offered + 2 x 400/s x 3 s = 3000 items; 5% = 150
        SloSpec shed = new SloSpec.ShedRate(0.05);
        assertThat(EarlyStop.lost(List.of(shed), at(600, 400, 0, 150, 0, 0, 0, 1))).isNull();
        assertThat(EarlyStop.lost(List.of(shed), at(600, 400, 0, 151, 0, 0, 0, 1))).startsWith("shed rate <= 5%: 151 shed of at most 3000 items");
        assertThat(EarlyStop.lost(List.of(shed), at(99, 99, 0, 99, 0, 0, 0, 1))).as("fewer than MIN_SAMPLES offered").isNull();
    }

    @Test
    void serviceAndRequestPercentilesAreJudgedOnTheirOwnPopulations() {
        SloSpec service = new SloSpec.Latency(SloSpec.Metric.SERVICE, 99, Duration.ofMillis(10));
        // service: the window's items, as for response: 400 + 2 x 400/s x 3 s = 2800, 1% = 28
        assertThat(EarlyStop.lost(List.of(service), at(600, 400, 28, 0, 0, 0, 0, 1))).isNull();
        assertThat(EarlyStop.lost(List.of(service), at(600, 400, 29, 0, 0, 0, 0, 1))).startsWith("p99 service <= 10ms: 29 window items already above 10ms");
        // requests of fan-out 4: 2800 items bound 700 requests; 1% = 7
        SloSpec request = new SloSpec.Latency(SloSpec.Metric.REQUEST, 99, Duration.ofMillis(10));
        assertThat(EarlyStop.lost(List.of(request), at(600, 400, 7, 0, 0, 0, 0, 4))).isNull();
        assertThat(EarlyStop.lost(List.of(request), at(600, 400, 8, 0, 0, 0, 0, 4)))
                .startsWith("p99 request <= 10ms: 8 window requests already above 10ms").contains("of at most 700 requests");
        // 400 window items are 100 requests: judged; 396 are 99: not yet
        assertThat(EarlyStop.lost(List.of(request), at(600, 396, 50, 0, 0, 0, 0, 4))).isNull();
    }

    @Test
    void aThroughputFloorIsLostWhenEverythingInFlightAndEverythingStillOfferableCannotReachIt() {
        // window 4 s; 1 s in: at most 300 completed + 100 in flight + 2 x 400/s x 3 s = 2800 items -> 700/s
        assertThat(EarlyStop.lost(List.of(new SloSpec.ThroughputFloor(new io.fanlab.harness.load.Rate(700))), at(600, 400, 0, 0, 300, 100, 0, 1))).isNull();
        assertThat(EarlyStop.lost(List.of(new SloSpec.ThroughputFloor(new io.fanlab.harness.load.Rate(701))), at(600, 400, 0, 0, 300, 100, 0, 1)))
                .startsWith("throughput >= 701/s: at most 2800 items can complete in the 4s window (700.0/s");
        // at the end of the load only what is in flight can still complete
        var end = new EarlyStop.Snapshot(9 * S / 2 - 1, S / 2, 9 * S / 2, 9 * S / 2, 2000, 0, 1600, 400, new long[] {0}, 0, 1590, 10, 0, 1);
        assertThat(EarlyStop.lost(List.of(new SloSpec.ThroughputFloor(new io.fanlab.harness.load.Rate(400))), end)).isNull();
        assertThat(EarlyStop.lost(List.of(new SloSpec.ThroughputFloor(new io.fanlab.harness.load.Rate(401))), end)).isNotNull();
    }

    @Test
    void nothingLostIsLostAtTheFirstItemReportedTwice() {
        assertThat(EarlyStop.lost(List.of(new SloSpec.NothingLost()), at(600, 400, 0, 0, 0, 0, 0, 1))).isNull();
        assertThat(EarlyStop.lost(List.of(new SloSpec.NothingLost()), at(600, 400, 0, 0, 0, 0, 1, 1)))
                .isEqualTo("nothing lost: 1 item(s) reported twice: conservation cannot hold whatever the rest does");
    }

    @Test
    void leaksAndTheCancellationBoundAreNeverDecidedEarly() {
        // the worst figures there are: still nothing to say about threads or the cancel before they happen
        var worst = new EarlyStop.Snapshot(3 * S / 2, S / 2, 9 * S / 2, 9 * S / 2, 600, 600, 400, 400, new long[0], 600, 0, 0, 5, 1);
        assertThat(EarlyStop.lost(List.of(new SloSpec.NoLeakedThreads(), new SloSpec.CancellationLatency(Duration.ofNanos(1))), worst)).isNull();
    }
}
