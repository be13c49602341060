package io.fanlab.harness.cli;

/** The CLI's exit codes (documented in the README). */
public final class ExitCodes {
    private ExitCodes() {}

    /** Every SLO and check met. */
    public static final int OK = 0;
    /** An SLO or a check (conservation, leaks, generator validity) failed. */
    public static final int SLO_FAILED = 1;
    /** Bad input or usage: nothing was run. */
    public static final int BAD_INPUT = 2;
    /** The run itself failed (a point crashed or was aborted, the run directory could not be written). */
    public static final int RUN_FAILED = 3;
    /**
     * {@code compare} and {@code reproduce} only: a figure moved beyond noise, but the machine changed under it (other
     * processes' CPU in the point's window, or the harness floor; {@link io.fanlab.reports.compare.MachineCheck}), so
     * the comparison cannot say whether the code moved; nothing regressed where the machine held still. Never 0: rerun
     * when the machine is quiet.
     */
    public static final int INCONCLUSIVE = 4;
}
