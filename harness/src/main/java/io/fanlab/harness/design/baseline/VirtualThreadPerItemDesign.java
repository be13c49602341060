package io.fanlab.harness.design.baseline;

import io.fanlab.harness.design.Design;
import io.fanlab.harness.design.DesignContext;
import io.fanlab.harness.design.Item;
import io.fanlab.harness.design.Policy;
import io.fanlab.harness.design.RunningDesign;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import io.fanlab.engine.Outcome;

/**
 * {@code vt-per-item}: a new virtual thread per item, at most N alive, gated by a {@link Semaphore} the producer
 * acquires before starting the thread (so the producer blocks when N items are in flight: no queue at all). One item
 * is cancelled alone by interrupting its thread (or, not yet running, by never running its work).
 */
public final class VirtualThreadPerItemDesign implements Design {
    @Override public String name() { return "vt-per-item"; }
    @Override public String description() { return "a virtual thread per item, N in flight, gated by a semaphore (baseline)"; }

    /**
     * Routes and loops (walked per item on the task's thread, see TrackedItems) and {@link Policy#CANCEL} (a join's
     * losers): otherwise every stage's work runs in sequence in one task, at the swept width, and a full queue blocks
     * the producer whatever the scenario's admission says; the runner names each ignored policy in the point's warnings.
     */
    @Override public Set<Policy> capabilities() { return Set.of(Policy.GRAPH, Policy.CANCEL); }

    @Override public RunningDesign start(DesignContext context) {
        int n = context.width();
        Semaphore permits = new Semaphore(n);
        TrackedItems items = new TrackedItems(context);
        Thread.Builder builder = Thread.ofVirtual().name("fanlab-vt-", 0);
        return new RunningDesign() {
            private volatile boolean closed;
            // guards "check closed + register + start" against "set closed + cancel live tasks"
            private final ReentrantLock lifecycle = new ReentrantLock();

            @Override public void submit(Item item) throws InterruptedException {
                if (closed) throw new IllegalStateException("vt-per-item: submit after close/cancel");
                permits.acquire();
                lifecycle.lock();
                try {
                    TrackedItems.Task task = items.task(item);
                    if (closed) { // cancelled while we waited for a permit
                        permits.release();
                        task.finish(Outcome.CANCELLED, null);
                        return;
                    }
                    item.onCancel(task::cancel);
                    if (task.reported()) { // a loser before it was offered: reported CANCELLED, nothing to run
                        permits.release();
                        return;
                    }
                    builder.start(() -> {
                        try {
                            task.run();
                        } finally {
                            permits.release();
                        }
                    });
                } finally {
                    lifecycle.unlock();
                }
            }

            @Override public Gauges gauges() {
                return new Gauges(0, n - permits.availablePermits(), n, -1);
            }

            @Override public boolean close(Duration deadline) throws InterruptedException {
                closed = true;
                if (!permits.tryAcquire(n, deadline.toNanos(), TimeUnit.NANOSECONDS)) return false;
                permits.release(n);
                return true;
            }

            @Override public CancelResult cancel(Duration bound) throws InterruptedException {
                long t0 = System.nanoTime();
                lifecycle.lock();
                try {
                    closed = true;
                    for (TrackedItems.Task t : items.liveTasks()) t.cancel();
                } finally {
                    lifecycle.unlock();
                }
                if (permits.tryAcquire(n, bound.toNanos(), TimeUnit.NANOSECONDS)) permits.release(n);
                long stuck = items.cancelRemaining();
                return new CancelResult(Duration.ofNanos(System.nanoTime() - t0), stuck);
            }
        };
    }
}
