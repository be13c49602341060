package io.fanlab.engine.resilience;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyWindowTest {

    @Test
    void emptyUntilMinSamplesThenNearestRank() {
        var w = new LatencyWindow(128, 5);
        for (int i = 1; i <= 4; i++) w.record(i);
        assertThat(w.percentileNanos(50)).isEmpty();
        for (int i = 5; i <= 100; i++) w.record(i);
        assertThat(w.percentileNanos(50)).hasValue(50);
        assertThat(w.percentileNanos(99)).hasValue(99);
        assertThat(w.percentileNanos(99.5)).hasValue(100);
        assertThat(w.percentileNanos(100)).hasValue(100);
        assertThat(w.percentileNanos(0.1)).hasValue(1);
    }

    @Test
    void keepsOnlyTheLastCapacitySamples() {
        var w = new LatencyWindow(10, 1);
        for (int i = 1; i <= 20; i++) w.record(i * 1000L);
        assertThat(w.percentileNanos(10)).hasValue(11_000);
        assertThat(w.percentileNanos(50)).hasValue(15_000);
        assertThat(w.count()).isEqualTo(20);
    }

    @Test
    void cachedPercentileRefreshesEverySixteenthOfTheRing() {
        var w = new LatencyWindow(64, 1); // refresh every 4 samples
        for (int i = 0; i < 64; i++) w.record(10);
        assertThat(w.percentileNanos(50)).hasValue(10);
        for (int i = 0; i < 3; i++) w.record(1_000); // 3 new samples: cached value still served
        assertThat(w.percentileNanos(50)).hasValue(10);
        for (int i = 0; i < 40; i++) w.record(1_000);
        assertThat(w.percentileNanos(50)).hasValue(1_000);
        assertThat(w.percentileNanos(10)).hasValue(10); // another p recomputes at once
    }
}
