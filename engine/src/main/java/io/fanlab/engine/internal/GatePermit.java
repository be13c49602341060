package io.fanlab.engine.internal;

/**
 * What a {@link StartGate} granted one item, from acquire to release. One instance per worker, reused for every
 * item; only its worker reads or writes it.
 */
public final class GatePermit {
    /** The item's tenant ("" without a tenant function), when a bulkhead permit is held. */
    String tenant;
    /** Start of the item's work on the pipeline clock, taken when the last permit was granted. */
    long startNanos;
    boolean bulkhead;
    boolean semaphore;

    void reset() {
        tenant = null;
        startNanos = 0;
        bulkhead = false;
        semaphore = false;
    }
}
