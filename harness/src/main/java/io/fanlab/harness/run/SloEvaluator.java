package io.fanlab.harness.run;

import io.fanlab.reports.run.PointResult;

import io.fanlab.harness.scenario.SloSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Checks a point's measurements against the scenario's SLOs. Margins are relative: positive = headroom. */
public final class SloEvaluator {
    private SloEvaluator() {}

    /** Exact percentile of a metric from the point's histograms, or null when there is no data. */
    @FunctionalInterface
    public interface Percentiles { Double valueMs(SloSpec.Metric metric, double percentile); }

    /** Evaluates with percentiles interpolated from the stored summary (for re-evaluating a finished record). */
    public static List<PointResult.SloVerdict> evaluate(List<SloSpec> slos, PointResult p) {
        return evaluate(slos, p, null);
    }

    /** Evaluates; latency bounds use {@code exact} when given (the point's own histograms). */
    public static List<PointResult.SloVerdict> evaluate(List<SloSpec> slos, PointResult p, Percentiles exact) {
        List<PointResult.SloVerdict> out = new ArrayList<>();
        long offered = Math.max(1, p.offered());
        for (SloSpec s : slos) {
            out.add(verdict(s, p, exact, offered).withKey(key(s)));
        }
        return out;
    }

    /** The SLO's name without its limit: stable across limit changes (JUnit test names, compare). */
    public static String key(SloSpec s) {
        return switch (s) {
            case SloSpec.Latency l -> "p" + fmt(l.percentile()) + " " + l.metric().name().toLowerCase(Locale.ROOT);
            case SloSpec.ErrorRate e -> "error rate";
            case SloSpec.ShedRate e -> "shed rate";
            case SloSpec.ThroughputFloor t -> "throughput";
            case SloSpec.NothingLost n -> "nothing lost";
            case SloSpec.NoLeakedThreads n -> "no leaked threads";
            case SloSpec.CancellationLatency c -> "cancel";
        };
    }

    private static PointResult.SloVerdict verdict(SloSpec s, PointResult p, Percentiles exact, long offered) {
            return switch (s) {
                case SloSpec.Latency l -> {
                    PointResult.Latency lat = switch (l.metric()) {
                        case RESPONSE -> p.responseMs();
                        case SERVICE -> p.serviceMs();
                        case REQUEST -> p.requestMs();
                    };
                    double limit = l.max().toNanos() / 1e6;
                    Double actual = lat == null || lat.count() == 0 ? null
                            : exact != null ? exact.valueMs(l.metric(), l.percentile()) : percentile(lat, l.percentile());
                    yield upper(label(l), "latency", limit, actual, "ms");
                }
                // unfinished: items never served (in flight when the point cancelled its design, or stuck)
                case SloSpec.ErrorRate e -> upper("error rate <= " + pct(e.max()), "error_rate", e.max(),
                        (double) (p.failed() + p.timedOut() + p.deadLettered() + p.unfinished()) / offered, "ratio");
                case SloSpec.ShedRate e -> upper("shed rate <= " + pct(e.max()), "shed_rate", e.max(), (double) p.shed() / offered, "ratio");
                case SloSpec.ThroughputFloor t -> {
                    double limit = t.min().perSecond();
                    yield new PointResult.SloVerdict("throughput >= " + t.min(), "throughput", limit, p.throughput(), "per_s",
                            p.throughput() >= limit, (p.throughput() - limit) / limit);
                }
                case SloSpec.NothingLost n -> new PointResult.SloVerdict("nothing lost", "nothing_lost", null, null, null, p.conservationOk(), null);
                case SloSpec.NoLeakedThreads n -> new PointResult.SloVerdict("no leaked threads", "no_leaked_threads", 0.0,
                        (double) p.leakedThreads(), null, p.leakedThreads() == 0, null);
                case SloSpec.CancellationLatency c -> {
                    double limit = c.max().toNanos() / 1e6;
                    yield p.cancelMs() == null
                            ? new PointResult.SloVerdict("cancel <= " + fmt(limit) + "ms", "cancellation", limit, null, "ms", true, null)
                            : upper("cancel <= " + fmt(limit) + "ms", "cancellation", limit, p.cancelMs(), "ms");
                }
            };
    }

    /** The SLO's human name, as used in verdicts and JUnit test names. */
    public static String name(SloSpec s) {
        return switch (s) {
            case SloSpec.Latency l -> label(l);
            case SloSpec.ErrorRate e -> "error rate <= " + pct(e.max());
            case SloSpec.ShedRate e -> "shed rate <= " + pct(e.max());
            case SloSpec.ThroughputFloor t -> "throughput >= " + t.min();
            case SloSpec.NothingLost n -> "nothing lost";
            case SloSpec.NoLeakedThreads n -> "no leaked threads";
            case SloSpec.CancellationLatency c -> "cancel <= " + fmt(c.max().toNanos() / 1e6) + "ms";
        };
    }

    /** A missing measurement fails an upper bound (no data is no evidence). */
    private static PointResult.SloVerdict upper(String name, String kind, double limit, Double actual, String unit) {
        if (actual == null) return new PointResult.SloVerdict(name + " (no data)", kind, limit, null, unit, false, null);
        double margin = limit == 0 ? (actual == 0 ? 0 : -1) : (limit - actual) / limit;
        return new PointResult.SloVerdict(name, kind, limit, actual, unit, actual <= limit, margin);
    }

    static String label(SloSpec.Latency l) {
        return "p" + fmt(l.percentile()) + " " + l.metric().name().toLowerCase(Locale.ROOT) + " <= " + fmt(l.max().toNanos() / 1e6) + "ms";
    }

    /** Interpolates between the summary's stored percentiles (exact for 50, 90, 99, 99.9, 100). */
    static double percentile(PointResult.Latency l, double p) {
        double[][] known = {{0, 0}, {50, l.p50()}, {90, l.p90()}, {99, l.p99()}, {99.9, l.p999()}, {100, l.max()}};
        for (int i = 1; i < known.length; i++) {
            if (p <= known[i][0]) {
                double[] a = known[i - 1], b = known[i];
                if (p == b[0]) return b[1];
                return a[1] + (b[1] - a[1]) * (p - a[0]) / (b[0] - a[0]);
            }
        }
        return l.max();
    }

    static String pct(double share) { return fmt(share * 100) + "%"; }

    static String fmt(double v) {
        if (v == Math.rint(v)) return String.valueOf((long) v);
        return new java.math.BigDecimal(String.format(Locale.ROOT, "%.3g", v)).stripTrailingZeros().toPlainString();
    }
}
