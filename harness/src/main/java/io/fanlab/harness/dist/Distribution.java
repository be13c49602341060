package io.fanlab.harness.dist;

import io.fanlab.engine.spec.Check;
import io.fanlab.engine.spec.InvalidField;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * A distribution of durations (service times, think times, downstream latencies). Samples are taken from a
 * uniform draw {@code u} in [0,1) supplied by the caller, so the caller decides where randomness comes from
 * (common random numbers: the same item gets the same draw at every width and design). Every distribution
 * samples by inverse CDF, so sampling is a pure function of {@code u}.
 *
 * <p>Implementations are immutable records, validated in their constructors, and thread-safe. Samples are capped
 * at {@link #CAP_NANOS} (one hour) so arithmetic on them cannot overflow.
 */
public sealed interface Distribution {
    long CAP_NANOS = Duration.ofHours(1).toNanos();

    /** Inverse-CDF sample in nanoseconds for a uniform draw {@code u} in [0,1). */
    long sampleNanos(double u);

    /** Mean in nanoseconds (exact where closed-form; for empirical data the sample mean; may be infinite for Pareto with shape <= 1). */
    double meanNanos();

    /** The value at quantile q in [0,1). */
    default long quantileNanos(double q) { return sampleNanos(q); }

    private static long cap(double nanos) {
        if (!(nanos > 0)) return 0;
        return nanos >= CAP_NANOS ? CAP_NANOS : Math.round(nanos);
    }


    record Constant(Duration value) implements Distribution {
        public Constant { Check.nonNegative("constant", value); }
        public long sampleNanos(double u) { return cap(value.toNanos()); }
        public double meanNanos() { return value.toNanos(); }
    }

    record Uniform(Duration min, Duration max) implements Distribution {
        public Uniform {
            Check.nonNegative("uniform", "min", min);
            Check.nonNegative("uniform", "max", max);
            if (max.compareTo(min) < 0) throw new InvalidField("uniform", List.of("max"), Check.show(max), ">= uniform.min " + Check.show(min));
        }
        public long sampleNanos(double u) { return cap(min.toNanos() + u * (max.toNanos() - min.toNanos())); }
        public double meanNanos() { return (min.toNanos() + max.toNanos()) / 2.0; }
    }

    record Exponential(Duration mean) implements Distribution {
        public Exponential { Check.positive("exponential", "mean", mean); }
        public long sampleNanos(double u) { return cap(-mean.toNanos() * Math.log1p(-u)); }
        public double meanNanos() { return mean.toNanos(); }
    }

    /** Log-normal given by its median and 99th percentile (sigma = ln(p99/median) / z(0.99)). */
    record LogNormal(Duration median, Duration p99) implements Distribution {
        static final double Z99 = 2.3263478740408408;
        public LogNormal {
            Check.positive("lognormal", "median", median);
            Check.positive("lognormal", "p99", p99);
            if (p99.compareTo(median) <= 0) throw new InvalidField("lognormal", List.of("p99"), Check.show(p99), "> lognormal.median " + Check.show(median));
        }
        public double mu() { return Math.log(median.toNanos()); }
        public double sigma() { return Math.log((double) p99.toNanos() / median.toNanos()) / Z99; }
        public long sampleNanos(double u) { return cap(Math.exp(mu() + sigma() * Normal.inverseCdf(u))); }
        public double meanNanos() { double s = sigma(); return Math.exp(mu() + s * s / 2); }
    }

    /** Pareto with scale x_m and shape alpha; the mean is finite only for alpha > 1. */
    record Pareto(Duration scale, double shape) implements Distribution {
        public Pareto {
            Check.positive("pareto", "scale", scale);
            if (!(shape > 0) || Double.isInfinite(shape)) throw new InvalidField("pareto", List.of("shape"), String.valueOf(shape), "> 0");
        }
        public long sampleNanos(double u) { return cap(scale.toNanos() / Math.pow(1 - u, 1 / shape)); }
        public double meanNanos() { return shape > 1 ? shape * scale.toNanos() / (shape - 1) : Double.POSITIVE_INFINITY; }
    }

    /** Weighted mixture, e.g. 99% lognormal + 1% constant 1s; weights sum to 1 (within 1e-6). */
    record Mixture(List<Component> components) implements Distribution {
        public record Component(double weight, Distribution distribution) {
            public Component {
                if (!(weight > 0 && weight <= 1)) throw new InvalidField("mixture", List.of("weight"), String.valueOf(weight), "0 < w <= 1");
                if (distribution == null) throw new InvalidField("mixture", List.of("distribution"), "null", "a distribution");
            }
        }
        public Mixture {
            components = List.copyOf(components);
            if (components.isEmpty()) throw new InvalidField("", List.of("mixture"), "[]", "at least one component");
            double sum = components.stream().mapToDouble(Component::weight).sum();
            if (Math.abs(sum - 1) > 1e-6) throw new InvalidField("", List.of("mixture"), "weights sum to " + sum, "1");
        }
        /** Picks the component by cumulative weight and rescales {@code u} into it, so one draw suffices. */
        public long sampleNanos(double u) {
            double lo = 0;
            for (int i = 0; i < components.size(); i++) {
                Component c = components.get(i);
                double hi = lo + c.weight();
                if (u < hi || i == components.size() - 1) {
                    double inner = Math.min(Math.max((u - lo) / c.weight(), 0), Math.nextDown(1.0));
                    return c.distribution().sampleNanos(inner);
                }
                lo = hi;
            }
            throw new AssertionError();
        }
        public double meanNanos() { return components.stream().mapToDouble(c -> c.weight() * c.distribution().meanNanos()).sum(); }
    }

    /** Empirical distribution from a CSV of durations in ms (first column; header and blank lines skipped), sampled by quantile. */
    record Empirical(Path file, long[] sortedNanos) implements Distribution {
        public Empirical {
            if (sortedNanos == null || sortedNanos.length == 0) throw new IllegalArgumentException("empirical: " + file + " has no values (expected: at least one duration in ms)");
            sortedNanos = sortedNanos.clone();
            Arrays.sort(sortedNanos);
        }

        /** Reads {@code file}; errors name the file and line. */
        public static Empirical load(Path file) throws IOException {
            List<String> lines = Files.readAllLines(file);
            long[] values = new long[lines.size()];
            int n = 0;
            for (int i = 0; i < lines.size(); i++) {
                String cell = lines.get(i).split(",", 2)[0].trim();
                if (cell.isEmpty() || cell.startsWith("#")) continue;
                double ms;
                try {
                    ms = Double.parseDouble(cell);
                } catch (NumberFormatException e) {
                    if (n == 0) continue; // header
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": '" + cell + "' (expected: a duration in ms)");
                }
                if (!(ms >= 0) || Double.isInfinite(ms)) throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + cell + " (expected: >= 0 ms)");
                values[n++] = Math.round(ms * 1e6);
            }
            return new Empirical(file, Arrays.copyOf(values, n));
        }

        public long sampleNanos(double u) { return cap(sortedNanos[Math.min((int) (u * sortedNanos.length), sortedNanos.length - 1)]); }
        public double meanNanos() { return Arrays.stream(sortedNanos).average().orElse(0); }
        @Override public boolean equals(Object o) { return o instanceof Empirical e && e.file.equals(file) && Arrays.equals(e.sortedNanos, sortedNanos); }
        @Override public int hashCode() { return file.hashCode() * 31 + Arrays.hashCode(sortedNanos); }
        @Override public String toString() { return "Empirical[" + file + ", n=" + sortedNanos.length + "]"; }
    }
}
