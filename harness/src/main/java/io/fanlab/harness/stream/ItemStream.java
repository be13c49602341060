package io.fanlab.harness.stream;

import io.fanlab.harness.fault.FaultSpec;
import io.fanlab.harness.scenario.KeySpec;
import java.util.List;

/**
 * The run's input stream as pure functions of (seed, item index): key, tenant and every per-item uniform draw.
 * Two streams built from equal arguments answer every question identically, bit for bit, whatever the order of the
 * questions, the thread asking, the width or the design (common random numbers).
 *
 * <h2>Draws</h2>
 * {@link #draw} hashes (seed, seq, stage, purpose) with {@link CounterHash} (SplitMix64 finaliser, one round per
 * coordinate) and keeps the top 53 bits: U[0,1). Stage and purpose are absorbed as one coordinate
 * {@code (stage << 8) | tag}, so the streams of different stages and purposes are unrelated; key, tenant and hot-key
 * choices use private tags (16..18) that no {@link Purpose} shares. By convention stage {@code -1} is the load
 * generator's (closed-model think time uses {@code draw(seq, -1, LATENCY)}).
 *
 * <h2>Keys</h2>
 * <ul>
 *   <li>{@link KeySpec.None}: key {@code -1}.</li>
 *   <li>{@link KeySpec.Uniform}: {@code floor(u * n)}.</li>
 *   <li>{@link KeySpec.Zipf}: weight of key k is {@code 1/(k+1)^s}; inverse CDF over cumulative weights computed
 *       once in the constructor ({@code n} doubles, 8 MB at n = 1e6), found by binary search (O(log n)).</li>
 *   <li>{@link KeySpec.HotKey}: key 0 with probability {@code share}, else uniform over [1, n).</li>
 * </ul>
 * A {@link FaultSpec.HotKey} fault active at the item's intended start offset (window {@code [at, at+duration)})
 * sends the item to key 0 with probability {@code share} (an independent draw), otherwise the spec's key applies;
 * when several windows overlap the largest share applies. The window is judged by the intended start offset, not
 * by wall time, so the same items are hot in every run.
 *
 * <p>Threading: immutable after construction, safe to share. Failure: the constructor rejects invalid key specs,
 * tenant counts and hot-key faults with {@link IllegalArgumentException} naming field, value and rule.
 */
public final class ItemStream {

    /** What a draw is for; each purpose has its own unrelated stream of draws. */
    public enum Purpose { COST, ERROR, FAULT, LATENCY, HEDGE }

    private static final int TAG_KEY = 16, TAG_HOT = 17, TAG_TENANT = 18;
    /** Largest key space accepted (cumulative Zipf weights take 8 bytes per key). */
    public static final int MAX_KEYS = 10_000_000;

    private final long seed;
    private final long seedHash;
    private final KeySpec keys;
    private final int tenants;
    private final double[] zipfCumulative; // null unless keys is Zipf
    private final long[] hotAt, hotEnd;
    private final double[] hotShare;

    public ItemStream(long seed, KeySpec keys, int tenants, List<FaultSpec.HotKey> hotKeyFaults) {
        if (keys == null) throw new IllegalArgumentException("keys: null (expected: a key spec)");
        if (tenants < 1) throw new IllegalArgumentException("tenants: " + tenants + " (expected: >= 1)");
        if (hotKeyFaults == null) throw new IllegalArgumentException("hotKeyFaults: null (expected: a list, possibly empty)");
        this.seed = seed;
        this.seedHash = CounterHash.ofSeed(seed);
        this.keys = keys;
        this.tenants = tenants;
        this.zipfCumulative = switch (keys) {
            case KeySpec.None n -> null;
            case KeySpec.Uniform u -> { checkN("keys.uniform.n", u.n(), 1); yield null; }
            case KeySpec.HotKey h -> {
                checkN("keys.hotKey.n", h.n(), 1);
                checkShare("keys.hotKey.share", h.share());
                yield null;
            }
            case KeySpec.Zipf z -> {
                checkN("keys.zipf.n", z.n(), 1);
                if (!(z.s() >= 0) || Double.isInfinite(z.s()))
                    throw new IllegalArgumentException("keys.zipf.s: " + z.s() + " (expected: finite >= 0)");
                yield zipfCumulative(z.n(), z.s());
            }
        };
        int f = hotKeyFaults.size();
        hotAt = new long[f];
        hotEnd = new long[f];
        hotShare = new double[f];
        for (int i = 0; i < f; i++) {
            FaultSpec.HotKey h = hotKeyFaults.get(i);
            String field = "faults.hotKey[" + i + "]";
            if (h == null) throw new IllegalArgumentException(field + ": null (expected: a hot-key fault)");
            if (keys instanceof KeySpec.None)
                throw new IllegalArgumentException(field + ": hot key with keys none (expected: keys uniform, zipf or hotKey)");
            if (h.at() == null || h.at().isNegative()) throw new IllegalArgumentException(field + ".at: " + h.at() + " (expected: >= 0ms)");
            if (h.duration() == null || h.duration().isNegative()) throw new IllegalArgumentException(field + ".duration: " + h.duration() + " (expected: >= 0ms)");
            checkShare(field + ".share", h.share());
            hotAt[i] = h.at().toNanos();
            hotEnd[i] = Math.addExact(hotAt[i], h.duration().toNanos());
            hotShare[i] = h.share();
        }
    }

    private static void checkN(String field, int n, int min) {
        if (n < min || n > MAX_KEYS) throw new IllegalArgumentException(field + ": " + n + " (expected: " + min + ".." + MAX_KEYS + ")");
    }

    private static void checkShare(String field, double share) {
        if (!(share >= 0 && share <= 1)) throw new IllegalArgumentException(field + ": " + share + " (expected: 0 <= share <= 1)");
    }

    /** cum[k] = sum_{j<=k} 1/(j+1)^s, normalised so cum[n-1] == 1 exactly. */
    private static double[] zipfCumulative(int n, double s) {
        double[] cum = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += Math.pow(k + 1, -s);
            cum[k] = sum;
        }
        for (int k = 0; k < n; k++) cum[k] /= sum;
        cum[n - 1] = 1.0;
        return cum;
    }

    public long seed() { return seed; }
    public KeySpec keys() { return keys; }
    public int tenants() { return tenants; }

    /**
     * Uniform draw in [0, 1) for item {@code seq}, stage {@code stage} (pipeline index, or -1 for the load generator)
     * and {@code purpose}. Pure: equal arguments give equal results.
     */
    public double draw(long seq, int stage, Purpose purpose) {
        return draw(seq, stage, purpose.ordinal());
    }

    private double draw(long seq, int stage, int tag) {
        long h = CounterHash.absorb(seedHash, seq);
        return CounterHash.unit(CounterHash.absorb(h, ((long) stage << 8) | tag));
    }

    /**
     * Key of item {@code seq} whose intended start is {@code offsetNanos} after the start of the run (warmup
     * included); {@code -1} when the spec has no keys. Pure in (seq, offsetNanos).
     */
    public long key(long seq, long offsetNanos) {
        if (keys instanceof KeySpec.None) return -1;
        double hot = 0;
        for (int i = 0; i < hotAt.length; i++)
            if (offsetNanos >= hotAt[i] && offsetNanos < hotEnd[i] && hotShare[i] > hot) hot = hotShare[i];
        if (hot > 0 && draw(seq, 0, TAG_HOT) < hot) return 0;
        return baseKey(draw(seq, 0, TAG_KEY));
    }

    /** The spec's key for a uniform draw u in [0,1), before any hot-key fault. */
    long baseKey(double u) {
        return switch (keys) {
            case KeySpec.None n -> -1;
            case KeySpec.Uniform un -> Math.min((long) (u * un.n()), un.n() - 1);
            case KeySpec.Zipf z -> zipfKey(u);
            case KeySpec.HotKey h -> {
                if (u < h.share() || h.n() == 1) yield 0;
                double v = (u - h.share()) / (1 - h.share());
                yield 1 + Math.min((long) (v * (h.n() - 1)), h.n() - 2);
            }
        };
    }

    /** Smallest k with cum[k] > u (binary search); u in [0,1) so the answer is in [0, n). */
    private long zipfKey(double u) {
        double[] cum = zipfCumulative;
        int lo = 0, hi = cum.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cum[mid] > u) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }

    /** Probability of key {@code k} under the spec alone (no fault); for checks and reports. */
    public double keyProbability(long k) {
        return switch (keys) {
            case KeySpec.None n -> k == -1 ? 1 : 0;
            case KeySpec.Uniform u -> k >= 0 && k < u.n() ? 1.0 / u.n() : 0;
            case KeySpec.Zipf z -> k < 0 || k >= z.n() ? 0 : zipfCumulative[(int) k] - (k == 0 ? 0 : zipfCumulative[(int) k - 1]);
            case KeySpec.HotKey h -> {
                if (k < 0 || k >= h.n()) yield 0;
                if (h.n() == 1) yield 1;
                yield k == 0 ? h.share() : (1 - h.share()) / (h.n() - 1);
            }
        };
    }

    /** Tenant of item {@code seq}, uniform over [0, tenants). */
    public int tenant(long seq) {
        if (tenants == 1) return 0;
        return Math.min((int) (draw(seq, 0, TAG_TENANT) * tenants), tenants - 1);
    }
}
