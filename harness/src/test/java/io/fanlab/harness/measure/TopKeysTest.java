package io.fanlab.harness.measure;

import static org.assertj.core.api.Assertions.*;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.*;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class TopKeysTest {
    @Test
    void fewKeysAreCountedExactly() {
        TopKeys t = new TopKeys(4);
        for (long k : new long[] {1, 2, 2, 3, 3, 3, -1}) t.add(k);
        assertThat(t.top(2, false)).containsExactly(new TopKeys.KeyCount(3, 3, 0), new TopKeys.KeyCount(2, 2, 0));
        assertThat(t.total()).isEqualTo(6);
    }

    /** Space-Saving's guarantees: count - error <= true <= count, and any key above total/capacity is reported. */
    @Property(tries = 200)
    void boundsHoldAndHeavyHittersAreFound(@ForAll @IntRange(min = 2, max = 16) int capacity, @ForAll long seed) {
        Random rnd = new Random(seed);
        TopKeys t = new TopKeys(capacity);
        Map<Long, Long> truth = new HashMap<>();
        int n = 2_000;
        for (int i = 0; i < n; i++) {
            long key = rnd.nextInt(4) == 0 ? 7 : rnd.nextInt(200); // key 7 holds about a quarter
            t.add(key);
            truth.merge(key, 1L, Long::sum);
        }
        List<TopKeys.KeyCount> all = t.top(capacity, false);
        for (TopKeys.KeyCount kc : all) {
            long real = truth.get(kc.key());
            assertThat(real).isBetween(kc.count() - kc.error(), kc.count());
        }
        truth.forEach((key, c) -> {
            if (c > n / capacity) assertThat(all).extracting(TopKeys.KeyCount::key).contains(key);
        });
    }
}
