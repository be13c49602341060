package io.fanlab.harness.stream;

import static org.assertj.core.api.Assertions.*;

import java.util.SplittableRandom;
import net.jqwik.api.*;

class CounterHashTest {
    /** The JDK's SplittableRandom is SplitMix64: its first output for seed s is mix(s + GOLDEN). */
    @Property
    void mixIsTheSplitMix64FinaliserOfTheJdk(@ForAll long seed) {
        var r = new SplittableRandom(seed);
        assertThat(CounterHash.mix(seed + CounterHash.GOLDEN)).isEqualTo(r.nextLong());
        var r2 = new SplittableRandom(seed);
        assertThat(CounterHash.unit(CounterHash.mix(seed + CounterHash.GOLDEN))).isEqualTo(r2.nextDouble());
    }

    @Property
    void coordinatesDoNotCommute(@ForAll long seed, @ForAll long a, @ForAll long b) {
        Assume.that(a != b);
        assertThat(CounterHash.unit(seed, a, b)).isNotEqualTo(CounterHash.unit(seed, b, a));
    }

    @Example
    void unitStaysBelowOne() {
        assertThat(CounterHash.unit(-1L)).isLessThan(1.0).isEqualTo(Math.nextDown(1.0));
        assertThat(CounterHash.unit(0L)).isZero();
    }
}
