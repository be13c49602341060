package io.fanlab.engine.limit;

import io.fanlab.engine.spec.LimitSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VegasLimitTest {

    /**
     * Hand computation, initial 10, max 20, smoothing 1; for limits 10..99: threshold 1, alpha 3, beta 6, step 1.
     * <pre>
     *  rtt  inflight drop  queue = ceil(limit*(1-100/rtt))   rule              limit
     *  100   10           (sets rttNoLoad = 100)                               10
     *  100   10           0                                 &lt;= 1: +beta(6)   16
     *  110   16           ceil(1.4545) = 2                  &lt; 3: +1          17
     *  200   17           ceil(8.5) = 9                     &gt; 6: -1          16
     *  150   16           ceil(5.33) = 6                    3..6: keep        16
     *  150   16   yes                                       drop: -1          15
     *  150    2           app-limited (2*2 &lt; 15)                              15
     *   90   15           rtt &lt; rttNoLoad: rttNoLoad = 90, no update          15
     * </pre>
     */
    @Test
    void followsHandComputedSequence() {
        var limit = new VegasLimit(new LimitSpec.Vegas(10, 1, 20));
        long[] rtt = {100, 100, 110, 200, 150, 150, 150, 90};
        int[] inflight = {10, 10, 16, 17, 16, 16, 2, 15};
        boolean[] drop = {false, false, false, false, false, true, false, false};
        List<Integer> seen = new ArrayList<>();
        for (int i = 0; i < rtt.length; i++) {
            limit.onSample(0, rtt[i], inflight[i], drop[i]);
            seen.add(limit.currentLimit());
        }
        assertThat(seen).containsExactly(10, 16, 17, 16, 16, 15, 15, 15);
        assertThat(limit.rttNoLoadNanos()).isEqualTo(90);
    }

    @Test
    void growthStopsAtMax() {
        var limit = new VegasLimit(new LimitSpec.Vegas(10, 1, 12));
        limit.onSample(0, 100, 10, false);
        limit.onSample(0, 100, 10, false);
        assertThat(limit.currentLimit()).isEqualTo(12);
    }

    /**
     * Probe multiplier 1: the no-load RTT is reset every {@code limit} samples. Initial 2: sample 1 sets it to 100,
     * sample 2 is the probe and resets it to 200; sample 3 (rtt 300) then sees queue ceil(2*(1-200/300)) = 1
     * (&lt;= threshold: +6 = 8). Without the reset it would see ceil(2*(1-100/300)) = 2 (+1 = 3).
     */
    @Test
    void probeResetsNoLoadRtt() {
        var limit = new VegasLimit(2, 1, 20, 1.0, 1);
        limit.onSample(0, 100, 2, false);
        assertThat(limit.rttNoLoadNanos()).isEqualTo(100);
        limit.onSample(0, 200, 2, false);
        assertThat(limit.rttNoLoadNanos()).isEqualTo(200);
        assertThat(limit.currentLimit()).isEqualTo(2);
        limit.onSample(0, 300, 2, false);
        assertThat(limit.currentLimit()).isEqualTo(8);

    }
}
