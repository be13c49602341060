package io.fanlab.harness.load;

import io.fanlab.harness.fault.FaultSpec;
import io.fanlab.harness.stream.CounterHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The intended start offsets of an open load, in nanoseconds since the start of the run: a deterministic,
 * monotone non-decreasing, endless sequence. Equal arguments to {@link #of} give equal sequences.
 *
 * <h2>Method: time-warp by cumulative intensity</h2>
 * The rate {@code lambda(t)} (per second) is piecewise linear: the arrival shape gives constant pieces (constant,
 * Poisson, steps, spike) or one linear piece followed by a constant one (ramp), and every
 * {@link FaultSpec.LoadSpike} multiplies the rate inside its window {@code [at, at+duration)} (overlapping spikes
 * multiply). All boundaries become breakpoints, so on each piece {@code lambda(t) = a + b (t - t_i)} and the
 * cumulative intensity {@code Lambda(t) = integral_0^t lambda} is a known quadratic per piece. The last piece lasts
 * forever and has a positive rate, so the sequence never ends.
 * <ul>
 *   <li>Evenly spaced shapes (constant, ramp, steps, spike): arrival {@code k} (from 0) is at
 *       {@code Lambda^-1(k)}. So the count in {@code [0, T)} is {@code ceil(Lambda(T))}: within one of the
 *       integral of the rate, whatever the shape and spikes.</li>
 *   <li>Poisson: arrival {@code k} is at {@code Lambda^-1(E_k)} where {@code E_k} is the k-th arrival of a
 *       unit-rate Poisson process (sum of {@code Exp(1)} gaps drawn from (seed, k) by {@link CounterHash}). A
 *       unit-rate process warped by {@code Lambda^-1} is the inhomogeneous Poisson process of rate
 *       {@code lambda(t)}.</li>
 * </ul>
 * {@code Lambda^-1(x)} on piece i solves {@code a dt + b dt^2 / 2 = r} (with {@code r = x - Lambda(t_i)}) in the
 * cancellation-free form {@code dt = 2 r / (a + sqrt(a^2 + 2 b r))}. Offsets are rounded to the nearest
 * nanosecond (in double precision, exact to well below 1 ns for runs shorter than 100 days).
 *
 * <p>Threading: not thread-safe; one consumer (the generator thread) iterates. Cost: O(1) amortised per arrival
 * (the piece index only moves forward).
 */
public final class ArrivalSchedule {
    private static final double NANOS_PER_SECOND = 1e9;

    private final double[] start;   // piece start, seconds; start[0] == 0
    private final double[] a;       // rate at piece start, per second
    private final double[] b;       // slope, per second^2 (0 on the last piece)
    private final double[] cum;     // Lambda(start[i])
    private final boolean poisson;
    private final long seed;

    private final long[] replay;    // trace replay: the offsets, nanoseconds; null for a rate function

    private long k;                 // index of the next arrival
    private double unitTime;        // E_k for Poisson (the unit-rate clock)
    private int piece;              // piece containing the last answer
    private long lastOffset;

    private ArrivalSchedule(double[] start, double[] a, double[] b, boolean poisson, long seed) {
        this.start = start;
        this.a = a;
        this.b = b;
        this.poisson = poisson;
        this.seed = seed;
        this.replay = null;
        this.cum = new double[start.length];
        for (int i = 1; i < start.length; i++) {
            double dt = start[i] - start[i - 1];
            cum[i] = cum[i - 1] + a[i - 1] * dt + b[i - 1] * dt * dt / 2;
        }
    }

    /** A trace replay: the given offsets (sorted), then none. */
    private ArrivalSchedule(long[] replay) {
        this.start = new double[] {0};
        this.a = new double[] {0};
        this.b = new double[] {0};
        this.cum = new double[] {0};
        this.poisson = false;
        this.seed = 0;
        this.replay = replay;
    }

    /**
     * Builds the schedule of an arrival shape with load-spike faults applied. A {@link LoadSpec.Arrival.Trace}
     * replays its rows: arrival {@code i} at {@code round(t_i / speed)}, then no more ({@link #nextOffsetNanos}
     * answers {@link Long#MAX_VALUE}); it takes no load spikes (the trace is the recorded load).
     *
     * @param seed   seeds the exponential gaps of a Poisson shape; ignored by the evenly spaced shapes
     * @param spikes load-spike faults; each multiplies the rate by its {@code factor} (>= 0) inside its window
     * @throws IllegalArgumentException naming field, value and rule, for a shape or spike that is invalid
     */
    public static ArrivalSchedule of(LoadSpec.Arrival arrival, long seed, List<FaultSpec.LoadSpike> spikes) {
        if (arrival == null) throw new IllegalArgumentException("load.arrival: null (expected: an arrival shape)");
        if (spikes == null) throw new IllegalArgumentException("spikes: null (expected: a list, possibly empty)");
        if (arrival instanceof LoadSpec.Arrival.Trace t) {
            if (!spikes.isEmpty()) throw new IllegalArgumentException("faults.load_spike: with load.trace (expected: none; the trace is the recorded load)");
            long[] offsets = new long[t.trace().size()];
            for (int i = 0; i < offsets.length; i++) offsets[i] = Math.round(t.trace().offsetNanos(i) / t.speed());
            return new ArrivalSchedule(offsets);
        }
        BaseRate base = BaseRate.of(arrival);
        TreeSet<Double> cuts = new TreeSet<>(base.breakpoints);
        double[] spikeFrom = new double[spikes.size()], spikeTo = new double[spikes.size()], factor = new double[spikes.size()];
        for (int i = 0; i < spikes.size(); i++) {
            FaultSpec.LoadSpike s = spikes.get(i);
            String field = "faults.loadSpike[" + i + "]";
            if (s == null) throw new IllegalArgumentException(field + ": null (expected: a load spike)");
            spikeFrom[i] = seconds(nonNegative(field + ".at", s.at()));
            spikeTo[i] = spikeFrom[i] + seconds(nonNegative(field + ".duration", s.duration()));
            if (!(s.factor() >= 0) || Double.isInfinite(s.factor()))
                throw new IllegalArgumentException(field + ".factor: " + s.factor() + " (expected: finite >= 0)");
            factor[i] = s.factor();
            cuts.add(spikeFrom[i]);
            cuts.add(spikeTo[i]);
        }
        int n = cuts.size();
        double[] start = new double[n], a = new double[n], b = new double[n];
        int i = 0;
        for (double t : cuts) {
            double m = 1;
            for (int s = 0; s < factor.length; s++) if (t >= spikeFrom[s] && t < spikeTo[s]) m *= factor[s];
            start[i] = t;
            a[i] = base.rateAt(t) * m;
            b[i] = base.slopeAt(t) * m;
            i++;
        }
        return new ArrivalSchedule(start, a, b, arrival instanceof LoadSpec.Arrival.Poisson, seed);
    }

    /** The offered rate without faults, as piecewise-linear pieces from breakpoint {@code t} on. */
    private record BaseRate(List<Double> breakpoints, double[] from, double[] rate, double[] slope) {
        static BaseRate of(LoadSpec.Arrival arrival) {
            return switch (arrival) {
                case LoadSpec.Arrival.Constant c -> constant(perSecond("load.arrival.constant.rate", c.rate()));
                case LoadSpec.Arrival.Poisson p -> constant(perSecond("load.arrival.poisson.rate", p.rate()));
                case LoadSpec.Arrival.Ramp r -> {
                    double from = perSecond("load.arrival.ramp.from", r.from()), to = perSecond("load.arrival.ramp.to", r.to());
                    double over = seconds(nonNegative("load.arrival.ramp.over", r.over()));
                    if (over == 0) yield constant(to);
                    yield new BaseRate(List.of(0.0, over), new double[] {0, over}, new double[] {from, to}, new double[] {(to - from) / over, 0});
                }
                case LoadSpec.Arrival.Steps s -> {
                    if (s.steps() == null || s.steps().isEmpty())
                        throw new IllegalArgumentException("load.arrival.steps: " + s.steps() + " (expected: at least one step)");
                    int n = s.steps().size();
                    double[] from = new double[n], rate = new double[n];
                    List<Double> cuts = new ArrayList<>();
                    double t = 0;
                    for (int i = 0; i < n; i++) {
                        LoadSpec.Arrival.Steps.Step step = s.steps().get(i);
                        String field = "load.arrival.steps[" + i + "]";
                        if (step == null) throw new IllegalArgumentException(field + ": null (expected: a step)");
                        from[i] = t;
                        rate[i] = perSecond(field + ".rate", step.rate());
                        cuts.add(t);
                        if (i < n - 1) {
                            Duration d = step.duration();
                            if (d == null || d.isNegative() || d.isZero())
                                throw new IllegalArgumentException(field + ".duration: " + d + " (expected: > 0ms)");
                            t += seconds(d);
                        }
                    }
                    yield new BaseRate(cuts, from, rate, new double[n]);
                }
                case LoadSpec.Arrival.Spike s -> {
                    double base = perSecond("load.arrival.spike.base", s.base());
                    if (!(s.factor() >= 0) || Double.isInfinite(s.factor()))
                        throw new IllegalArgumentException("load.arrival.spike.factor: " + s.factor() + " (expected: finite >= 0)");
                    double at = seconds(nonNegative("load.arrival.spike.at", s.at()));
                    double end = at + seconds(nonNegative("load.arrival.spike.duration", s.duration()));
                    yield new BaseRate(List.of(0.0, at, end), new double[] {0, at, end},
                            new double[] {base, base * s.factor(), base}, new double[3]);
                }
                case LoadSpec.Arrival.Trace t -> throw new IllegalArgumentException("load.trace: a replay has no rate function");
            };
        }

        static BaseRate constant(double rate) {
            return new BaseRate(List.of(0.0), new double[] {0}, new double[] {rate}, new double[] {0});
        }

        /** Index of the last piece starting at or before t (pieces may have zero length; the last such wins). */
        private int pieceAt(double t) {
            int i = 0;
            while (i + 1 < from.length && from[i + 1] <= t) i++;
            return i;
        }

        double rateAt(double t) { int i = pieceAt(t); return rate[i] + slope[i] * (t - from[i]); }
        double slopeAt(double t) { return slope[pieceAt(t)]; }
    }

    private static double perSecond(String field, Rate r) {
        if (r == null) throw new IllegalArgumentException(field + ": null (expected: > 0/s)");
        return r.perSecond();
    }

    private static Duration nonNegative(String field, Duration d) {
        if (d == null || d.isNegative()) throw new IllegalArgumentException(field + ": " + d + " (expected: >= 0ms)");
        return d;
    }

    private static double seconds(Duration d) {
        return d.getSeconds() + d.getNano() / NANOS_PER_SECOND;
    }

    /**
     * The intended start offset of the next arrival, nanoseconds since the start of the run; never smaller than
     * the previous answer.
     */
    public long nextOffsetNanos() {
        if (replay != null) return k < replay.length ? replay[(int) k++] : Long.MAX_VALUE;
        double x;
        if (poisson) {
            // Exp(1) gap from a 53-bit uniform: -log1p(-u) is finite since u < 1.
            double u = CounterHash.unit(seed, k, -7);
            unitTime += -Math.log1p(-u);
            x = unitTime;
        } else {
            x = k;
        }
        k++;
        long offset = Math.round(inverseCumulative(x) * NANOS_PER_SECOND);
        if (offset < lastOffset) offset = lastOffset; // guard against rounding on a vanishingly short piece
        lastOffset = offset;
        return offset;
    }

    /** How many arrivals have been returned so far. */
    public long issued() { return k; }

    /**
     * The expected number of arrivals in {@code [0, offsetNanos)}: the integral of the rate (faults included).
     * Exact for the evenly spaced shapes up to one arrival; the mean for Poisson.
     */
    public double expectedArrivals(long offsetNanos) {
        if (offsetNanos <= 0) return 0;
        if (replay != null) return replayedBefore(offsetNanos);
        double t = offsetNanos / NANOS_PER_SECOND;
        int i = 0;
        while (i + 1 < start.length && start[i + 1] <= t) i++;
        double dt = t - start[i];
        return cum[i] + a[i] * dt + b[i] * dt * dt / 2;
    }

    /** The offered rate per second at {@code offsetNanos} (faults included). */
    public double rateAt(long offsetNanos) {
        if (replay != null) { // a replay's rate: its arrivals in the second around the offset
            long half = 500_000_000L;
            return replayedBefore(offsetNanos + half) - replayedBefore(Math.max(0, offsetNanos - half));
        }
        double t = Math.max(0, offsetNanos) / NANOS_PER_SECOND;
        int i = 0;
        while (i + 1 < start.length && start[i + 1] <= t) i++;
        return a[i] + b[i] * (t - start[i]);
    }

    /** Replayed arrivals with offset {@code < offsetNanos}. */
    private int replayedBefore(long offsetNanos) {
        int lo = 0, hi = replay.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (replay[mid] < offsetNanos) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /** Lambda^-1(x) in seconds: the earliest t with Lambda(t) >= x, moving the piece cursor forward only. */
    private double inverseCumulative(double x) {
        while (piece + 1 < start.length && cum[piece + 1] <= x) piece++;
        // zero-rate pieces have cum[i] == cum[i+1] and are skipped by the loop above
        double r = x - cum[piece];
        if (r <= 0) return start[piece];
        double ai = a[piece], bi = b[piece];
        double dt = 2 * r / (ai + Math.sqrt(Math.max(0, ai * ai + 2 * bi * r)));
        return start[piece] + dt;
    }
}
