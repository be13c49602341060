package io.fanlab.harness.load;

import io.fanlab.harness.design.Item;

/**
 * Where a generator hands each item, typically {@code RunningDesign::submit}. May block (back-pressure): for the
 * open model, the time spent blocked shows up as schedule lag of the following items, never as shorter latency.
 * Called by the generator thread (open) or by user threads (closed).
 */
@FunctionalInterface
public interface ItemSink {
    void submit(Item item) throws InterruptedException;
}
