package io.fanlab.harness.load;

import static org.assertj.core.api.Assertions.*;

import io.fanlab.harness.fault.FaultSpec;
import io.fanlab.harness.load.LoadSpec.Arrival;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.*;
import org.junit.jupiter.api.Test;

class ArrivalScheduleTest {
    static final List<FaultSpec.LoadSpike> NONE = List.of();

    /** Arrivals with offset in [0, endNanos), asserting monotonicity on the way. */
    static long count(ArrivalSchedule s, long endNanos) {
        long n = 0, prev = Long.MIN_VALUE;
        while (true) {
            long t = s.nextOffsetNanos();
            assertThat(t).isGreaterThanOrEqualTo(prev).isGreaterThanOrEqualTo(0);
            prev = t;
            if (t >= endNanos) return n;
            n++;
        }
    }

    static Duration nanos(long n) { return Duration.ofNanos(n); }

    @Property(tries = 60)
    void constantRateGivesRateTimesTWithinOne(@ForAll("rates") double rate, @ForAll("horizons") long tNanos) {
        var s = ArrivalSchedule.of(new Arrival.Constant(new Rate(rate)), 1, NONE);
        assertThat((double) count(s, tNanos)).isCloseTo(rate * tNanos / 1e9, within(1.0));
    }

    @Property(tries = 60)
    void rampGivesItsIntegralWithinOne(@ForAll("rates") double from, @ForAll("rates") double to,
                                       @ForAll("horizons") long overNanos, @ForAll("horizons") long tNanos) {
        var s = ArrivalSchedule.of(new Arrival.Ramp(new Rate(from), new Rate(to), nanos(overNanos)), 1, NONE);
        double over = overNanos / 1e9, t = tNanos / 1e9;
        double integral = t <= over
                ? from * t + (to - from) / over * t * t / 2
                : (from + to) / 2 * over + to * (t - over);
        assertThat((double) count(s, tNanos)).isCloseTo(integral, within(1.0));
        assertThat(s.expectedArrivals(tNanos)).isCloseTo(integral, within(1e-6 * Math.max(1, integral)));
    }

    @Property(tries = 40)
    void stepsGiveTheirIntegralWithinOne(@ForAll("rates") double r1, @ForAll("rates") double r2, @ForAll("rates") double r3,
                                         @ForAll("horizons") long d1, @ForAll("horizons") long d2, @ForAll("horizons") long tNanos) {
        var s = ArrivalSchedule.of(new Arrival.Steps(List.of(
                new Arrival.Steps.Step(new Rate(r1), nanos(d1)),
                new Arrival.Steps.Step(new Rate(r2), nanos(d2)),
                new Arrival.Steps.Step(new Rate(r3), Duration.ofMillis(1)))), 1, NONE);
        double t = tNanos / 1e9, e1 = d1 / 1e9, e2 = e1 + d2 / 1e9;
        double integral = r1 * Math.min(t, e1) + r2 * Math.max(0, Math.min(t, e2) - e1) + r3 * Math.max(0, t - e2);
        assertThat((double) count(s, tNanos)).isCloseTo(integral, within(1.0));
    }

    /** A load-spike fault on a constant rate, and the Spike shape with the same window, give the same integral. */
    @Property(tries = 40)
    void loadSpikeMultipliesTheRateInsideItsWindow(@ForAll("rates") double rate, @ForAll("factors") double factor,
                                                   @ForAll("horizons") long at, @ForAll("horizons") long dur, @ForAll("horizons") long tNanos) {
        var viaFault = ArrivalSchedule.of(new Arrival.Constant(new Rate(rate)), 1,
                List.of(new FaultSpec.LoadSpike(nanos(at), nanos(dur), factor)));
        var viaShape = ArrivalSchedule.of(new Arrival.Spike(new Rate(rate), factor, nanos(at), nanos(dur)), 1, NONE);
        double t = tNanos / 1e9, from = at / 1e9, to = from + dur / 1e9;
        double inside = Math.max(0, Math.min(t, to) - Math.min(t, from));
        double integral = rate * (t - inside) + rate * factor * inside;
        assertThat((double) count(viaFault, tNanos)).isCloseTo(integral, within(1.0));
        assertThat((double) count(viaShape, tNanos)).isCloseTo(integral, within(1.0));
    }

    /** Poisson counts in [0,T) are Poisson(Lambda(T)): within 5 standard deviations (plus one for the boundary). */
    @Property(tries = 40)
    void poissonCountsStayInAFiveSigmaBand(@ForAll long seed, @ForAll("rates") double rate, @ForAll("horizons") long tNanos,
                                           @ForAll("factors") double factor) {
        var spikes = List.of(new FaultSpec.LoadSpike(nanos(tNanos / 4), nanos(tNanos / 2), factor));
        var s = ArrivalSchedule.of(new Arrival.Poisson(new Rate(rate)), seed, spikes);
        double mean = rate * tNanos / 1e9 * (0.5 + 0.5 * factor);
        assertThat(s.expectedArrivals(tNanos)).isCloseTo(mean, within(1e-6 * Math.max(1, mean)));
        assertThat((double) count(s, tNanos)).isCloseTo(mean, within(5 * Math.sqrt(mean) + 1));
    }

    @Test
    void poissonGapsAreExponential() {
        var s = ArrivalSchedule.of(new Arrival.Poisson(new Rate(1000)), 99, NONE);
        int n = 100_000;
        double sum = 0, sumSq = 0;
        long prev = 0;
        for (int i = 0; i < n; i++) {
            long t = s.nextOffsetNanos();
            double gap = (t - prev) / 1e9;
            prev = t;
            sum += gap;
            sumSq += gap * gap;
        }
        double mean = sum / n, cv = Math.sqrt(sumSq / n - mean * mean) / mean;
        assertThat(mean).isCloseTo(1e-3, withinPercentage(2)); // sd of the mean is 1/sqrt(n) = 0.3%
        assertThat(cv).isCloseTo(1.0, within(0.03));
    }

    @Test
    void constantOffsetsAreEvenlySpacedFromZero() {
        var s = ArrivalSchedule.of(new Arrival.Constant(new Rate(1000)), 1, NONE);
        for (int k = 0; k < 5000; k++) assertThat(s.nextOffsetNanos()).isEqualTo(k * 1_000_000L);
        assertThat(s.issued()).isEqualTo(5000);
    }

    @Test
    void rampInvertsTheQuadraticCumulativeCount() {
        // 1/s -> 3/s over 2 s: Lambda(t) = t + t^2/2, so arrival 1 is at sqrt(3) - 1 s, arrival 4 at 2 s, then every 1/3 s
        var s = ArrivalSchedule.of(new Arrival.Ramp(new Rate(1), new Rate(3), Duration.ofSeconds(2)), 1, NONE);
        assertThat(s.nextOffsetNanos()).isZero();
        assertThat(s.nextOffsetNanos()).isCloseTo(Math.round((Math.sqrt(3) - 1) * 1e9), within(1L));
        assertThat(s.nextOffsetNanos()).isCloseTo(Math.round((Math.sqrt(5) - 1) * 1e9), within(1L));
        assertThat(s.nextOffsetNanos()).isCloseTo(Math.round((Math.sqrt(7) - 1) * 1e9), within(1L));
        assertThat(s.nextOffsetNanos()).isCloseTo(2_000_000_000L, within(1L));
        assertThat(s.nextOffsetNanos()).isCloseTo(2_333_333_333L, within(1L));
        assertThat(s.rateAt(1_000_000_000L)).isCloseTo(2.0, within(1e-12));
    }

    @Test
    void overlappingSpikesMultiplyAndComposeWithARamp() {
        // 10/s with x2 on [1, 2) s and x3 on [1.5, 2.5) s: 10 + 10 + 30 + 15 + 5 = 70 arrivals in [0, 3) s
        var spikes = List.of(new FaultSpec.LoadSpike(Duration.ofSeconds(1), Duration.ofSeconds(1), 2),
                new FaultSpec.LoadSpike(Duration.ofMillis(1500), Duration.ofSeconds(1), 3));
        var s = ArrivalSchedule.of(new Arrival.Constant(new Rate(10)), 1, spikes);
        assertThat(s.rateAt(1_750_000_000L)).isEqualTo(60);
        assertThat(s.expectedArrivals(3_000_000_000L)).isCloseTo(70, within(1e-9));
        assertThat(count(s, 3_000_000_000L)).isEqualTo(70);
        // ramp 10/s -> 30/s over 2 s, x2 on [1, 3) s: [0,1) 15, [1,2) 2 * 25, [2,3) 2 * 30 -> 125 in [0, 3) s
        var ramp = ArrivalSchedule.of(new Arrival.Ramp(new Rate(10), new Rate(30), Duration.ofSeconds(2)), 1,
                List.of(new FaultSpec.LoadSpike(Duration.ofSeconds(1), Duration.ofSeconds(2), 2)));
        assertThat(ramp.expectedArrivals(3_000_000_000L)).isCloseTo(125, within(1e-9));
        assertThat((double) count(ramp, 3_000_000_000L)).isCloseTo(125, within(1.0));
    }

    @Test
    void zeroFactorSpikeStopsArrivalsInsideItsWindow() {
        var s = ArrivalSchedule.of(new Arrival.Constant(new Rate(10)), 1,
                List.of(new FaultSpec.LoadSpike(Duration.ofMillis(250), Duration.ofMillis(500), 0)));
        // 0, 100, 200 ms; outage [250, 750); the count resumes where it stopped: 2.5 arrivals were due by 250 ms,
        // so the next (k = 3) is half a gap after the window ends
        assertThat(s.nextOffsetNanos()).isEqualTo(0);
        assertThat(s.nextOffsetNanos()).isEqualTo(100_000_000L);
        assertThat(s.nextOffsetNanos()).isEqualTo(200_000_000L);
        assertThat(s.nextOffsetNanos()).isEqualTo(800_000_000L);
        assertThat(s.nextOffsetNanos()).isEqualTo(900_000_000L);
    }

    @Test
    void sameSeedSameSequenceAndSeedsDiffer() {
        var a = ArrivalSchedule.of(new Arrival.Poisson(new Rate(500)), 5, NONE);
        var b = ArrivalSchedule.of(new Arrival.Poisson(new Rate(500)), 5, NONE);
        var c = ArrivalSchedule.of(new Arrival.Poisson(new Rate(500)), 6, NONE);
        int differ = 0;
        for (int i = 0; i < 10_000; i++) {
            long x = a.nextOffsetNanos();
            assertThat(b.nextOffsetNanos()).isEqualTo(x);
            if (c.nextOffsetNanos() != x) differ++;
        }
        assertThat(differ).isGreaterThan(9_990);
    }

    /**
     * Invalid shapes and spikes never reach the schedule: the records reject them in their constructors with the
     * record's field name (the scenario loader puts them at the YAML node), so these are the records' messages.
     */
    @Test
    void invalidShapesNameTheField() {
        assertThatThrownBy(() -> ArrivalSchedule.of(new Arrival.Steps(List.of()), 1, NONE))
                .hasMessage("steps: [] (expected: at least one step)");
        assertThatThrownBy(() -> ArrivalSchedule.of(new Arrival.Steps(List.of(
                new Arrival.Steps.Step(new Rate(1), Duration.ZERO), new Arrival.Steps.Step(new Rate(1), Duration.ZERO))), 1, NONE))
                .hasMessage("duration: 0ms (expected: > 0ms)");
        assertThatThrownBy(() -> ArrivalSchedule.of(new Arrival.Constant(new Rate(1)), 1,
                List.of(new FaultSpec.LoadSpike(Duration.ofSeconds(-1), Duration.ofSeconds(1), 2))))
                .hasMessage("at: -1s (expected: >= 0ms)");
        assertThatThrownBy(() -> ArrivalSchedule.of(new Arrival.Spike(new Rate(1), -2, Duration.ZERO, Duration.ofSeconds(1)), 1, NONE))
                .hasMessage("factor: -2.0 (expected: finite >= 0)");
        assertThatThrownBy(() -> new FaultSpec.LoadSpike(Duration.ZERO, Duration.ofSeconds(1), Double.NaN))
                .hasMessage("factor: NaN (expected: finite >= 0)");
        assertThatThrownBy(() -> new FaultSpec.LoadSpike(Duration.ZERO, Duration.ofSeconds(1), Double.POSITIVE_INFINITY))
                .hasMessage("factor: Infinity (expected: finite >= 0)");
    }

    /** The Spike shape with factor 0 is the same outage as a zero-factor load-spike fault. */
    @Test
    void zeroFactorSpikeShapeIsAnOutageToo() {
        var s = ArrivalSchedule.of(new Arrival.Spike(new Rate(10), 0, Duration.ofMillis(250), Duration.ofMillis(500)), 1, NONE);
        assertThat(s.nextOffsetNanos()).isEqualTo(0);
        assertThat(s.nextOffsetNanos()).isEqualTo(100_000_000L);
        assertThat(s.nextOffsetNanos()).isEqualTo(200_000_000L);
        assertThat(s.nextOffsetNanos()).isEqualTo(800_000_000L);
        assertThat(s.rateAt(500_000_000L)).isZero();
        assertThat(s.expectedArrivals(1_000_000_000L)).isCloseTo(5, within(1e-9));
    }

    @Provide Arbitrary<Double> rates() { return Arbitraries.doubles().between(0.5, 50_000); }
    @Provide Arbitrary<Long> horizons() { return Arbitraries.longs().between(1_000_000L, 2_000_000_000L); }
    @Provide Arbitrary<Double> factors() { return Arbitraries.doubles().between(0, 5); }
}
