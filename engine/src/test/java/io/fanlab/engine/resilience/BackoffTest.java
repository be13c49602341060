package io.fanlab.engine.resilience;

import io.fanlab.engine.spec.RetryPolicy;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {
    private static final long MS = 1_000_000L;
    private static final RetryPolicy P = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(1), 0.5, 1);

    @Test
    void doublesUpToTheCapWithEqualJitter() {
        assertThat(Backoff.delayNanos(P, 1, 0)).isEqualTo(100 * MS);
        assertThat(Backoff.delayNanos(P, 2, 0)).isEqualTo(200 * MS);
        assertThat(Backoff.delayNanos(P, 4, 0)).isEqualTo(800 * MS);
        assertThat(Backoff.delayNanos(P, 5, 0)).isEqualTo(1000 * MS);
        assertThat(Backoff.delayNanos(P, 1_000_000, 0)).isEqualTo(1000 * MS);
        assertThat(Backoff.delayNanos(P, 1, 0.5)).isEqualTo(75 * MS);   // 100 * (1 - 0.5 * 0.5)
        assertThat(Backoff.delayNanos(P, 2, 0.5)).isEqualTo(150 * MS);
        var none = new RetryPolicy(3, Duration.ZERO, Duration.ZERO, 0.5, 1);
        assertThat(Backoff.delayNanos(none, 3, 0.9)).isZero();
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> Backoff.delayNanos(P, 0, 0)).hasMessage("retryNumber: 0 (expected: >= 1)");
        assertThatThrownBy(() -> Backoff.delayNanos(P, 1, 1.0)).hasMessage("u: 1.0 (expected: 0 <= u < 1)");
    }

    @Property(tries = 300)
    void staysWithinJitterBandOfTheCappedExponential(@ForAll @LongRange(min = 0, max = 10_000) long backoffMs,
                                                     @ForAll @LongRange(min = 0, max = 100_000) long extraMs,
                                                     @ForAll @DoubleRange(min = 0, max = 1) double jitter,
                                                     @ForAll @IntRange(min = 1, max = 200) int retry,
                                                     @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double u) {
        var p = new RetryPolicy(3, Duration.ofMillis(backoffMs), Duration.ofMillis(backoffMs + extraMs), jitter, 1);
        double ideal = Math.min((backoffMs + extraMs) * 1e6, backoffMs * 1e6 * Math.pow(2, retry - 1));
        long d = Backoff.delayNanos(p, retry, u);
        assertThat((double) d).isBetween(ideal * (1 - jitter) - 1, ideal);
    }
}
