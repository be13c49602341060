package io.fanlab.engine.limit;

import io.fanlab.engine.spec.RateLimit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenBucketTest {
    private static final long MS = 1_000_000L;

    @Test
    void exactTokenArithmetic() {
        var clock = new ManualClock(5_000 * MS);
        var bucket = new TokenBucket(new RateLimit(10, 5), clock); // 1 token per 100 ms
        assertThat(bucket.availableTokens()).isEqualTo(5.0); // starts full
        assertThat(bucket.tryAcquire(5)).isTrue();
        assertThat(bucket.tryAcquire(1)).isFalse();
        clock.advance(50 * MS);
        assertThat(bucket.availableTokens()).isEqualTo(0.5);
        assertThat(bucket.tryAcquire(1)).isFalse();
        assertThat(bucket.nanosUntil(1)).isEqualTo(50 * MS);
        assertThat(bucket.nanosUntil(3)).isEqualTo(250 * MS);
        clock.advance(50 * MS);
        assertThat(bucket.nanosUntil(1)).isZero();
        assertThat(bucket.tryAcquire(1)).isTrue();
        assertThat(bucket.availableTokens()).isEqualTo(0.0);
        clock.advance(10_000 * MS);
        assertThat(bucket.availableTokens()).isEqualTo(5.0); // capped at burst
        assertThat(bucket.tryAcquire(2)).isTrue();
        assertThat(bucket.tryAcquire(3)).isTrue();
        assertThat(bucket.tryAcquire(1)).isFalse();
    }

    @Test
    void fractionalRatesRefillUnderFrequentPolling() {
        var clock = new ManualClock();
        var bucket = new TokenBucket(new RateLimit(0.5, 1), clock); // one token per 2 s
        assertThat(bucket.tryAcquire(1)).isTrue();
        int granted = 0;
        for (int ms = 1; ms <= 2_000; ms++) { // poll every millisecond for 2 s
            clock.advance(MS);
            if (bucket.tryAcquire(1)) granted++;
        }
        assertThat(granted).isEqualTo(1);
        assertThat(bucket.tryAcquire(1)).isFalse();
    }

    @Test
    void weightAboveBurstIsRejectedNamingTheRule() {
        var bucket = new TokenBucket(new RateLimit(10, 5), new ManualClock());
        assertThatThrownBy(() -> bucket.tryAcquire(6)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("tokens: 6 (expected: 1..5");
        assertThatThrownBy(() -> bucket.nanosUntil(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acquireReservesAndSleepsOutTheDebt() throws InterruptedException {
        var clock = new ManualClock();
        List<Long> sleeps = new ArrayList<>();
        Sleeper sleeper = n -> { sleeps.add(n); clock.advance(n); };
        var bucket = new TokenBucket(new RateLimit(4, 2), clock, sleeper); // 1 token per 250 ms
        bucket.acquire(2);   // full: no sleep
        bucket.acquire(1);   // debt 1: 250 ms
        bucket.acquire(2);   // balance 0, need 2: 500 ms
        assertThat(sleeps).containsExactly(250 * MS, 500 * MS);
        assertThat(bucket.availableTokens()).isEqualTo(0.0);
    }

    @Test
    void reservationsQueueUpWithoutTime() throws InterruptedException {
        var clock = new ManualClock();
        List<Long> sleeps = new ArrayList<>();
        var bucket = new TokenBucket(new RateLimit(4, 2), clock, sleeps::add); // sleeper does not move the clock
        bucket.acquire(2);
        bucket.acquire(1);
        bucket.acquire(1);
        assertThat(sleeps).containsExactly(250 * MS, 500 * MS); // the second waiter waits behind the first
        assertThat(bucket.availableTokens()).isEqualTo(-2.0);
        assertThat(bucket.tryAcquire(1)).isFalse();
    }

    @Test
    void interruptedAcquireReturnsItsReservation() {
        var clock = new ManualClock();
        var bucket = new TokenBucket(new RateLimit(4, 2), clock, n -> { throw new InterruptedException(); });
        assertThat(bucket.tryAcquire(2)).isTrue();
        assertThatThrownBy(() -> bucket.acquire(1)).isInstanceOf(InterruptedException.class);
        assertThat(bucket.availableTokens()).isEqualTo(0.0);
    }

    record Op(long advanceNanos, int tokens) {}

    @Provide
    Arbitrary<Op> ops() {
        return Combinators.combine(Arbitraries.longs().between(0, 2_000 * MS), Arbitraries.integers().between(1, 20))
                .as(Op::new);
    }

    /** For every interval [t_i, t_j] of the script, tokens granted at times in it <= burst + rate * (t_j - t_i). */
    @Property(tries = 300)
    void neverGrantsMoreThanBurstPlusRateTimesElapsed(@ForAll @DoubleRange(min = 0.1, max = 1000) double rate,
                                                      @ForAll @IntRange(min = 1, max = 20) int burst,
                                                      @ForAll @Size(max = 60) List<@From("ops") Op> script) {
        var clock = new ManualClock(123);
        var bucket = new TokenBucket(new RateLimit(rate, burst), clock);
        List<long[]> grants = new ArrayList<>(); // time, tokens
        for (Op op : script) {
            clock.advance(op.advanceNanos());
            int tokens = Math.min(op.tokens(), burst);
            if (bucket.tryAcquire(tokens)) grants.add(new long[]{clock.getAsLong(), tokens});
        }
        for (int i = 0; i < grants.size(); i++) {
            long sum = 0;
            for (int j = i; j < grants.size(); j++) {
                sum += grants.get(j)[1];
                double elapsedSeconds = (grants.get(j)[0] - grants.get(i)[0]) / 1e9;
                assertThat((double) sum).isLessThanOrEqualTo(burst + rate * elapsedSeconds + 1e-9);
            }
        }
    }
}
