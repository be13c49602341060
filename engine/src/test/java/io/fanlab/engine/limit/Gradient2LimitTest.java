package io.fanlab.engine.limit;

import io.fanlab.engine.spec.LimitSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class Gradient2LimitTest {

    /**
     * Hand computation: smoothing 1, warm-up 1, long window 3 (factor 0.5), tolerance 1, queue size 2, initial 20.
     * <pre>
     *  rtt inflight  longRtt                 gradient          limit
     *  100   20      100                     1                 20*1 + 2       = 22
     *  200   20      150                     0.75              22*0.75 + 2    = 18.5
     *  200   20      175                     0.875             18.5*0.875 + 2 = 18.1875
     *   50   20      112.5 (2.25&gt;2: stored 106.875) min(1,2.25)=1  18.1875 + 2 = 20.1875
     *   50   20      78.4375                 1                 22.1875
     *   50    5      64.21875                app-limited       22.1875
     * </pre>
     */
    @Test
    void followsHandComputedSequence() {
        var limit = new Gradient2Limit(20, 1, 100, 1.0, 2, 1.0, 3, 1);
        long[] rtts = {100, 200, 200, 50, 50, 50};
        int[] inflight = {20, 20, 20, 20, 20, 5};
        double[] expected = {22, 18.5, 18.1875, 20.1875, 22.1875, 22.1875};
        int[] expectedInt = {22, 18, 18, 20, 22, 22};
        for (int i = 0; i < rtts.length; i++) {
            limit.onSample(0, rtts[i], inflight[i], false);
            assertThat(limit.estimatedLimit()).as("sample %d", i).isCloseTo(expected[i], within(1e-9));
            assertThat(limit.currentLimit()).as("sample %d", i).isEqualTo(expectedInt[i]);
        }
        // the decay at sample 4 is visible in the next gradient: with longRtt 106.875 (not 112.5) the next
        // sample of 150 gives longRtt 0.5*64.21875+75 = 107.109375, gradient 0.714...
        limit.onSample(0, 150, 22, false);
        double g = Math.max(0.5, Math.min(1, (0.5 * 64.21875 + 75) / 150));
        assertThat(limit.estimatedLimit()).isCloseTo(22.1875 * g + 2, within(1e-9));
    }

    /** Netflix defaults (smoothing 0.2, warm-up 10), tolerance 1.5, queue 2, initial 10, inflight 10. */
    @Test
    void defaultsSmoothTowardsTheNewLimit() {
        var limit = new Gradient2Limit(new LimitSpec.Gradient(10, 1, 100, 1.5, 2));
        limit.onSample(0, 100, 10, false); // long 100, gradient 1: new 12, smoothed 10*0.8+12*0.2 = 10.4
        assertThat(limit.estimatedLimit()).isCloseTo(10.4, within(1e-9));
        limit.onSample(0, 100, 10, false); // 10.4*0.8 + 12.4*0.2 = 10.8
        assertThat(limit.estimatedLimit()).isCloseTo(10.8, within(1e-9));
        limit.onSample(0, 400, 10, false); // long (100+100+400)/3 = 200, gradient 1.5*200/400 = 0.75
        // new 10.8*0.75+2 = 10.1; smoothed 10.8*0.8 + 10.1*0.2 = 10.66
        assertThat(limit.estimatedLimit()).isCloseTo(10.66, within(1e-9));
        assertThat(limit.currentLimit()).isEqualTo(10);
    }

    @Test
    void gradientNeverCutsMoreThanHalfPerSample() {
        var limit = new Gradient2Limit(40, 1, 100, 1.0, 0, 1.0, 600, 1);
        limit.onSample(0, 10, 40, false);
        limit.onSample(0, 1_000_000, 40, false); // long ~ 3.3e3, ratio ~0.003: gradient floored at 0.5
        assertThat(limit.estimatedLimit()).isCloseTo(20, within(1e-9));
    }

    @Test
    void clampsToMin() {
        var limit = new Gradient2Limit(4, 3, 10, 1.0, 0, 1.0, 600, 1);
        limit.onSample(0, 10, 4, false);
        limit.onSample(0, 1000, 4, false);
        assertThat(limit.currentLimit()).isEqualTo(3);
    }
}
