package io.fanlab.harness.design.broken;

import io.fanlab.harness.design.Design;
import io.fanlab.harness.design.DesignContext;
import io.fanlab.harness.design.DesignProvider;
import io.fanlab.harness.design.Item;
import io.fanlab.harness.design.RunningDesign;
import io.fanlab.harness.design.baseline.ThreadPoolDesign;
import java.time.Duration;
import java.util.List;

/**
 * Designs that misbehave on purpose, for the harness's failure-mode tests (like JMH's it/errors): one leaks a
 * thread, one calls {@code System.exit}, one loses items, one reports items twice. Named {@code broken-*}; the design contract suite skips
 * them, and {@code DesignContractKitTest} checks that the contract kit catches them.
 */
public final class BrokenDesigns implements DesignProvider {
    @Override public List<Design> designs() {
        return List.of(new Leaky(), new Exiting(), new Lossy(), new Duplicating(),
                new LeakyPool("broken-leaky-forkjoin", "test only: tpe plus a new ForkJoinPool(2) never shut down", () -> new java.util.concurrent.ForkJoinPool(2)),
                new LeakyPool("broken-leaky-workstealing", "test only: tpe plus Executors.newWorkStealingPool() never shut down",
                        java.util.concurrent.Executors::newWorkStealingPool));
    }

    /**
     * A tpe that also starts a default-named pool it never shuts down: its threads are named like the JDK's own
     * ({@code ForkJoinPool-N-worker-M}), so only a census by owner finds them.
     */
    static final class LeakyPool implements Design {
        private final String name, description;
        private final java.util.function.Supplier<java.util.concurrent.ExecutorService> pool;

        LeakyPool(String name, String description, java.util.function.Supplier<java.util.concurrent.ExecutorService> pool) {
            this.name = name;
            this.description = description;
            this.pool = pool;
        }

        @Override public String name() { return name; }
        @Override public String description() { return description; }
        @Override public RunningDesign start(DesignContext context) {
            java.util.concurrent.ExecutorService leaked = pool.get();
            try {
                leaked.submit(() -> { }).get(); // starts a worker, which then idles for the pool's keep-alive (60 s)
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return new ThreadPoolDesign().start(context);
        }
    }

    /** A tpe that never reports every 100th item (seq % 100 == 99): it is neither run nor completed. */
    public static final class Lossy implements Design {
        @Override public String name() { return "broken-lossy"; }
        @Override public String description() { return "test only: tpe that silently drops every 100th item"; }
        @Override public RunningDesign start(DesignContext context) {
            RunningDesign inner = new ThreadPoolDesign().start(context);
            return new RunningDesign() {
                @Override public void submit(Item item) throws InterruptedException { if (item.seq() % 100 != 99) inner.submit(item); }
                @Override public Gauges gauges() { return inner.gauges(); }
                @Override public boolean close(Duration d) throws InterruptedException { return inner.close(d); }
                @Override public CancelResult cancel(Duration b) throws InterruptedException { return inner.cancel(b); }
            };
        }
    }

    /** A tpe that reports every 50th item (seq % 50 == 49) twice, with the same outcome. */
    public static final class Duplicating implements Design {
        @Override public String name() { return "broken-duplicating"; }
        @Override public String description() { return "test only: tpe that reports every 50th item twice"; }
        @Override public RunningDesign start(DesignContext context) {
            io.fanlab.harness.design.Completions sink = context.completions();
            return new ThreadPoolDesign().start(new DesignContext(context.stages(), context.work(), (item, outcome, cause) -> {
                sink.complete(item, outcome, cause);
                if (item.seq() % 50 == 49) sink.complete(item, outcome, cause);
            }, context.sweptStage(), context.router()));
        }
    }

    /** A tpe that also starts a thread it never stops. */
    public static final class Leaky implements Design {
        @Override public String name() { return "broken-leaky"; }
        @Override public String description() { return "test only: tpe plus a thread it never stops"; }
        @Override public RunningDesign start(DesignContext context) {
            Thread.ofPlatform().name("fanlab-leak").daemon().start(() -> {
                try {
                    Thread.sleep(Duration.ofSeconds(30));
                } catch (InterruptedException ignored) { }
            });
            return new ThreadPoolDesign().start(context);
        }
    }

    /** Calls System.exit(42) on the first submit. */
    static final class Exiting implements Design {
        @Override public String name() { return "broken-exit"; }
        @Override public String description() { return "test only: System.exit(42) on the first item"; }
        @Override public RunningDesign start(DesignContext context) {
            RunningDesign inner = new ThreadPoolDesign().start(context);
            return new RunningDesign() {
                @Override public void submit(Item item) { System.exit(42); }
                @Override public Gauges gauges() { return inner.gauges(); }
                @Override public boolean close(Duration d) throws InterruptedException { return inner.close(d); }
                @Override public CancelResult cancel(Duration b) throws InterruptedException { return inner.cancel(b); }
            };
        }
    }
}
