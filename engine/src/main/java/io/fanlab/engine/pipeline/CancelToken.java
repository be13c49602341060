package io.fanlab.engine.pipeline;

import io.fanlab.engine.internal.ItemCancellation;

/**
 * A caller's handle for cancelling one submitted item alone, while the engine and the other items go on (as a
 * scatter-gather join cancels the items it no longer needs). Give a fresh token with the item to
 * {@link FanOutEngine#submit(Object, CancelToken)}; one token per item.
 *
 * <p>What {@link #cancel} does, by where the item is at that moment:
 * <ul>
 *   <li><b>queued</b> (in a stage's queue, between stages, or waiting at a stage's start gate): its work never
 *       starts; it ends CANCELLED when the next worker takes it.</li>
 *   <li><b>in service</b>: its {@link io.fanlab.engine.WorkContext#isCancelled()} turns true and the thread running
 *       it is interrupted once (only while it runs this item: the interrupt never reaches another item); a stage
 *       with timeouts, retries or hedges cancels its attempts. Work that then throws or returns ends CANCELLED if it
 *       threw, and COMPLETED with its result if it returned one anyway (it "finished anyway": the result still
 *       reaches the listener).</li>
 *   <li><b>ended</b>: nothing.</li>
 * </ul>
 * A cancelled item counts CANCELLED in its stage's tallies like an item of a cancelled engine.
 *
 * <p>Threading: {@link #cancel} and {@link #isCancelled} may be called from any thread, any number of times.
 * Branch copies of an item (a fork) are not cancelled by its token; the item's own path is.
 */
public final class CancelToken {
    private final ItemCancellation cancellation = new ItemCancellation();

    /**
     * Cancels the item (see the class notes for the effect).
     * @return true when this call cancelled it, false when it had been cancelled before
     */
    public boolean cancel() { return cancellation.cancel(); }

    /** Whether {@link #cancel} was called. */
    public boolean isCancelled() { return cancellation.isCancelled(); }

    ItemCancellation cancellation() { return cancellation; }
}
