package io.fanlab.engine.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServiceTimesTest {

    @Test
    void bucketsAreContiguousAndAtMostAnEighthOfTheirLowerBoundWide() {
        assertThat(ServiceTimes.lowestNanos(0)).isZero();
        for (int i = 0; i < ServiceTimes.BUCKETS - 1; i++) {
            long lo = ServiceTimes.lowestNanos(i), hi = ServiceTimes.highestNanos(i);
            assertThat(ServiceTimes.lowestNanos(i + 1)).as("bucket %d", i).isEqualTo(hi + 1);
            assertThat(ServiceTimes.index(lo)).as("lowest of %d", i).isEqualTo(i);
            assertThat(ServiceTimes.index(hi)).as("highest of %d", i).isEqualTo(i);
            if (lo >= 8) assertThat(hi - lo + 1).as("width of %d", i).isLessThanOrEqualTo(lo / 8);
        }
        assertThat(ServiceTimes.index(-5)).isZero();
        assertThat(ServiceTimes.index(Long.MAX_VALUE)).isEqualTo(ServiceTimes.BUCKETS - 1);
        assertThat(ServiceTimes.index(ServiceTimes.MAX_TRACKED_NANOS)).isEqualTo(ServiceTimes.BUCKETS - 1);
    }

    @Test
    void percentilesLandInTheBucketOfTheRankedItemAndMinusGivesTheWindow() {
        long[] c = new long[ServiceTimes.BUCKETS];
        c[ServiceTimes.index(100_000)] = 98;   // 98 items of 100 us
        c[ServiceTimes.index(5_000_000)] = 2;  // 2 items of 5 ms
        ServiceTimes before = ServiceTimes.of(c);
        assertThat(before.count()).isEqualTo(100);
        assertThat(before.percentileNanos(0.5)).isBetween(100_000L, 112_500L);
        assertThat(before.percentileNanos(0.98)).isBetween(100_000L, 112_500L);
        assertThat(before.percentileNanos(0.99)).isBetween(5_000_000L, 5_625_000L);
        assertThat(before.maxNanos()).isEqualTo(before.percentileNanos(1.0));
        c[ServiceTimes.index(1_000)] += 10;
        ServiceTimes window = ServiceTimes.of(c).minus(before);
        assertThat(window.count()).isEqualTo(10);
        assertThat(window.maxNanos()).isBetween(1_000L, 1_125L);
        assertThat(ServiceTimes.EMPTY.percentileNanos(0.99)).isZero();
        assertThat(ServiceTimes.EMPTY.maxNanos()).isZero();
        assertThatThrownBy(() -> before.percentileNanos(0)).hasMessageContaining("expected: 0 < q <= 1");
        assertThatThrownBy(() -> ServiceTimes.of(new long[3])).hasMessageContaining("counts.length: 3");
    }
}
