package io.fanlab.harness.dist;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A distribution of durations (service times, think times, downstream latencies). Samples are taken from a
 * uniform draw {@code u} in [0,1) supplied by the caller, so the caller decides where randomness comes from
 * (common random numbers: the same item gets the same draw at every width and design).
 *
 * <p>Implementations are immutable records, validated in their constructors, and thread-safe.
 */
public sealed interface Distribution {
    /** Inverse-CDF sample in nanoseconds for a uniform draw {@code u} in [0,1). */
    long sampleNanos(double u);

    /** Mean in nanoseconds (exact where closed-form; for empirical data the sample mean). */
    double meanNanos();

    record Constant(Duration value) implements Distribution {
        public long sampleNanos(double u) { throw new UnsupportedOperationException("harness.dist: implemented by the load/work helper"); }
        public double meanNanos() { throw new UnsupportedOperationException(); }
    }
    record Uniform(Duration min, Duration max) implements Distribution {
        public long sampleNanos(double u) { throw new UnsupportedOperationException(); }
        public double meanNanos() { throw new UnsupportedOperationException(); }
    }
    record Exponential(Duration mean) implements Distribution {
        public long sampleNanos(double u) { throw new UnsupportedOperationException(); }
        public double meanNanos() { throw new UnsupportedOperationException(); }
    }
    /** Log-normal given by its median and 99th percentile (sigma = ln(p99/median) / z(0.99)). */
    record LogNormal(Duration median, Duration p99) implements Distribution {
        public long sampleNanos(double u) { throw new UnsupportedOperationException(); }
        public double meanNanos() { throw new UnsupportedOperationException(); }
    }
    /** Pareto with scale x_m and shape alpha (alpha > 1 for a finite mean). */
    record Pareto(Duration scale, double shape) implements Distribution {
        public long sampleNanos(double u) { throw new UnsupportedOperationException(); }
        public double meanNanos() { throw new UnsupportedOperationException(); }
    }
    /** Weighted mixture, e.g. 99% lognormal + 1% constant 1s; weights sum to 1. */
    record Mixture(List<Component> components) implements Distribution {
        public record Component(double weight, Distribution distribution) {}
        public long sampleNanos(double u) { throw new UnsupportedOperationException(); }
        public double meanNanos() { throw new UnsupportedOperationException(); }
    }
    /** Empirical distribution from a CSV of durations in ms (one column, optional header), sampled by quantile. */
    record Empirical(Path file, long[] sortedNanos) implements Distribution {
        public long sampleNanos(double u) { throw new UnsupportedOperationException(); }
        public double meanNanos() { throw new UnsupportedOperationException(); }
    }
}
