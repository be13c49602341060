package io.fanlab.harness.fault;

/**
 * A fault that has been applied and can be undone. {@link #revoke()} is idempotent, returns only when the effect is
 * gone (state restored, background threads joined) and never throws.
 */
@FunctionalInterface
public interface ActiveFault {
    /** Nothing to undo: faults applied by the load model or item stream (LoadSpike, HotKey) and Abort. */
    ActiveFault NOTHING = () -> { };

    void revoke();
}
