package io.fanlab.reports.analysis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.fanlab.reports.run.PointRecord.each;
import static io.fanlab.reports.run.PointRecord.orNaN;


import io.fanlab.reports.run.PointRecord;
import io.fanlab.reports.run.PointResult;
import io.fanlab.reports.run.RunEvent;
import io.fanlab.reports.run.RunRecord;
import io.fanlab.reports.usl.UslFit;
import io.fanlab.reports.usl.UslResult;

/**
 * Computes the {@link Analysis} of a run: validity warnings, the recommended width per design
 * ({@link WidthRule}), a USL fit per design, Little's law errors and bottleneck stages per point.
 *
 * <p>Which points count: the recommendation and the USL fit use only points with {@code status == "ok"} and
 * {@code valid == true}; every other point is named in a warning. Pure function of the {@link RunRecord};
 * thread-safe.
 */
public final class SweepAnalysis {

    /** Fewer distinct widths than this and the USL fit is not attempted. */
    public static final int MIN_WIDTHS_FOR_FIT = 4;
    /** Repeats whose throughput coefficient of variation exceeds this are flagged. */
    public static final double MAX_REPEAT_CV = 0.10;
    /** Open load: a point whose throughput reaches this share of its intended rate measured the load, not the design. */
    public static final double OFFERED_LIMITED = 0.97;

    private SweepAnalysis() {
    }

    /** Analyses {@code run} with the default rule ({@link WidthRule#DEFAULT_SHARE}). */
    public static Analysis analyse(RunRecord run) {
        return analyse(run, new WidthRule(WidthRule.DEFAULT_SHARE));
    }

    /** Analyses {@code run} with {@code rule}. */
    public static Analysis analyse(RunRecord run, WidthRule rule) {
        List<String> warnings = new ArrayList<>();
        if (!run.finished()) warnings.add("run not finished (finished: false): the sweep is incomplete"
            + " (a killed sweep continues with 'fanlab run --resume RUN_DIR')");
        // points that started but never ended
        TreeSet<String> known = new TreeSet<>();
        run.points().forEach(p -> known.add(p.id()));
        for (RunEvent e : run.events()) {
            if ("point_start".equals(e.type()) && e.point() != null && known.add(e.point())) {
                warnings.add("point " + e.point() + ": started at " + fmt(e.tS()) + " s but has no record (killed or crashed)");
            }
        }
        for (PointRecord p : run.points()) {
            if (!p.ok()) {
                String err = p.result().error() == null ? "" : p.result().error();
                warnings.add("point " + p.id() + ": " + p.status() + (err.isEmpty() ? "" : ": " + err));
            }
            PointResult.Generator g = p.result().generator();
            if (g != null && g.fellBehind()) {
                // the harness keeps a point valid when the lag came from the design blocking the generator
                // (back-pressure); its own warning says so
                warnings.add("point " + p.id() + ": load generator fell behind (lag p99 " + fmt(g.lagP99Us())
                    + " us, missed starts " + g.missedStarts() + "): offered load below intended"
                    + (p.valid() ? " (point still valid: back-pressure or small jitter; latency counts from intended starts)" : ", point invalid"));
            } else if (p.ok() && !p.valid() && (p.result().validity() == null || each(p.result().validity().invalidReasons()).isEmpty())) {
                // (a point with validity.invalid_reasons says why in its own "invalid: ..." warnings below)
                warnings.add("point " + p.id() + ": marked invalid by the harness");
            }
            for (String w : each(p.result().warnings())) warnings.add("point " + p.id() + ": " + w);
        }
        for (RunEvent e : run.events()) {
            if ("warning".equals(e.type())) {
                String msg = e.text("message").isEmpty() ? e.text("detail") : e.text("message");
                warnings.add((e.point() == null ? "run" : "point " + e.point()) + ": " + msg);
            }
        }

        List<Analysis.Recommendation> recs = new ArrayList<>();
        List<Analysis.UslFitSummary> usl = new ArrayList<>();
        for (String design : run.designs()) {
            List<PointRecord> good = run.points().stream()
                .filter(p -> p.design().equals(design) && p.ok() && p.valid() && Double.isFinite(throughput(p)))
                .toList();
            // repeats disagreement
            TreeMap<Integer, List<Double>> byWidth = new TreeMap<>();
            good.forEach(p -> byWidth.computeIfAbsent(p.width(), k -> new ArrayList<>()).add(throughput(p)));
            byWidth.forEach((w, xs) -> {
                double cv = cv(xs);
                if (xs.size() >= 2 && cv > MAX_REPEAT_CV) {
                    warnings.add(String.format(Locale.ROOT, "%s w=%d: repeats disagree: throughput CV %.1f%% > %.0f%% over %d repeats",
                        design, w, cv * 100, MAX_REPEAT_CV * 100, xs.size()));
                }
            });
            if ("open".equals(run.loadModel())) {
                List<Integer> limited = new ArrayList<>();
                for (PointRecord p : good) {
                    double intended = orNaN(p.result().intendedRate());
                    if (intended > 0 && throughput(p) >= OFFERED_LIMITED * intended && !limited.contains(p.width())) {
                        limited.add(p.width());
                    }
                }
                if (!limited.isEmpty() && byWidth.size() >= MIN_WIDTHS_FOR_FIT) {
                    warnings.add(design + ": throughput at w=" + limited.stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("")
                        + " is limited by the offered rate (open load), not by the design: the plateau and the USL fit"
                        + " understate capacity there; sweep with a higher rate or a closed load to measure it");
                }
            }
            WidthRule.Choice all = rule.choose(stats(good));
            Integer lo = null;
            Integer hi = null;
            TreeSet<Integer> repeats = new TreeSet<>();
            good.forEach(p -> repeats.add(p.repeat()));
            if (repeats.size() >= 2) {
                for (int r : repeats) {
                    WidthRule.Choice c = rule.choose(stats(good.stream().filter(p -> p.repeat() == r).toList()));
                    if (c.width() == null) continue;
                    lo = lo == null ? c.width() : Math.min(lo, c.width());
                    hi = hi == null ? c.width() : Math.max(hi, c.width());
                }
            }
            if (all.width() != null && !byWidth.isEmpty() && all.width().equals(byWidth.lastKey())
                    && byWidth.size() > 1) {
                warnings.add(design + ": the recommended width " + all.width() + " is the widest measured: the plateau may lie"
                    + " beyond the sweep; extend it before trusting the answer");
            }
            recs.add(new Analysis.Recommendation(design, all.width(),
                all.stats() == null ? Double.NaN : all.stats().throughput(),
                all.stats() == null ? Double.NaN : all.stats().p99Ms(), all.plateau(), lo, hi, all.reason()));

            if (byWidth.size() < MIN_WIDTHS_FOR_FIT) {
                usl.add(new Analysis.UslFitSummary(design, null, "too few points"));
                warnings.add(design + ": too few widths for a USL fit (" + byWidth.size() + " < " + MIN_WIDTHS_FOR_FIT + ")");
            } else {
                double[] n = good.stream().mapToDouble(PointRecord::width).toArray();
                double[] x = good.stream().mapToDouble(p -> throughput(p)).toArray();
                try {
                    usl.add(new Analysis.UslFitSummary(design, UslFit.fit(n, x), null));
                } catch (RuntimeException e) {
                    usl.add(new Analysis.UslFitSummary(design, null, "fit failed: " + e.getMessage()));
                    warnings.add(design + ": USL fit failed: " + e.getMessage());
                }
            }
        }

        List<Analysis.LittleCheck> little = new ArrayList<>();
        List<Analysis.Bottleneck> bottleneck = new ArrayList<>();
        for (PointRecord p : run.points()) {
            double rel = orNaN(p.result().little(), PointResult.Little::relError);
            if (Double.isFinite(rel)) little.add(new Analysis.LittleCheck(p.id(), rel));
            Analysis.Bottleneck b = bottleneckOf(p);
            if (b != null) bottleneck.add(b);
        }
        return new Analysis(rule.describe(), rule.share(), recs, usl, little, bottleneck, warnings);
    }

    /** The stage with the highest utilisation (ties: the larger queue-time share, then the first), or null. */
    public static Analysis.Bottleneck bottleneckOf(PointRecord p) {
        String best = null;
        double bestU = -1;
        double bestQ = -1;
        for (PointResult.Stage s : each(p.result().stages())) {
            double u = s.utilisation();
            if (!Double.isFinite(u)) continue;
            double q = queueShare(s);
            if (u > bestU || (u == bestU && q > bestQ)) {
                best = s.name() == null ? "?" : s.name();
                bestU = u;
                bestQ = q;
            }
        }
        return best == null ? null : new Analysis.Bottleneck(p.id(), best, bestU);
    }

    /** Queue time share of a stage: mean queue time / (mean queue time + mean service time); NaN when unknown. */
    public static double queueShare(PointResult.Stage stage) {
        double q = orNaN(stage.queueMs(), PointResult.Latency::mean);
        double s = orNaN(stage.serviceMs(), PointResult.Latency::mean);
        return q + s > 0 ? q / (q + s) : Double.NaN;
    }

    static List<WidthRule.WidthStats> stats(List<PointRecord> points) {
        Map<Integer, List<PointRecord>> byWidth = new LinkedHashMap<>();
        points.forEach(p -> byWidth.computeIfAbsent(p.width(), k -> new ArrayList<>()).add(p));
        List<WidthRule.WidthStats> out = new ArrayList<>();
        byWidth.forEach((w, ps) -> {
            double x = ps.stream().mapToDouble(p -> throughput(p)).average().orElse(Double.NaN);
            double p99 = ps.stream().mapToDouble(p -> orNaN(p.result().responseMs(), PointResult.Latency::p99)).average().orElse(Double.NaN);
            boolean pass = ps.stream().allMatch(SweepAnalysis::latencySlosPass);
            out.add(new WidthRule.WidthStats(w, x, p99, pass));
        });
        return out;
    }

    static boolean latencySlosPass(PointRecord p) {
        for (PointResult.SloVerdict s : each(p.result().slos())) {
            if ("latency".equals(s.kind()) && !s.pass()) return false;
        }
        return true;
    }

    /** The point's throughput; NaN for a point that did not complete (it measured nothing). */
    public static double throughput(PointRecord p) {
        return p.ok() ? p.result().throughput() : Double.NaN;
    }

    static double cv(List<Double> xs) {
        if (xs.size() < 2) return 0;
        double mean = xs.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        if (mean == 0) return 0;
        double var = xs.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / (xs.size() - 1);
        return Math.sqrt(var) / mean;
    }

    static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3g", v) : "?";
    }
}
