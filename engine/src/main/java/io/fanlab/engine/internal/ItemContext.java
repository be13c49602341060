package io.fanlab.engine.internal;

import io.fanlab.engine.WorkContext;

import java.util.function.BooleanSupplier;

/**
 * The worker's view of the item it is running, reused for every item of that worker. Doubles as the
 * {@link WorkContext} of the first attempt and as the item's cancellation signal ({@link BooleanSupplier}) for an
 * attempt runner. {@link #isCancelled()} may be polled from any thread.
 */
public final class ItemContext implements WorkContext, BooleanSupplier {
    private final StageRuntime stage;
    private final int worker;
    /**
     * Written by the worker before each item's work; read by the work and by attempt threads the worker starts
     * afterwards (thread start orders it), so a plain field: a volatile write per item costs a fence.
     */
    private long sequence;

    ItemContext(StageRuntime stage, int worker) {
        this.stage = stage;
        this.worker = worker;
    }

    /** The item's own cancellation, or null; same publication as {@link #sequence}. */
    private ItemCancellation cancellation;

    void begin(long seq, ItemCancellation itemCancellation) {
        this.sequence = seq;
        this.cancellation = itemCancellation;
    }

    @Override public boolean isCancelled() { return stage.cancelled || (cancellation != null && cancellation.isCancelled()); }
    @Override public boolean getAsBoolean() { return isCancelled(); }
    @Override public int attempt() { return 0; }
    @Override public boolean isHedge() { return false; }
    @Override public int worker() { return worker; }
    @Override public long sequence() { return sequence; }
}
