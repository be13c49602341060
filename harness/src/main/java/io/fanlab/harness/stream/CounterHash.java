package io.fanlab.harness.stream;

/**
 * Counter-based randomness: a uniform draw is a hash of its coordinates rather than the next output of a stateful
 * generator, so draw {@code i} never depends on how many draws came before it or on which thread asked.
 *
 * <h2>Implementation notes</h2>
 * The mixer is the SplitMix64 finaliser ("variant 13" of Stafford's Mix13, as used by {@code java.util.SplittableRandom}
 * and Vigna's {@code splitmix64.c}): {@code z ^= z >>> 30; z *= 0xbf58476d1ce4e5b9; z ^= z >>> 27;
 * z *= 0x94d049bb133111eb; z ^= z >>> 31}. It is a bijection on 64-bit values with full avalanche (every input bit
 * flips each output bit with probability close to 1/2). Coordinates are absorbed one at a time:
 * {@code h = mix(h + GOLDEN * (x + 1))} where {@code GOLDEN = 0x9e3779b97f4a7c15} (2^64 / golden ratio, the
 * SplitMix64 increment), so (seed, a, b) and (seed, b, a) give unrelated values. The top 53 bits become a double
 * in [0, 1) exactly as {@code SplittableRandom.nextDouble} does.
 *
 * <p>Threading: stateless, thread-safe. Cost: one multiply-xorshift round per absorbed coordinate.
 */
public final class CounterHash {
    /** 2^64 / phi, the SplitMix64 increment. */
    public static final long GOLDEN = 0x9e3779b97f4a7c15L;
    private static final double DOUBLE_UNIT = 0x1.0p-53;

    private CounterHash() {}

    /** The SplitMix64 finaliser: a bijective 64-bit mixer with full avalanche. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Absorbs one coordinate {@code x} into the running hash {@code h}. */
    public static long absorb(long h, long x) {
        return mix(h + GOLDEN * (x + 1));
    }

    /** The hash of a seed alone; the starting value for {@link #absorb}. */
    public static long ofSeed(long seed) {
        return mix(seed ^ GOLDEN);
    }

    /** The top 53 bits of {@code h} as a double in [0, 1) (never 1.0). */
    public static double unit(long h) {
        return (h >>> 11) * DOUBLE_UNIT;
    }

    /** Uniform in [0, 1) as a pure function of (seed, a, b). */
    public static double unit(long seed, long a, long b) {
        return unit(absorb(absorb(ofSeed(seed), a), b));
    }
}
