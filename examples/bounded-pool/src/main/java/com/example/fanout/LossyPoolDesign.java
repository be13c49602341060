package com.example.fanout;

import io.fanlab.harness.design.Design;
import io.fanlab.harness.design.DesignContext;
import io.fanlab.harness.design.Item;
import io.fanlab.harness.design.RunningDesign;
import java.time.Duration;

/**
 * Deliberately broken: {@link BoundedPoolDesign} with a bug that silently drops every 100th item (it is never run
 * nor reported). It is not registered as a service; {@code LossyPoolDesignTest} names its class, and shows what
 * fanlab's verdict looks like when a design loses items.
 */
public final class LossyPoolDesign implements Design {
    @Override public String name() { return "bounded-pool-lossy"; }
    @Override public String description() { return "example, broken on purpose: bounded-pool that drops every 100th item"; }

    @Override public RunningDesign start(DesignContext ctx) {
        RunningDesign inner = new BoundedPoolDesign().start(ctx);
        return new RunningDesign() {
            @Override public void submit(Item item) throws InterruptedException {
                if (item.seq() % 100 != 99) inner.submit(item); // the bug
            }
            @Override public Gauges gauges() { return inner.gauges(); }
            @Override public boolean close(Duration d) throws InterruptedException { return inner.close(d); }
            @Override public CancelResult cancel(Duration b) throws InterruptedException { return inner.cancel(b); }
        };
    }
}
