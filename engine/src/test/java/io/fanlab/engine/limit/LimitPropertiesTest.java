package io.fanlab.engine.limit;

import io.fanlab.engine.spec.LimitSpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LimitPropertiesTest {

    record Sample(long rtt, int inflight, boolean drop) {}

    @Provide
    Arbitrary<Sample> samples() {
        return Combinators.combine(
                Arbitraries.oneOf(Arbitraries.longs().between(0, 1_000), Arbitraries.longs().between(0, 10_000_000_000L)),
                Arbitraries.integers().between(0, 500),
                Arbitraries.of(true, false))
                .as(Sample::new);
    }

    @Provide
    Arbitrary<LimitSpec> specs() {
        Arbitrary<int[]> bounds = Combinators.combine(
                Arbitraries.integers().between(1, 50), Arbitraries.integers().between(0, 100), Arbitraries.integers().between(0, 100))
                .as((min, span, at) -> new int[]{min, min + span, min + (span == 0 ? 0 : at % (span + 1))});
        return Arbitraries.oneOf(
                bounds.map(b -> new LimitSpec.Aimd(b[2], b[0], b[1], 0.5, Duration.ofMillis(5))),
                Combinators.combine(bounds, Arbitraries.doubles().between(1.0, 4.0), Arbitraries.integers().between(0, 20))
                        .as((b, tol, q) -> new LimitSpec.Gradient(b[2], b[0], b[1], tol, q)),
                bounds.map(b -> new LimitSpec.Vegas(b[2], b[0], b[1])));
    }

    @Property(tries = 300)
    void limitStaysWithinBoundsForAnySampleSequence(@ForAll("specs") LimitSpec spec,
                                                    @ForAll @Size(max = 200) List<@From("samples") Sample> script) {
        int min, max;
        switch (spec) {
            case LimitSpec.Aimd a -> { min = a.min(); max = a.max(); }
            case LimitSpec.Gradient g -> { min = g.min(); max = g.max(); }
            case LimitSpec.Vegas v -> { min = v.min(); max = v.max(); }
            case LimitSpec.Fixed f -> { min = f.limit(); max = f.limit(); }
        }
        Limit limit = Limits.of(spec, System::nanoTime);
        long t = 0;
        for (Sample s : script) {
            limit.onSample(t, s.rtt(), s.inflight(), s.drop());
            t += s.rtt();
            assertThat(limit.currentLimit()).isBetween(min, max);
        }
    }

    @Property(tries = 50)
    void fixedNeverMoves(@ForAll @IntRange(min = 1, max = 1000) int value,
                         @ForAll @Size(max = 50) List<@From("samples") Sample> script) {
        Limit limit = Limits.of(new LimitSpec.Fixed(value), System::nanoTime);
        for (Sample s : script) limit.onSample(0, s.rtt(), s.inflight(), s.drop());
        assertThat(limit.currentLimit()).isEqualTo(value);
    }
}
