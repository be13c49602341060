package io.fanlab.harness.work;

/**
 * The item failed in a stage by design: its ERROR draw fell below the stage's error rate plus the injected rate.
 * Thrown by work after the item's work was done (a failing item costs its service time, like a real error found
 * late). Carries no stack trace: it is expected, frequent and cheap.
 */
public final class InjectedFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private final String stage;
    private final long seq;

    public InjectedFailure(String stage, long seq) {
        super("injected failure: item " + seq + " in stage " + stage, null, false, false);
        this.stage = stage;
        this.seq = seq;
    }

    public String stage() { return stage; }

    public long seq() { return seq; }
}
