package io.fanlab.engine.internal;

import io.fanlab.engine.Outcome;

/**
 * The result of running one item's attempts, written by an {@link ItemInvoker}. One instance per worker, reused
 * for every item (no allocation per item); only the worker that owns it reads or writes it.
 */
public final class Invocation {
    /** COMPLETED, FAILED, TIMED_OUT or CANCELLED. */
    public Outcome outcome;
    /** The result when COMPLETED. */
    public Object value;
    /** The last failure when FAILED. */
    public Throwable cause;
    /** Attempts made (>= 1 when the work was called). */
    public int attempts;
    /** Retries made (attempts after the first that were not hedges). */
    public int retries;
    /** Hedged attempts sent. */
    public int hedges;
    /** Whether the result came from a hedged attempt. */
    public boolean hedgeWon;

    void reset() {
        outcome = null;
        value = null;
        cause = null;
        attempts = 0;
        retries = 0;
        hedges = 0;
        hedgeWon = false;
    }

    public void completed(Object v) { outcome = Outcome.COMPLETED; value = v; }
    public void failed(Throwable t) { outcome = Outcome.FAILED; cause = t; }
    public void cancelled() { outcome = Outcome.CANCELLED; }
    public void timedOut() { outcome = Outcome.TIMED_OUT; }
}
