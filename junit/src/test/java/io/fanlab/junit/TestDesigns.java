package io.fanlab.junit;

import io.fanlab.harness.design.Design;
import io.fanlab.harness.design.DesignContext;
import io.fanlab.harness.design.Item;
import io.fanlab.harness.design.RunningDesign;
import io.fanlab.harness.design.baseline.ThreadPoolDesign;
import java.time.Duration;

/** Designs of the extension's tests; none is registered as a service, so forked points must be told their class. */
public final class TestDesigns {
    private TestDesigns() {}

    /** tpe under another name. */
    public static final class Pooled implements Design {
        @Override public String name() { return "junit-pooled"; }
        @Override public String description() { return "test: tpe under another name"; }
        @Override public RunningDesign start(DesignContext context) { return new ThreadPoolDesign().start(context); }
    }

    /** tpe that silently drops every 50th item (seq % 50 == 49). */
    public static final class Lossy implements Design {
        @Override public String name() { return "junit-lossy"; }
        @Override public String description() { return "test: drops every 50th item"; }
        @Override public RunningDesign start(DesignContext context) {
            RunningDesign inner = new ThreadPoolDesign().start(context);
            return new RunningDesign() {
                @Override public void submit(Item item) throws InterruptedException { if (item.seq() % 50 != 49) inner.submit(item); }
                @Override public Gauges gauges() { return inner.gauges(); }
                @Override public boolean close(Duration d) throws InterruptedException { return inner.close(d); }
                @Override public CancelResult cancel(Duration b) throws InterruptedException { return inner.cancel(b); }
            };
        }
    }

    /** Configured by its constructor only: a forked point JVM could not re-create it. */
    public static final class Configured implements Design {
        private final int knob;
        public Configured(int knob) { this.knob = knob; }
        @Override public String name() { return "junit-configured-" + knob; }
        @Override public String description() { return "test: no no-arg constructor"; }
        @Override public RunningDesign start(DesignContext context) { return new ThreadPoolDesign().start(context); }
    }
}
