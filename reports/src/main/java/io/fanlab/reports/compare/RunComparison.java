package io.fanlab.reports.compare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeSet;

import io.fanlab.reports.analysis.Analysis;
import io.fanlab.reports.analysis.SweepAnalysis;
import io.fanlab.reports.run.PointRecord;
import io.fanlab.reports.run.RunRecord;

/**
 * Compares a candidate run with a baseline run, point by point (design x width), metric by metric
 * ({@link Metric}), direction-aware and noise-aware. Used by {@code fanlab compare}, {@code fanlab nightly} and
 * {@code fanlab reproduce}.
 *
 * <p>Implementation notes. Per (design, width) the values of the valid, completed repeats of each side are
 * compared. {@code badness} is the change in the bad direction (latency up, throughput down, error rate up),
 * relative to the baseline mean or, for {@link Metric#ERROR_RATE}, absolute.
 * <ul>
 *   <li>With at least {@value #MIN_REPEATS_FOR_BOOTSTRAP} repeats on both sides: a percentile bootstrap
 *       ({@value #RESAMPLES} resamples of each side with replacement, a fixed seed, so the answer is reproducible)
 *       gives a 95% interval of the change. <b>Regressed</b> when the interval lies wholly on the bad side of zero
 *       <em>and</em> the point estimate exceeds the tolerance; improved symmetrically; else within noise. The
 *       interval says the change is real; the tolerance says it matters. With 2 or 3 repeats the bootstrap interval
 *       is too narrow (it cannot see variance it has not sampled), which is why the tolerance still applies.</li>
 *   <li>With one repeat on either side: regressed when the badness exceeds the tolerance, improved when it is
 *       below minus the tolerance, else within noise. The defaults ({@link Metric#defaultTolerance()}) were set
 *       from repeated identical runs on a busy 2-core machine (README, "Nightly in CI").</li>
 * </ul>
 * Where the machine changed under a point ({@link MachineCheck}: other processes' CPU in the point's window, or the
 * run's harness floor), a row that moved beyond noise is marked {@link Comparison.Mark#INCONCLUSIVE}, not regressed
 * or improved: the figures cannot say whether the code or the machine moved.
 * Under open load, throughput is not compared when both sides kept up with the offered rate ({@link #offeredLimited}):
 * it is the load, not the design. Points on one side only, or without a valid repeat on a side, are listed in the
 * notes and not compared; they are
 * never a regression by themselves (the candidate's own verdict fails on an invalid or crashed point).
 *
 * <p>Pure function of its inputs; thread-safe.
 */
public final class RunComparison {

    /** Bootstrap resamples per row. */
    public static final int RESAMPLES = 2000;
    /** Repeats needed on both sides before the bootstrap is used. */
    public static final int MIN_REPEATS_FOR_BOOTSTRAP = 2;
    static final long SEED = 0x5eed_fa11L;

    private RunComparison() {
    }

    /** Compares {@code candidate} against {@code baseline} with {@code tolerances}. */
    public static Comparison compare(RunRecord baseline, RunRecord candidate, Tolerances tolerances) {
        return compare(baseline, candidate, tolerances, true);
    }

    /**
     * As {@link #compare(RunRecord, RunRecord, Tolerances)}; {@code machineCheck} false skips {@link MachineCheck}
     * (every change beyond noise is judged as the code's: {@code --no-machine-check}).
     */
    public static Comparison compare(RunRecord baseline, RunRecord candidate, Tolerances tolerances, boolean machineCheck) {
        Objects.requireNonNull(tolerances, "tolerances");
        Map<String, List<PointRecord>> base = byPoint(baseline);
        Map<String, List<PointRecord>> cand = byPoint(candidate);
        List<String> notes = new ArrayList<>();
        LinkedHashSet<String> designs = new LinkedHashSet<>(baseline.designs());
        designs.addAll(candidate.designs());
        List<Comparison.Row> rows = new ArrayList<>();
        String runMachine = machineCheck ? MachineCheck.runChanged(baseline, candidate) : null;
        if (runMachine != null) notes.add("machine changed: " + runMachine + "; changes beyond noise are inconclusive");
        for (String design : designs) {
            TreeSet<Integer> widths = new TreeSet<>();
            baseline.points().stream().filter(p -> p.design().equals(design)).forEach(p -> widths.add(p.width()));
            candidate.points().stream().filter(p -> p.design().equals(design)).forEach(p -> widths.add(p.width()));
            for (int w : widths) {
                String key = design + " w=" + w;
                boolean inBase = baseline.points().stream().anyMatch(p -> p.design().equals(design) && p.width() == w);
                boolean inCand = candidate.points().stream().anyMatch(p -> p.design().equals(design) && p.width() == w);
                if (!inBase || !inCand) {
                    notes.add(key + ": only in the " + (inBase ? "baseline" : "candidate") + "; not compared");
                    continue;
                }
                List<PointRecord> b = base.getOrDefault(key, List.of());
                List<PointRecord> c = cand.getOrDefault(key, List.of());
                if (b.isEmpty() || c.isEmpty()) {
                    notes.add(key + ": no completed valid repeat in the " + (b.isEmpty() ? (c.isEmpty() ? "baseline or the candidate" : "baseline") : "candidate") + "; not compared");
                    // a row per metric, so the page and the verdict show the point was measured on both sides and could not be judged
                    for (Metric m : Metric.values())
                        rows.add(new Comparison.Row(design, w, m, List.of(), List.of(), Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                            Comparison.NO_VALID_REPEAT, tolerances.of(m), Comparison.Mark.NOT_COMPARED));
                    continue;
                }
                String machine = runMachine != null ? runMachine : machineCheck ? MachineCheck.pointChanged(b, c) : null;
                List<String> inconclusive = new ArrayList<>();
                for (Metric m : Metric.values()) {
                    if (m == Metric.THROUGHPUT && offeredLimited(b) && offeredLimited(c)) {
                        // open load the design kept up with: throughput is the offered rate on both sides, not a design figure
                        rows.add(new Comparison.Row(design, w, m, values(b, m), values(c, m), Double.NaN, Double.NaN, Double.NaN,
                            Double.NaN, Double.NaN, "offered-limited", tolerances.of(m), Comparison.Mark.NOT_COMPARED));
                        continue;
                    }
                    Comparison.Row r = row(design, w, m, values(b, m), values(c, m), tolerances.of(m));
                    if (machine != null && (r.mark() == Comparison.Mark.REGRESSED || r.mark() == Comparison.Mark.IMPROVED)) {
                        inconclusive.add(m.key() + " " + r.mark().key());
                        r = new Comparison.Row(r.design(), r.width(), r.metric(), r.baseline(), r.candidate(), r.baselineMean(), r.candidateMean(),
                            r.change(), r.lo(), r.hi(), r.method(), r.tolerance(), Comparison.Mark.INCONCLUSIVE);
                    }
                    rows.add(r);
                }
                if (!inconclusive.isEmpty() && runMachine == null)
                    notes.add(key + ": machine changed (" + machine + "): " + String.join(", ", inconclusive) + " marked inconclusive");
            }
        }
        Analysis ab = SweepAnalysis.analyse(baseline);
        Analysis ac = SweepAnalysis.analyse(candidate);
        for (Analysis.Recommendation rc : ac.recommendations()) {
            ab.recommendations().stream().filter(r -> r.design().equals(rc.design())).findFirst().ifPresent(rb -> {
                if (!Objects.equals(rb.width(), rc.width())) {
                    notes.add(rc.design() + ": recommended width " + (rb.width() == null ? "none" : rb.width()) + " -> "
                        + (rc.width() == null ? "none" : rc.width()));
                }
            });
        }
        return new Comparison(runId(baseline), runId(candidate), revision(baseline), revision(candidate), tolerances, rows, notes);
    }

    /** One row; public for tests and for callers comparing figures that are not in a run directory. */
    public static Comparison.Row row(String design, int width, Metric m, List<Double> b, List<Double> c, double tolerance) {
        double[] bs = finite(b);
        double[] cs = finite(c);
        if (bs.length == 0 || cs.length == 0) {
            return new Comparison.Row(design, width, m, b, c, mean(bs), mean(cs), Double.NaN, Double.NaN, Double.NaN, "none", tolerance,
                Comparison.Mark.NOT_COMPARED);
        }
        double mb = mean(bs);
        double mc = mean(cs);
        if (!m.absolute() && mb == 0) {
            return new Comparison.Row(design, width, m, b, c, mb, mc, Double.NaN, Double.NaN, Double.NaN, "none", tolerance,
                Comparison.Mark.NOT_COMPARED);
        }
        double change = change(m, mb, mc);
        double sign = m.higherIsBetter() ? -1 : 1;
        double badness = sign * change;
        if (bs.length >= MIN_REPEATS_FOR_BOOTSTRAP && cs.length >= MIN_REPEATS_FOR_BOOTSTRAP) {
            double[] ci = bootstrap(m, bs, cs, new SplittableRandom(SEED ^ (31L * width + m.ordinal()) ^ design.hashCode()));
            double badLo = Math.min(sign * ci[0], sign * ci[1]);
            double badHi = Math.max(sign * ci[0], sign * ci[1]);
            Comparison.Mark mark = badLo > 0 && badness > tolerance ? Comparison.Mark.REGRESSED
                : badHi < 0 && badness < -tolerance ? Comparison.Mark.IMPROVED : Comparison.Mark.WITHIN_NOISE;
            return new Comparison.Row(design, width, m, b, c, mb, mc, change, ci[0], ci[1], "bootstrap", tolerance, mark);
        }
        Comparison.Mark mark = badness > tolerance ? Comparison.Mark.REGRESSED
            : badness < -tolerance ? Comparison.Mark.IMPROVED : Comparison.Mark.WITHIN_NOISE;
        return new Comparison.Row(design, width, m, b, c, mb, mc, change, Double.NaN, Double.NaN, "tolerance", tolerance, mark);
    }

    static double change(Metric m, double base, double cand) {
        return m.absolute() ? cand - base : (cand - base) / base;
    }

    /** 95% percentile-bootstrap interval of the change of the mean. */
    static double[] bootstrap(Metric m, double[] b, double[] c, SplittableRandom rnd) {
        double[] changes = new double[RESAMPLES];
        int n = 0;
        for (int i = 0; i < RESAMPLES; i++) {
            double mb = resampledMean(b, rnd);
            double mc = resampledMean(c, rnd);
            if (!m.absolute() && mb == 0) continue;
            changes[n++] = change(m, mb, mc);
        }
        double[] sorted = Arrays.copyOf(changes, n);
        Arrays.sort(sorted);
        return new double[] {sorted[(int) Math.floor(0.025 * (n - 1))], sorted[(int) Math.ceil(0.975 * (n - 1))]};
    }

    private static double resampledMean(double[] xs, SplittableRandom rnd) {
        double s = 0;
        for (int i = 0; i < xs.length; i++) s += xs[rnd.nextInt(xs.length)];
        return s / xs.length;
    }

    /**
     * True when every repeat ran under open load and completed at least {@link SweepAnalysis#OFFERED_LIMITED} of
     * its intended rate: its throughput measured the load, not the design (a backlog drained in the window can
     * even push it above the rate), so throughput is not compared when both sides are so.
     */
    static boolean offeredLimited(List<PointRecord> ps) {
        for (PointRecord p : ps) {
            double intended = io.fanlab.reports.run.PointRecord.orNaN(p.result().intendedRate());
            if (!(intended > 0) || !(p.result().throughput() >= SweepAnalysis.OFFERED_LIMITED * intended)) return false;
        }
        return true;
    }

    private static Map<String, List<PointRecord>> byPoint(RunRecord run) {
        Map<String, List<PointRecord>> m = new LinkedHashMap<>();
        for (PointRecord p : run.points()) {
            if (p.ok() && p.valid()) m.computeIfAbsent(p.design() + " w=" + p.width(), k -> new ArrayList<>()).add(p);
        }
        return m;
    }

    private static List<Double> values(List<PointRecord> ps, Metric m) {
        return ps.stream().map(m::of).toList();
    }

    private static double[] finite(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).toArray();
    }

    private static double mean(double[] xs) {
        return xs.length == 0 ? Double.NaN : Arrays.stream(xs).average().orElse(Double.NaN);
    }

    private static String runId(RunRecord r) {
        return r.runId();
    }

    private static String revision(RunRecord r) {
        return r.environment().gitRevision() == null ? "?" : r.environment().gitRevision();
    }
}
