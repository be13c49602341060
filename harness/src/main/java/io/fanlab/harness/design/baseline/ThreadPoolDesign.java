package io.fanlab.harness.design.baseline;

import io.fanlab.engine.Outcome;
import io.fanlab.harness.design.Design;
import io.fanlab.harness.design.DesignContext;
import io.fanlab.harness.design.Item;
import io.fanlab.harness.design.Policy;
import io.fanlab.harness.design.RunningDesign;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code tpe}: a fixed {@link ThreadPoolExecutor} of width N platform threads over an {@link ArrayBlockingQueue}
 * of the swept stage's queue capacity, one {@code execute} per item; a full queue blocks the producer (the
 * rejection handler puts). This is what most teams write first. One item is cancelled alone as
 * {@code Future.cancel(true)} cancels a task: never started if still queued, interrupted if running.
 */
public final class ThreadPoolDesign implements Design {
    @Override public String name() { return "tpe"; }
    @Override public String description() { return "ThreadPoolExecutor, N platform threads, bounded queue, one submit per item (baseline)"; }

    /**
     * Routes and loops (walked per item on the task's thread, see TrackedItems) and {@link Policy#CANCEL} (a join's
     * losers): otherwise every stage's work runs in sequence in one task, at the swept width, and a full queue blocks
     * the producer whatever the scenario's admission says; the runner names each ignored policy in the point's warnings.
     */
    @Override public Set<Policy> capabilities() { return Set.of(Policy.GRAPH, Policy.CANCEL); }

    @Override public RunningDesign start(DesignContext context) {
        int n = context.width();
        int queue = context.stages().get(context.sweptStage()).queueCapacity();
        AtomicInteger ids = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(n, n, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue),
                r -> {
                    Thread t = new Thread(r, "fanlab-tpe-" + ids.getAndIncrement());
                    t.setDaemon(true);
                    return t;
                },
                (r, ex) -> {
                    if (ex.isShutdown()) throw new RejectedExecutionException("tpe: shut down");
                    try {
                        ex.getQueue().put(r);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new RejectedExecutionException("tpe: interrupted while blocked on a full queue", e);
                    }
                });
        pool.prestartAllCoreThreads();
        TrackedItems items = new TrackedItems(context);
        return new RunningDesign() {
            @Override public void submit(Item item) throws InterruptedException {
                TrackedItems.Task task = items.task(item);
                item.onCancel(task::cancel);
                if (task.reported()) return; // a loser before it was offered: reported CANCELLED, nothing to run
                try {
                    pool.execute(task);
                } catch (RejectedExecutionException e) {
                    task.finish(Outcome.SHED, e);
                    if (Thread.interrupted()) throw new InterruptedException("submit interrupted");
                }
            }

            @Override public Gauges gauges() {
                return new Gauges(pool.getQueue().size(), pool.getActiveCount(), n, -1);
            }

            @Override public boolean close(Duration deadline) throws InterruptedException {
                pool.shutdown();
                return pool.awaitTermination(deadline.toNanos(), TimeUnit.NANOSECONDS);
            }

            @Override public CancelResult cancel(Duration bound) throws InterruptedException {
                long t0 = System.nanoTime();
                for (TrackedItems.Task t : items.liveTasks()) t.cancelled = true;
                for (Runnable r : pool.shutdownNow()) ((TrackedItems.Task) r).finish(Outcome.CANCELLED, null);
                for (TrackedItems.Task t : items.liveTasks()) t.cancel();
                pool.awaitTermination(bound.toNanos(), TimeUnit.NANOSECONDS);
                long stuck = items.cancelRemaining();
                return new CancelResult(Duration.ofNanos(System.nanoTime() - t0), stuck);
            }
        };
    }
}
