package io.fanlab.harness.stream;

import static org.assertj.core.api.Assertions.*;

import io.fanlab.harness.fault.FaultSpec;
import io.fanlab.harness.scenario.KeySpec;
import io.fanlab.harness.stream.ItemStream.Purpose;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.*;
import org.junit.jupiter.api.Test;

class ItemStreamTest {
    static final List<FaultSpec.HotKey> NO_FAULTS = List.of();

    /** FNV-1a style fold of one million draws, keys and tenants; any change to the stream changes it. */
    static long fingerprint(long seed) {
        var s = new ItemStream(seed, new KeySpec.Zipf(1000, 1.1), 7,
                List.of(new FaultSpec.HotKey(Duration.ofMillis(100), Duration.ofMillis(100), 0.3)));
        Purpose[] ps = Purpose.values();
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < 1_000_000; i++) {
            h = (h ^ Double.doubleToRawLongBits(s.draw(i, i % 4 - 1, ps[i % ps.length]))) * 0x100000001b3L;
            if (i % 10 == 0) {
                h = (h ^ s.key(i, i * 1000L)) * 0x100000001b3L; // offsets 0..1s cross the hot window
                h = (h ^ s.tenant(i)) * 0x100000001b3L;
            }
        }
        return h;
    }

    @Test
    void sameSeedGivesTheGoldenStreamBitForBit() {
        assertThat(fingerprint(42)).isEqualTo(GOLDEN_42);
        assertThat(fingerprint(42)).isEqualTo(fingerprint(42));
    }

    @Test
    void differentSeedsGiveDifferentStreams() {
        assertThat(fingerprint(43)).isNotEqualTo(fingerprint(42));
        var a = new ItemStream(1, new KeySpec.None(), 1, NO_FAULTS);
        var b = new ItemStream(2, new KeySpec.None(), 1, NO_FAULTS);
        int equal = 0;
        for (int i = 0; i < 10_000; i++) if (a.draw(i, 0, Purpose.COST) == b.draw(i, 0, Purpose.COST)) equal++;
        assertThat(equal).isZero();
    }

    /** Recorded from this implementation on 2026-11-29; a change means every stored run's input changed. */
    static final long GOLDEN_42 = -8671092229591344601L;

    /** Chi-square over 100 equiprobable bins, 100k draws; df 99, P(X > 180) < 1e-6 under uniformity. */
    @Property(tries = 20, seed = "20261129")
    void drawsAreUniform(@ForAll long seed, @ForAll("stages") int stage, @ForAll Purpose purpose) {
        var s = new ItemStream(seed, new KeySpec.None(), 1, NO_FAULTS);
        int bins = 100, n = 100_000;
        long[] counts = new long[bins];
        for (int i = 0; i < n; i++) {
            double u = s.draw(i, stage, purpose);
            assertThat(u).isGreaterThanOrEqualTo(0).isLessThan(1);
            counts[(int) (u * bins)]++;
        }
        assertThat(chiSquare(counts, n / (double) bins)).isLessThan(180);
    }

    /**
     * Independence across purposes: the pairs (draw(i, P), draw(i, Q)) fill a 10x10 grid evenly (chi-square,
     * df 99, bound 180) and their correlation is within 5 standard errors of zero.
     */
    @Property(tries = 20, seed = "20261130")
    void drawsAreIndependentAcrossPurposes(@ForAll long seed, @ForAll("stages") int stage, @ForAll Purpose p, @ForAll Purpose q) {
        Assume.that(p != q);
        var s = new ItemStream(seed, new KeySpec.None(), 1, NO_FAULTS);
        int n = 100_000;
        long[] grid = new long[100];
        double sxy = 0;
        for (int i = 0; i < n; i++) {
            double x = s.draw(i, stage, p), y = s.draw(i, stage, q);
            grid[(int) (x * 10) * 10 + (int) (y * 10)]++;
            sxy += (x - 0.5) * (y - 0.5);
        }
        double corr = (sxy / n) / (1.0 / 12);
        assertThat(Math.abs(corr)).isLessThan(5 / Math.sqrt(n));
        assertThat(chiSquare(grid, n / 100.0)).isLessThan(180);
    }

    @Test
    void stagesHaveUnrelatedDraws() {
        var s = new ItemStream(7, new KeySpec.None(), 1, NO_FAULTS);
        int equal = 0;
        for (int i = 0; i < 10_000; i++) if (s.draw(i, 0, Purpose.COST) == s.draw(i, 1, Purpose.COST)) equal++;
        assertThat(equal).isZero();
    }

    @Provide Arbitrary<Integer> stages() { return Arbitraries.integers().between(-1, 8); }

    static double chiSquare(long[] counts, double expected) {
        double x = 0;
        for (long c : counts) x += (c - expected) * (c - expected) / expected;
        return x;
    }

    @Test
    void zipfKeysFollowTheirWeights() {
        int n = 10;
        double s = 1.0;
        var stream = new ItemStream(3, new KeySpec.Zipf(n, s), 1, NO_FAULTS);
        double h = 0;
        for (int k = 1; k <= n; k++) h += 1.0 / k;
        int draws = 200_000;
        long[] counts = new long[n];
        for (int i = 0; i < draws; i++) counts[(int) stream.key(i, 0)]++;
        for (int k = 0; k < n; k++) {
            double p = 1.0 / (k + 1) / h;
            assertThat(stream.keyProbability(k)).isCloseTo(p, within(1e-12));
            double sd = Math.sqrt(draws * p * (1 - p));
            assertThat((double) counts[k]).as("key %d", k).isCloseTo(draws * p, within(5 * sd));
        }
    }

    @Test
    void zipfInverseCdfHitsExactBoundaries() {
        var stream = new ItemStream(3, new KeySpec.Zipf(4, 0), 1, NO_FAULTS); // s = 0: uniform over 4 keys
        assertThat(stream.baseKey(0.0)).isEqualTo(0);
        assertThat(stream.baseKey(Math.nextDown(0.25))).isEqualTo(0);
        assertThat(stream.baseKey(0.25)).isEqualTo(1);
        assertThat(stream.baseKey(0.5)).isEqualTo(2);
        assertThat(stream.baseKey(Math.nextDown(1.0))).isEqualTo(3);
    }

    @Test
    void zipfWithAMillionKeysStaysInRangeAndFavoursKeyZero() {
        var stream = new ItemStream(5, new KeySpec.Zipf(1_000_000, 1.2), 1, NO_FAULTS);
        long zeros = 0;
        for (int i = 0; i < 100_000; i++) {
            long k = stream.key(i, 0);
            assertThat(k).isBetween(0L, 999_999L);
            if (k == 0) zeros++;
        }
        double p0 = stream.keyProbability(0); // 1 / zeta-ish partial sum, about 0.19 for s = 1.2
        assertThat(zeros / 100_000.0).isCloseTo(p0, within(5 * Math.sqrt(p0 * (1 - p0) / 100_000)));
    }

    @Test
    void uniformAndHotKeySpecs() {
        var uni = new ItemStream(9, new KeySpec.Uniform(5), 1, NO_FAULTS);
        var hot = new ItemStream(9, new KeySpec.HotKey(5, 0.5), 1, NO_FAULTS);
        long[] u = new long[5], h = new long[5];
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            u[(int) uni.key(i, 0)]++;
            h[(int) hot.key(i, 0)]++;
        }
        for (int k = 0; k < 5; k++) assertThat((double) u[k]).isCloseTo(n / 5.0, within(5 * Math.sqrt(n * 0.2 * 0.8)));
        assertThat((double) h[0]).isCloseTo(n * 0.5, within(5 * Math.sqrt(n * 0.25)));
        for (int k = 1; k < 5; k++) assertThat((double) h[k]).isCloseTo(n * 0.125, within(5 * Math.sqrt(n * 0.125 * 0.875)));
        assertThat(new ItemStream(9, new KeySpec.None(), 1, NO_FAULTS).key(1, 0)).isEqualTo(-1);
    }

    @Test
    void hotKeyFaultAppliesOnlyInsideItsWindowByIntendedStart() {
        var fault = new FaultSpec.HotKey(Duration.ofSeconds(10), Duration.ofSeconds(5), 0.4);
        var plain = new ItemStream(11, new KeySpec.Uniform(1000), 1, NO_FAULTS);
        var faulty = new ItemStream(11, new KeySpec.Uniform(1000), 1, List.of(fault));
        long before = Duration.ofSeconds(10).toNanos() - 1, inside = Duration.ofSeconds(10).toNanos(),
                lastInside = Duration.ofSeconds(15).toNanos() - 1, after = Duration.ofSeconds(15).toNanos();
        int n = 50_000, hotInside = 0;
        for (int i = 0; i < n; i++) {
            assertThat(faulty.key(i, before)).isEqualTo(plain.key(i, before));
            assertThat(faulty.key(i, after)).isEqualTo(plain.key(i, after));
            long k = faulty.key(i, inside);
            assertThat(faulty.key(i, lastInside)).isEqualTo(k);
            if (k == 0) hotInside++;
            else assertThat(k).isEqualTo(plain.key(i, inside)); // not hot: the spec's own key
        }
        double p = 0.4 + 0.6 / 1000;
        assertThat((double) hotInside).isCloseTo(n * p, within(5 * Math.sqrt(n * p * (1 - p))));
    }

    @Test
    void tenantsAreUniform() {
        var s = new ItemStream(13, new KeySpec.None(), 4, NO_FAULTS);
        long[] t = new long[4];
        int n = 100_000;
        for (int i = 0; i < n; i++) t[s.tenant(i)]++;
        for (long c : t) assertThat((double) c).isCloseTo(n / 4.0, within(5 * Math.sqrt(n * 0.25 * 0.75)));
        assertThat(new ItemStream(13, new KeySpec.None(), 1, NO_FAULTS).tenant(5)).isZero();
    }

    @Test
    void invalidInputNamesTheField() {
        // the key-space bound is the stream's (memory); the other rules are the records' (constructor messages)
        assertThatThrownBy(() -> new ItemStream(1, new KeySpec.Zipf(ItemStream.MAX_KEYS + 1, 1), 1, NO_FAULTS))
                .hasMessage("keys.zipf.n: " + (ItemStream.MAX_KEYS + 1) + " (expected: 1.." + ItemStream.MAX_KEYS + ")");
        assertThatThrownBy(() -> new ItemStream(1, new KeySpec.Zipf(0, 1), 1, NO_FAULTS))
                .hasMessage("n: 0 (expected: >= 1)");
        assertThatThrownBy(() -> new ItemStream(1, new KeySpec.Zipf(10, -1), 1, NO_FAULTS))
                .hasMessage("s: -1.0 (expected: finite >= 0)");
        assertThatThrownBy(() -> new ItemStream(1, new KeySpec.None(), 0, NO_FAULTS)).hasMessage("tenants: 0 (expected: >= 1)");
        assertThatThrownBy(() -> new ItemStream(1, new KeySpec.Uniform(10), 1,
                List.of(new FaultSpec.HotKey(Duration.ZERO, Duration.ofSeconds(1), 1.5))))
                .hasMessage("share: 1.5 (expected: 0..1)");
        assertThatThrownBy(() -> new ItemStream(1, new KeySpec.None(), 1,
                List.of(new FaultSpec.HotKey(Duration.ZERO, Duration.ofSeconds(1), 0.5))))
                .hasMessageStartingWith("faults.hotKey[0]: hot key with keys none");
    }
}
