package io.fanlab.reports.compare;

import java.util.List;
import java.util.Locale;

import io.fanlab.reports.run.PointRecord;
import io.fanlab.reports.run.RunEvent;
import io.fanlab.reports.run.RunRecord;

/**
 * Was it the same machine? Two runs minutes apart on a shared machine differ by more than any tolerance that still
 * sees a real 15% slowdown (README, "Nightly in CI"): the change is the machine's, not the code's. Each run records
 * two witnesses of the machine it ran on, and this class compares them; {@link RunComparison} marks a change beyond
 * noise {@link Comparison.Mark#INCONCLUSIVE} instead of regressed or improved where the machine changed, and
 * {@code fanlab compare} and {@code fanlab reproduce} then exit 4 ("machine changed: inconclusive"), never 0.
 * <ul>
 *   <li><b>Other processes' CPU in the point's window</b> ({@code validity.other_cpu_share}, measured during each
 *       point's own measured window from /proc/stat): per point, the mean over the valid repeats of each side. What
 *       the run can use is what the others leave, {@code 1 - share}; the machine changed at that point when that
 *       changed by more than {@link #AVAILABLE_CPU_CHANGE} of itself. Relative, not absolute: others going from 80% to
 *       85% of the machine take a quarter of what was left to the run, from 5% to 10% only a twentieth.</li>
 *   <li><b>The harness floor</b> (the run's {@code calibration} event: null work through the generator, a hand-off
 *       and the recorder, measured before the first point): the machine changed for the whole run when the floor's
 *       mean differs by more than {@link #FLOOR_RATIO} times and by more than {@link #FLOOR_DELTA_MS}.</li>
 * </ul>
 * A witness missing on either side (an older run, no /proc/stat) says nothing: the check is then not made.
 *
 * <p>What this cannot tell: on a saturated machine the shares are zero-sum, so a design that burns more CPU leaves
 * less to the others and lowers their share; a regression of that kind shows as a machine change (inconclusive,
 * never a pass). Thresholds: see {@link #AVAILABLE_CPU_CHANGE}. Pure functions; thread-safe.
 */
public final class MachineCheck {
    /**
     * The CPU left to the run ({@code 1 - other_cpu_share}) may change by this share of itself between the two sides
     * of a point before the machine counts as changed. Chosen from runs of scenarios/nightly/capacity.yaml minutes
     * apart on a shared 2-core machine (README, "Nightly in CI"): of 16 pairs of valid points, the 14 whose available
     * CPU changed by more than 10% all moved beyond the default tolerances (throughput -35% to +1500%); of the 2 below
     * it, one agreed and one moved on p99 only.
     */
    public static final double AVAILABLE_CPU_CHANGE = 0.10;
    /** The floor's mean may differ by this factor... */
    public static final double FLOOR_RATIO = 4.0;
    /** ...and by this much (ms) before the machine counts as changed for the whole run. */
    public static final double FLOOR_DELTA_MS = 1.0;

    private MachineCheck() {
    }

    /** The harness floor's mean (ms) recorded by a run, or NaN. */
    public static double floorMs(RunRecord run) {
        for (RunEvent e : run.events()) {
            if ("calibration".equals(e.type())) return e.raw().path("mean_ms").asDouble(Double.NaN);
        }
        return Double.NaN;
    }

    /** Why the machine under the two runs differs as a whole (the floor), or null. */
    public static String runChanged(RunRecord baseline, RunRecord candidate) {
        double b = floorMs(baseline);
        double c = floorMs(candidate);
        if (!(b > 0) || !(c > 0)) return null;
        if (Math.max(b, c) / Math.min(b, c) > FLOOR_RATIO && Math.abs(b - c) > FLOOR_DELTA_MS)
            return String.format(Locale.ROOT, "the harness floor (null work) moved from %.3f ms to %.3f ms", b, c);
        return null;
    }

    /** Mean of other processes' CPU share over the points, NaN when any lacks it. */
    static double otherCpu(List<PointRecord> ps) {
        double s = 0;
        for (PointRecord p : ps) {
            double v = p.result().validity() == null ? Double.NaN : PointRecord.orNaN(p.result().validity().otherCpuShare());
            if (!Double.isFinite(v)) return Double.NaN;
            s += v;
        }
        return ps.isEmpty() ? Double.NaN : s / ps.size();
    }

    /** Why the machine differs at one point (other processes' CPU in its window), or null. */
    public static String pointChanged(List<PointRecord> baseline, List<PointRecord> candidate) {
        double b = otherCpu(baseline);
        double c = otherCpu(candidate);
        if (!Double.isFinite(b) || !Double.isFinite(c)) return null;
        double left = (1 - c) / Math.max(1e-3, 1 - b) - 1;
        if (Math.abs(left) <= AVAILABLE_CPU_CHANGE) return null;
        return String.format(Locale.ROOT, "other processes used %.0f%% of the machine's CPU in the baseline's window, %.0f%% in the candidate's:"
            + " the CPU left to the run changed by %+.0f%%", b * 100, c * 100, left * 100);
    }
}
