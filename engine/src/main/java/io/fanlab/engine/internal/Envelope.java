package io.fanlab.engine.internal;

/**
 * One item on its way through a pipeline. Mutable, owned by one holder at a time (see package notes); the fields
 * about the current stage are overwritten when the item enters the next stage.
 */
public final class Envelope {
    /** The item as submitted to the pipeline. */
    final Object origin;
    /** The exit this copy of the item is heading for. */
    final String exit;
    /** The current value: input of the current stage, then its output. */
    Object value;
    /** Sequence in the current stage, -1 before admission. */
    long sequence = -1;
    /** Key for per-key stages (negative: none). */
    long key = -1;
    /** Engine clock at admission into the current stage. */
    long enqueuedAt;
    /** Set by a loop going round: the next stage admits it even over capacity (see {@link LoopNode}); cleared there. */
    boolean reentry;
    /** The item's own cancellation (a caller's CancelToken), or null; not carried to branch copies. */
    ItemCancellation cancellation;
    /** Loop permits held, innermost first (null when outside every loop). */
    LoopHold loops;

    Envelope(Object origin, String exit, Object value) {
        this.origin = origin;
        this.exit = exit;
        this.value = value;
    }

    /** A copy for a branch: same origin and value, new exit, no loop permits (a branch leaves every loop it is in). */
    Envelope forkTo(String branchExit) {
        return new Envelope(origin, branchExit, value);
    }

    /** A loop permit held by this item, with the number of laps it made in that loop. */
    static final class LoopHold {
        final LoopNode loop;
        final LoopHold outer;
        int laps;

        LoopHold(LoopNode loop, LoopHold outer) {
            this.loop = loop;
            this.outer = outer;
        }
    }
}
