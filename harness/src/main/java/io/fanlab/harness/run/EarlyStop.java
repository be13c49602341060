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
 * The ratios' denominators are still growing, so "lost" needs an upper bound on what the rest of the point can
 * offer. It may offer items at most {@value #RATE_HEADROOM} times the faster of the intended item rate (open load)
 * and the rate offered so far: the bound on the final offered count is what has been offered plus that rate for
 * the time left until the load ends, and on the window's population the window's items so far plus that rate for
 * the window's time left. Numerators only grow, so a numerator above the limit times that bound cannot come back
 * under it (unless the load more than doubles its rate, which no open schedule does and a closed loop does only when
 * its latency halves). Every SLO kind of the format ({@link SloSpec}):
 * <ul>
 *   <li>{@link SloSpec.ErrorRate}: failed + timed out + dead-lettered items so far &gt; {@code max} x the offered
 *       bound. The SLO also counts unfinished items at the end: only more errors.</li>
 *   <li>{@link SloSpec.ShedRate}: shed items so far &gt; {@code max} x the offered bound.</li>
 *   <li>{@link SloSpec.Latency}, percentile {@code p}, bound {@code max}, any metric: values of the metric's
 *       population already recorded above {@code max} &gt; {@code (1 - p/100)} x the population's bound. Response and
 *       service: completed items intended in the window, bound by the window's items; request (fan-out k): succeeded
 *       requests intended in the window, bound by the window's items / k. Items still in flight and already older
 *       than {@code max} (censored at the end, they will count above it too) are not counted: an undercount, so the
 *       rule never stops a point too soon.</li>
 *   <li>{@link SloSpec.ThroughputFloor}: every completion still to come in the window is an item in flight now or
 *       one offered before the window ends, so when (completed in the window so far + in flight + rate x the
 *       window's time left) / the window's length is below the floor, the floor cannot be met.</li>
 *   <li>{@link SloSpec.NothingLost}: an item reported twice: conservation cannot hold again (items never reported
 *       cannot be told from items still in flight before the end, so they are not judged early).</li>
 *   <li>{@link SloSpec.NoLeakedThreads}: <b>not watched</b>, it cannot be decided early: a leak is a thread of the
 *       design still alive 2 s after the design was cancelled, and while the load runs every thread is in use.</li>
 *   <li>{@link SloSpec.CancellationLatency}: <b>not watched</b>, it cannot be decided early: the cancel it times
 *       comes after the window (or ends it).</li>
 * </ul>
 * Judged only inside the measured window and, for the ratios and the floor, once their population (offered items for
 * the error and shed rates and the floor, window items or requests for latency) reaches {@value #MIN_SAMPLES}: a
 * handful of early items says nothing about the rate the bound rests on. The checks that gate every point whether
 * listed or not (nothing lost, no leaked threads) are judged at the end of the point unless listed as SLOs.
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
     * @param offered           items offered so far (warmup included: the error and shed rates' denominator)
     * @param errors            failed + timed out + dead-lettered so far
     * @param windowOffered     items whose intended start lies in the window, so far
     * @param intendedItemRate  the open schedule's item rate per second, or NaN (closed load)
     * @param overLimit         per watched latency SLO (in {@link #watched} order), values of its population above its bound
     * @param shed              items shed so far
     * @param completedInWindow items completed inside the window so far (the throughput's numerator)
     * @param inFlight          items offered and not yet ended
     * @param duplicates        items reported more than once so far
     * @param fanout            items per request (1: no scatter-gather)
     */
    public record Snapshot(long nowNanos, long windowStartNanos, long windowEndNanos, long loadEndNanos, long offered, long errors,
                           long windowOffered, double intendedItemRate, long[] overLimit, long shed, long completedInWindow,
                           long inFlight, long duplicates, int fanout) {}

    /** The latency SLOs (every metric) whose population the sampler must count values above the bound of, in order. */
    public static List<SloSpec.Latency> watched(List<SloSpec> slos) {
        List<SloSpec.Latency> out = new ArrayList<>();
        for (SloSpec s : slos) if (s instanceof SloSpec.Latency l) out.add(l);
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
        double offeredBound = s.offered() + rate * Math.max(0, s.loadEndNanos() - s.nowNanos()) / 1e9;
        double windowLeftS = Math.max(0, Math.min(s.windowEndNanos(), s.loadEndNanos()) - s.nowNanos()) / 1e9;
        double windowBound = s.windowOffered() + rate * windowLeftS;
        int k = Math.max(1, s.fanout());
        List<SloSpec.Latency> watched = watched(slos);
        for (SloSpec slo : slos) {
            String why = switch (slo) {
                case SloSpec.ErrorRate e -> s.offered() >= MIN_SAMPLES && s.errors() > e.max() * offeredBound
                        ? String.format(Locale.ROOT, "%s: %d errors of at most %.0f items (%.1f%%) by the end, whatever the rest does",
                                SloEvaluator.name(slo), s.errors(), offeredBound, 100.0 * s.errors() / offeredBound) : null;
                case SloSpec.ShedRate e -> s.offered() >= MIN_SAMPLES && s.shed() > e.max() * offeredBound
                        ? String.format(Locale.ROOT, "%s: %d shed of at most %.0f items (%.1f%%) by the end, whatever the rest does",
                                SloEvaluator.name(slo), s.shed(), offeredBound, 100.0 * s.shed() / offeredBound) : null;
                case SloSpec.Latency l -> {
                    boolean requests = l.metric() == SloSpec.Metric.REQUEST;
                    double bound = requests ? Math.ceil(windowBound / k) : windowBound;
                    long samples = requests ? s.windowOffered() / k : s.windowOffered();
                    long over = s.overLimit()[watched.indexOf(l)];
                    double allowed = (1 - l.percentile() / 100) * bound;
                    yield samples >= MIN_SAMPLES && over > allowed
                            ? String.format(Locale.ROOT, "%s: %d window %s already above %sms, more than the %.0f (%s%%) of at most %.0f %s the percentile allows",
                                    SloEvaluator.name(slo), over, requests ? "requests" : "items", SloEvaluator.fmt(l.max().toNanos() / 1e6), allowed,
                                    SloEvaluator.fmt(100 - l.percentile()), bound, requests ? "requests" : "items") : null;
                }
                case SloSpec.ThroughputFloor t -> {
                    double windowS = Math.max(1e-9, (s.windowEndNanos() - s.windowStartNanos()) / 1e9);
                    double best = s.completedInWindow() + s.inFlight() + rate * windowLeftS;
                    yield s.offered() >= MIN_SAMPLES && best / windowS < t.min().perSecond()
                            ? String.format(Locale.ROOT, "%s: at most %.0f items can complete in the %ss window (%.1f/s: %d so far, %d in flight, %.0f more offered at most)",
                                    SloEvaluator.name(slo), best, SloEvaluator.fmt(windowS), best / windowS, s.completedInWindow(), s.inFlight(), rate * windowLeftS) : null;
                }
                case SloSpec.NothingLost n -> s.duplicates() > 0
                        ? String.format(Locale.ROOT, "%s: %d item(s) reported twice: conservation cannot hold whatever the rest does",
                                SloEvaluator.name(slo), s.duplicates()) : null;
                case SloSpec.NoLeakedThreads n -> null;       // decided after the design's cancel and the leak check's grace
                case SloSpec.CancellationLatency c -> null;   // the cancel it times comes after the window
            };
            if (why != null) return why;
        }
        return null;
    }
}
