package io.fanlab.harness.run;

import io.fanlab.harness.scenario.SloSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code sweep.abort_on_fail} inside a point: says when an SLO the point is gated on is already lost, whatever the
 * rest of the point does, so the point can end early (like k6's {@code abortOnFail}). Pure function of the figures
 * counted so far ({@link Snapshot}); the point's sampler asks once per interval (every second).
 *
 * <h2>When an SLO is lost</h2>
 * Both watched SLOs are ratios whose denominator is still growing, so "lost" needs an upper bound on the final
 * denominator. The rest of the point may offer items at most {@value #RATE_HEADROOM} times the faster of the
 * intended item rate (open load) and the rate offered so far; the bound is what has been offered plus that rate for
 * the time left. The numerator can only grow, so a numerator above the limit times that bound cannot come back
 * under it (unless the load more than doubles its rate, which no open schedule does and a closed loop does only when
 * its latency halves).
 * <ul>
 *   <li>{@link SloSpec.ErrorRate}: failed + timed out + dead-lettered items so far &gt; {@code max} x (offered so far +
 *       rate x time left until the load ends). The SLO also counts unfinished items at the end: only more errors.</li>
 *   <li>{@link SloSpec.Latency} on the {@code response} metric, percentile {@code p}, bound {@code max}: items of the
 *       window's population (intended start in the window) that already finished above {@code max} &gt;
 *       {@code (1 - p/100)} x (items intended in the window so far + rate x window time left). Items still in flight
 *       and already older than {@code max} (censored, they will count above it too) are not counted: an undercount,
 *       so the rule never stops a point too soon. Service and request percentiles are not watched.</li>
 * </ul>
 * Judged only inside the measured window and once the population (offered items for the error rate, window items for
 * latency) reaches {@value #MIN_SAMPLES}: a handful of early items says nothing about the rate the bound rests on.
 * Checks ({@code nothing_lost}, {@code no_leaked_threads}) are judged at the end of a point and are not watched;
 * neither are shed rate, throughput floors or the cancellation bound.
 *
 * <p>Which loads: closed users, and open constant or Poisson arrivals without a load spike ({@link #boundedLoad});
 * a ramp, steps, a spike or a trace may raise the rate beyond the bound, so those points never stop early.
 *
 * <p>Which points: only SLOs that gate the point (the scenario's {@code gate:}: every point, or the listed widths).
 * Under the default {@code gate: recommended} a missed SLO at a width is a finding, and the sweep needs the point's
 * full figures to find the knee: nothing stops early.
 */
public final class EarlyStop {
    /** The rest of the point may offer at most this many times the faster of the intended and the observed rate. */
    public static final double RATE_HEADROOM = 2.0;
    /** Items needed before a ratio is judged. */
    public static final long MIN_SAMPLES = 100;

    private EarlyStop() {}

    /**
     * The figures of a point so far, all in nanoseconds since the point's start (the run start).
     *
     * @param nowNanos          now
     * @param windowStartNanos  the measured window's start
     * @param windowEndNanos    its end
     * @param loadEndNanos      when the load stops offering (the window's end, or a cancel placed earlier)
     * @param offered           items offered so far (warmup included: the error rate's denominator)
     * @param errors            failed + timed out + dead-lettered so far
     * @param windowOffered     items whose intended start lies in the window, so far
     * @param intendedItemRate  the open schedule's item rate per second, or NaN (closed load)
     * @param overLimit         per watched latency SLO (in {@link #watched} order), window items that finished above its bound
     */
    public record Snapshot(long nowNanos, long windowStartNanos, long windowEndNanos, long loadEndNanos, long offered, long errors,
                           long windowOffered, double intendedItemRate, long[] overLimit) {}

    /** The latency SLOs the sampler must count items above (response metric only), in order. */
    public static List<SloSpec.Latency> watched(List<SloSpec> slos) {
        List<SloSpec.Latency> out = new ArrayList<>();
        for (SloSpec s : slos) if (s instanceof SloSpec.Latency l && l.metric() == SloSpec.Metric.RESPONSE) out.add(l);
        return out;
    }

    /** True when a point of {@code width} is gated on its SLOs (so a lost one may end it): gate every_point, or widths listing it. */
    public static boolean gates(io.fanlab.reports.analysis.Gate gate, int width) {
        return switch (gate.mode()) {
            case EVERY_POINT -> true;
            case WIDTHS -> gate.widths().contains(width);
            case RECOMMENDED -> false;
        };
    }

    /**
     * True when the rate bound holds for the scenario's load: closed users, or open constant or Poisson arrivals
     * without a load spike. Ramps, steps, spikes and trace replays may raise their rate beyond the bound later in the
     * point, so their points never stop early.
     */
    public static boolean boundedLoad(io.fanlab.harness.scenario.Scenario s) {
        if (s.faults().stream().anyMatch(f -> f instanceof io.fanlab.harness.fault.FaultSpec.LoadSpike)) return false;
        if (s.load() instanceof io.fanlab.harness.load.LoadSpec.Open o)
            return o.arrival() instanceof io.fanlab.harness.load.LoadSpec.Arrival.Constant || o.arrival() instanceof io.fanlab.harness.load.LoadSpec.Arrival.Poisson;
        return true;
    }

    /** Why the point has already lost an SLO, or null: {@code "error rate <= 1%: 412 errors of at most 2,050 items (20.1%)"}. */
    public static String lost(List<SloSpec> slos, Snapshot s) {
        if (s.nowNanos() < s.windowStartNanos()) return null;
        double elapsedS = Math.max(1e-9, s.nowNanos() / 1e9);
        double rate = RATE_HEADROOM * Math.max(Double.isNaN(s.intendedItemRate()) ? 0 : s.intendedItemRate(), s.offered() / elapsedS);
        List<SloSpec.Latency> watched = watched(slos);
        for (SloSpec slo : slos) {
            if (slo instanceof SloSpec.ErrorRate e && s.offered() >= MIN_SAMPLES) {
                double bound = s.offered() + rate * Math.max(0, s.loadEndNanos() - s.nowNanos()) / 1e9;
                if (s.errors() > e.max() * bound)
                    return String.format(Locale.ROOT, "%s: %d errors of at most %.0f items (%.1f%%) by the end, whatever the rest does",
                            SloEvaluator.name(slo), s.errors(), bound, 100.0 * s.errors() / bound);
            }
            if (slo instanceof SloSpec.Latency l && l.metric() == SloSpec.Metric.RESPONSE && s.windowOffered() >= MIN_SAMPLES) {
                long over = s.overLimit()[watched.indexOf(l)];
                double left = Math.max(0, Math.min(s.windowEndNanos(), s.loadEndNanos()) - s.nowNanos()) / 1e9;
                double bound = s.windowOffered() + rate * left;
                double allowed = (1 - l.percentile() / 100) * bound;
                if (over > allowed)
                    return String.format(Locale.ROOT, "%s: %d window items already above %sms, more than the %.0f (%s%%) of at most %.0f items the percentile allows",
                            SloEvaluator.name(slo), over, SloEvaluator.fmt(l.max().toNanos() / 1e6), allowed, SloEvaluator.fmt(100 - l.percentile()), bound);
            }
        }
        return null;
    }
}
