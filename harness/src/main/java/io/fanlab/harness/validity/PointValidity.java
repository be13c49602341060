package io.fanlab.harness.validity;

import io.fanlab.harness.load.GeneratorStats;
import io.fanlab.reports.run.PointResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Judges one point: is it valid, saturated or invalid, and which warnings go with it. A pure function of
 * {@link Inputs} (plain figures the point runner measured), so every rule is unit-tested without running a point.
 *
 * <h2>States</h2>
 * <ul>
 *   <li>{@code invalid}: the figures do not describe the design under the intended conditions (the generator fell
 *       behind on its own, the M/M/c self-test missed its bounds, the window is far from a steady state). Excluded
 *       from the recommendation; the reasons are recorded. Lost items and leaked threads have their own verdicts
 *       ({@code conservation_ok}, {@code leaked_threads}) and are warnings here, not a second rule.</li>
 *   <li>{@code saturated}: valid, but the design pushed back on an open load (blocking admission): arrivals were
 *       late or not started because the design would not take them. Throughput is the design's capacity; latency
 *       counts from intended starts for the items that started.</li>
 *   <li>{@code valid}: none of the above. Warnings may still apply (a busy machine, jitter, Little's law).</li>
 * </ul>
 * Thread-safe (stateless).
 */
public final class PointValidity {
    /** Missed (or not started) arrivals above this share of the window's arrivals distort the load (k6's dropped iterations). */
    public static final double MISSED_SHARE = GeneratorStats.FELL_BEHIND_MISSED_SHARE;
    /**
     * The generator spent more than this share of the load phases blocked in the design's submit: its misses are the
     * design's back-pressure, not its own lag. 1%: a generator that is never blocked spends ~0 here (a normal submit
     * is a few microseconds; only waits above 1 ms are counted), so 1% of the run is far above noise.
     */
    public static final double SATURATED_BLOCKED_SHARE = 0.01;
    /**
     * Other processes used more than this share of the machine's CPU during the window: warn (busy machine).
     * 25% is half a core on the 2-core machines fanlab is developed on: from there on the point's threads compete for
     * a core with a steady neighbour rather than with occasional housekeeping. A warning, not an invalidity: how much
     * a busy machine moves the figures depends on the design (sleeping work hardly notices, CPU work does); the
     * self-test and the harness floor are the verdict on whether the machine can measure. Measured here (RESULTS.md
     * "Validity"): with other processes at 93-95% the self-test's mean response missed Erlang C by +69% to +305%.
     */
    public static final double OTHER_CPU_WARN = 0.25;
    /**
     * Little's law tolerance, base part: the self-test's M/M/c points (steady, no faults) measure errors within
     * about 2% (RESULTS.md); 10% leaves room for noisier designs and was the report's mark already.
     */
    public static final double LITTLE_BASE_TOLERANCE = 0.10;
    /**
     * Little's law tolerance, edge part, times W/T: L counts only time inside the window, lambda x W counts the whole
     * sojourn of the window's arrivals, so the two differ by items straddling each edge: about L x W at each edge,
     * relative error up to about 2 W / T in a steady window (W mean time in system, T the window).
     */
    public static final double LITTLE_EDGE_FACTOR = 2;

    private PointValidity() {}

    /**
     * What the point measured, as plain figures.
     *
     * @param openLoad         the open model (generator rules apply)
     * @param windowArrivals   arrivals of the schedule inside the measured window that were offered
     * @param missedStarts     offered arrivals of the window that started later than the missed-start threshold
     * @param notStarted       arrivals not started by the window's end (open load; 0 otherwise)
     * @param blockedShare     share of the load phases the generator spent blocked in submit
     * @param lagP99Us         generator's p99 schedule lag, microseconds
     * @param generatorSummary the generator's one-line summary
     * @param offered          items offered in the whole point
     * @param terminal         items that reached an outcome
     * @param duplicates       items reported twice
     * @param stuckItems       items whose work ignored cancellation
     * @param leakedThreads    names of threads left after cancel
     * @param error            the load generator's failure, or null
     * @param otherCpuShare    other processes' share of the machine's CPU in the window, or null when unknown
     * @param littleRelError   (L - lambda W) / lambda W, or NaN when lambda W is 0
     * @param meanSojournS     W, seconds
     * @param windowS          T, seconds
     * @param faultWarnings    {@link #faultsOutsideWindow} for the scenario's faults
     * @param steady           the steady-state check, or null when not run
     * @param selfTest         the M/M/c verdict, or null when the point is not M/M/c
     * @param designWarnings   warnings about the experiment itself (ignored policies), passed through
     */
    public record Inputs(boolean openLoad, long windowArrivals, long missedStarts, long notStarted, double blockedShare,
                         double lagP99Us, String generatorSummary,
                         long offered, long terminal, long duplicates, long stuckItems, List<String> leakedThreads, String error,
                         Double otherCpuShare, double littleRelError, double meanSojournS, double windowS,
                         List<String> faultWarnings, PointResult.Steady steady, PointResult.SelfTest selfTest,
                         List<String> designWarnings) {
        public Inputs {
            leakedThreads = List.copyOf(leakedThreads);
            faultWarnings = List.copyOf(faultWarnings);
            designWarnings = List.copyOf(designWarnings);
        }
    }

    /** The verdict: state, validity, warnings (in report order) and the reasons for invalidity. */
    public record Judgement(String state, boolean valid, List<String> warnings, List<String> invalidReasons) {
        public static final String VALID = "valid", SATURATED = "saturated", INVALID = "invalid";
    }

    /** Judges a point; see the class notes for the states and each constant for its threshold. */
    public static Judgement judge(Inputs in) {
        List<String> warnings = new ArrayList<>(in.designWarnings());
        List<String> invalid = new ArrayList<>();
        boolean saturated = false;

        // ---- the generator (open load). Validity follows k6's dropped iterations: more than 1% of the window's
        // arrivals missed (late by more than the missed-start threshold) or not started at all distorts the load.
        // Smaller jitter is reported but cannot hide latency: responses count from intended starts.
        long arrivals = in.windowArrivals() + in.notStarted();
        long late = in.missedStarts() + in.notStarted();
        boolean missedTooMany = late > MISSED_SHARE * Math.max(1, arrivals);
        if (in.openLoad() && missedTooMany && in.blockedShare() > SATURATED_BLOCKED_SHARE) {
            saturated = true;
            warnings.add(String.format(Locale.ROOT, "saturated: the design pushed back on the generator for %.1f%% of the load phases"
                            + " (blocking admission); %d of %d arrivals of the window (%.1f%%) started late and %d (%.1f%%) were not started"
                            + " by its end: throughput is the design's capacity, latency counts from intended starts for the items that started",
                    in.blockedShare() * 100, in.missedStarts(), arrivals, pct(in.missedStarts(), arrivals), in.notStarted(),
                    pct(in.notStarted(), arrivals)));
        } else if (in.openLoad() && missedTooMany) {
            invalid.add(String.format(Locale.ROOT, "generator fell behind: %d of %d arrivals of the window (%.1f%%) missed or not started"
                    + " (> %.0f%%) without back-pressure from the design: %s", late, arrivals, pct(late, arrivals), MISSED_SHARE * 100,
                    in.generatorSummary()));
        } else if (in.openLoad() && (in.lagP99Us() > GeneratorStats.FELL_BEHIND_P99_LAG_US || in.notStarted() > 0)) {
            warnings.add(String.format(Locale.ROOT, "generator schedule jitter: lag p99 %.0f us (> %.0f us), %d missed starts, %d not started;"
                            + " too few to invalidate the point", in.lagP99Us(), GeneratorStats.FELL_BEHIND_P99_LAG_US, in.missedStarts(),
                    in.notStarted()));
        }

        // ---- nothing measured: figures of an empty window (throughput 0, no percentiles) would read as a finding about
        // the design, when the load never reached it (a design that failed to start, a trace with no arrival in the window)
        if (in.offered() == 0) {
            invalid.add("nothing measured: the point offered no item" + (in.error() != null ? "" : " (the load never reached the design)"));
        } else if (in.openLoad() && in.windowArrivals() + in.notStarted() == 0) {
            invalid.add("nothing measured: no arrival of the schedule fell in the measured window (" + in.offered()
                    + " items offered outside it)");
        }

        // ---- correctness
        // (conservation has its own verdict, conservation_ok, and fails the run: a warning here, not a second rule)
        if (in.offered() != in.terminal() || in.duplicates() != 0) {
            warnings.add("conservation violated: offered " + in.offered() + ", terminal " + in.terminal() + ", duplicates " + in.duplicates());
        }
        if (in.stuckItems() > 0) warnings.add(in.stuckItems() + " item(s) stuck: their work ignored cancellation");
        if (!in.leakedThreads().isEmpty()) {
            warnings.add(in.leakedThreads().size() + " thread(s) left after cancel: " + in.leakedThreads().stream().limit(5).toList());
        }
        if (in.error() != null) warnings.add(in.error()); // the point's status is already "failed"

        // ---- the machine
        if (in.otherCpuShare() != null && in.otherCpuShare() > OTHER_CPU_WARN) {
            warnings.add(String.format(Locale.ROOT, "busy machine: other processes used %.0f%% of the CPU during the measured window"
                    + " (> %.0f%%); figures may be slower and noisier than on a quiet machine", in.otherCpuShare() * 100, OTHER_CPU_WARN * 100));
        }

        // ---- Little's law
        double tol = littleTolerance(in.meanSojournS(), in.windowS());
        if (Double.isFinite(in.littleRelError()) && Math.abs(in.littleRelError()) > tol) {
            warnings.add(String.format(Locale.ROOT, "Little's law: L differs from lambda x W by %+.1f%% (tolerance %.1f%% = %.0f%% + %.0f x W/T with"
                            + " W %.3g s, T %.3g s): the window is not in steady state, or the counters are wrong",
                    in.littleRelError() * 100, tol * 100, LITTLE_BASE_TOLERANCE * 100, LITTLE_EDGE_FACTOR, in.meanSojournS(), in.windowS()));
        }

        // ---- faults that cannot be seen in the window
        warnings.addAll(in.faultWarnings());

        // ---- steady state
        // a saturated point's queue grows by definition: its trend is the saturation, said above, not a second finding
        String steady = SteadyState.describe(in.steady());
        if (steady != null) {
            if (saturated) warnings.add(steady + " (expected while the design is saturated)");
            else if (SteadyState.invalid(in.steady())) invalid.add(steady);
            else warnings.add(steady);
        }

        // ---- the self-test
        if (in.selfTest() != null) {
            String s = SelfTestVerdict.describe(in.selfTest());
            if (SelfTestVerdict.FAIL.equals(in.selfTest().verdict())) invalid.add(s);
            else if (SelfTestVerdict.NOT_JUDGED.equals(in.selfTest().verdict())) warnings.add(s);
        }

        for (String r : invalid) warnings.add("invalid: " + r);
        String state = !invalid.isEmpty() ? Judgement.INVALID : saturated ? Judgement.SATURATED : Judgement.VALID;
        return new Judgement(state, invalid.isEmpty(), List.copyOf(warnings), List.copyOf(invalid));
    }

    /** {@link #LITTLE_BASE_TOLERANCE} + {@link #LITTLE_EDGE_FACTOR} x W / T. */
    public static double littleTolerance(double meanSojournS, double windowS) {
        double edge = windowS > 0 && Double.isFinite(meanSojournS) ? LITTLE_EDGE_FACTOR * meanSojournS / windowS : 0;
        return LITTLE_BASE_TOLERANCE + edge;
    }

    /** A fault's place on the point's timeline, seconds from the point's start. */
    public record FaultTiming(String kind, double atS, double durationS) {}

    /**
     * Warnings for faults whose window {@code [at, at + duration)} does not overlap the measured window
     * {@code [warmupS, warmupS + measureS)}: their effect is not in the point's figures (typically a
     * {@code --duration} that shortened the measure phase under a timeline written for a longer one).
     */
    public static List<String> faultsOutsideWindow(List<FaultTiming> faults, double warmupS, double measureS, double cooldownS) {
        List<String> w = new ArrayList<>();
        double from = warmupS, to = warmupS + measureS, end = to + cooldownS;
        for (FaultTiming f : faults) {
            double stop = f.atS() + f.durationS();
            if (f.atS() >= end) {
                w.add("fault " + f.kind() + " at " + sec(f.atS()) + " never fires: the point ends at " + sec(end) + " (warmup + measure + cooldown)");
            } else if (f.atS() >= to || stop <= from) {
                w.add("fault " + f.kind() + " [" + sec(f.atS()) + ", " + sec(stop) + ") lies outside the measured window [" + sec(from) + ", "
                        + sec(to) + "): its effect is not in the point's figures");
            }
        }
        return w;
    }

    /** Seconds to the millisecond, without trailing zeros: 0.5s, 2s, 1.25s. */
    static String sec(double s) {
        return java.math.BigDecimal.valueOf(Math.round(s * 1000) / 1000.0).stripTrailingZeros().toPlainString() + "s";
    }

    private static double pct(long part, long whole) { return whole == 0 ? 0 : 100.0 * part / whole; }
}
