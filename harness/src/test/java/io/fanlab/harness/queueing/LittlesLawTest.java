package io.fanlab.harness.queueing;

import static org.assertj.core.api.Assertions.*;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class LittlesLawTest {
    static final long S = 1_000_000_000L;

    @Test
    void windowThatStartsAndEndsEmptyIsAnIdentity() {
        // [1,3), [2,6), [5,7) in [0,10): area 2 + 4 + 2 = 8 item-seconds
        long[] in = {1 * S, 2 * S, 5 * S}, out = {3 * S, 6 * S, 7 * S};
        assertThat(LittlesLaw.timeAverageInSystem(in, out, 0, 10 * S)).isEqualTo(0.8);
        var check = LittlesLaw.ofTimeline(in, out, 0, 10 * S);
        assertThat(check.lambdaPerSec()).isEqualTo(0.3);
        assertThat(check.meanResponseSec()).isCloseTo(8.0 / 3, within(1e-15));
        assertThat(check.predictedL()).isCloseTo(0.8, within(1e-15));
        assertThat(check.observedL()).isEqualTo(0.8);
        assertThat(check.relativeError()).isLessThan(1e-15);
    }

    @Test
    void itemsStraddlingTheWindowEdgesCountOnlyTheirOverlap() {
        // before: [-2,1) contributes 1 s to L but is not an arrival; [1,3) 2 s; [8,14) 2 s inside, response 6 s;
        // [9, not exited) 1 s inside, arrival without a response
        long[] in = {-2 * S, 1 * S, 8 * S, 9 * S};
        long[] out = {1 * S, 3 * S, 14 * S, LittlesLaw.NOT_EXITED};
        assertThat(LittlesLaw.timeAverageInSystem(in, out, 0, 10 * S)).isEqualTo(0.6);
        var check = LittlesLaw.ofTimeline(in, out, 0, 10 * S);
        assertThat(check.lambdaPerSec()).isEqualTo(0.3);               // entries at 1, 8, 9
        assertThat(check.meanResponseSec()).isEqualTo(4.0);            // (2 + 6) / 2
        assertThat(check.predictedL()).isCloseTo(1.2, within(1e-15));
        assertThat(check.relativeError()).isCloseTo(1.0, within(1e-15)); // |1.2 - 0.6| / 0.6
    }

    @Test
    void samplesHoldTheirCountUntilTheNextSample() {
        // 0 for [0,1), 2 for [1,2), 1 for [2,4); the last sample (5) only closes the window: 4 / 4 s
        assertThat(LittlesLaw.timeAverageOfSamples(new long[] {0, S, 2 * S, 4 * S}, new long[] {0, 2, 1, 5})).isEqualTo(1.0);
        // evenly spaced samples: the plain mean of all but the last
        assertThat(LittlesLaw.timeAverageOfSamples(new long[] {0, 10, 20, 30}, new long[] {3, 4, 5, 100})).isEqualTo(4.0);
    }

    @Test
    void samplesOfAStepTimelineAgreeWithTheTimeline() {
        long[] in = {1 * S, 2 * S, 5 * S}, out = {3 * S, 6 * S, 7 * S};
        long[] times = new long[101], counts = new long[101];
        for (int i = 0; i <= 100; i++) {
            times[i] = i * S / 10;
            for (int k = 0; k < in.length; k++) if (in[k] <= times[i] && times[i] < out[k]) counts[i]++;
        }
        // every change happens on a sample time, so the step rule is exact
        assertThat(LittlesLaw.timeAverageOfSamples(times, counts)).isCloseTo(0.8, within(1e-15));
    }

    @Test
    void relativeErrorEdgeCasesAndInvalidInput() {
        assertThat(LittlesLaw.check(0, 0, 0).relativeError()).isZero();
        assertThat(LittlesLaw.check(1, 1, 0).relativeError()).isInfinite();
        assertThatThrownBy(() -> LittlesLaw.timeAverageInSystem(new long[] {5}, new long[] {4}, 0, 10))
                .hasMessage("exit[0]: 4ns (expected: >= entry 5ns)");
        assertThatThrownBy(() -> LittlesLaw.timeAverageOfSamples(new long[] {0, 0}, new long[] {1, 1}))
                .hasMessage("samples[1]: 0ns (expected: > 0ns)");
        assertThatThrownBy(() -> LittlesLaw.timeAverageInSystem(new long[0], new long[0], 5, 5))
                .hasMessage("window: [5, 5)ns (expected: to > from)");
    }

    /** The live accumulator the harness uses gives exactly the figures of the array form, whatever the timeline. */
    @Property(tries = 300)
    void accumulatorAgreesWithTheTimeline(@ForAll @IntRange(min = 0, max = 60) int n, @ForAll long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        long from = 2 * S, to = 8 * S;
        long[] in = new long[n], out = new long[n];
        LittlesLaw.Accumulator acc = new LittlesLaw.Accumulator(from, to);
        for (int i = 0; i < n; i++) {
            in[i] = (long) (rnd.nextDouble() * 10 * S);
            out[i] = in[i] + (long) (rnd.nextDouble() * 3 * S);
            acc.exited(in[i], out[i]);
        }
        LittlesLaw.Check expected = LittlesLaw.ofTimeline(in, out, from, to);
        LittlesLaw.Check got = acc.check();
        assertThat(got.lambdaPerSec()).isEqualTo(expected.lambdaPerSec());
        assertThat(got.observedL()).isCloseTo(expected.observedL(), within(1e-9));
        assertThat(got.meanResponseSec()).isCloseTo(expected.meanResponseSec(), within(1e-9));
    }
}
