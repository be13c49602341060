package io.fanlab.engine.resilience;

/**
 * The stage's concurrency limit seen per attempt: every attempt (first, retry or hedge) holds one permit while its
 * work runs, so hedges and retries count against the limit like first attempts and cannot push a downstream past
 * it. First attempts and retries wait for a permit; a hedge takes one only if it is free at once (a hedge that
 * waited would be late; it is then not sent and counted in {@code hedgesDeniedByLimit}).
 *
 * <p>A permit is returned when the attempt's work really returns, not when the attempt is abandoned: an attempt
 * that timed out or lost a hedge race and ignores cancellation keeps its permit until it ends, because it is still
 * in flight at the downstream.
 *
 * <p>Threading: all methods may be called from any thread; a hedge's permit is taken on the timer thread and
 * returned on the hedge's own thread.
 */
public interface AttemptPermits {
    /** How an attempt under a permit ended, for an adaptive limit's sample. */
    enum End {
        /** The work returned a value: a sample without drop. */
        SUCCEEDED,
        /** The work threw; {@code cause} decides whether it was overload (a sample with drop) or not (no sample). */
        FAILED,
        /** The attempt timed out: a sample with drop. */
        TIMED_OUT,
        /** The attempt was cancelled (lost a hedge race, or its item was cancelled): no sample. */
        CANCELLED,
        /** The attempt never started (its thread could not be started): no sample. */
        NOT_STARTED
    }

    /**
     * Waits for a permit.
     *
     * @return the permit's start stamp, to pass back to {@link #release}
     * @throws InterruptedException if interrupted while waiting (no permit is then held)
     */
    long acquire() throws InterruptedException;

    /** Takes a permit if one is free now. @return its start stamp, or {@link #NONE_FREE} (nothing taken) */
    long tryAcquire();

    /** Returns a permit taken at {@code stamp}. */
    void release(long stamp, End end, Throwable cause);

    /** {@link #tryAcquire()}'s answer when no permit is free. */
    long NONE_FREE = Long.MIN_VALUE;

    /** No limit: every attempt starts at once. */
    AttemptPermits UNLIMITED = new AttemptPermits() {
        @Override public long acquire() { return 0; }
        @Override public long tryAcquire() { return 0; }
        @Override public void release(long stamp, End end, Throwable cause) { }
        @Override public String toString() { return "AttemptPermits.UNLIMITED"; }
    };
}
