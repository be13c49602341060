package io.fanlab.harness.design.baseline;

import io.fanlab.engine.Outcome;
import io.fanlab.harness.design.Completions;
import io.fanlab.harness.design.DesignContext;
import io.fanlab.harness.design.Item;
import io.fanlab.harness.design.StageWork;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Exactly-once completion bookkeeping shared by the baselines: each item becomes a {@link Task} whose first
 * terminal report wins; tasks still registered after a cancel's bound are reported CANCELLED and counted stuck.
 * Thread-safe.
 */
final class TrackedItems {
    private final DesignContext context;
    private final Set<Task> live = ConcurrentHashMap.newKeySet();

    TrackedItems(DesignContext context) { this.context = context; }

    Task task(Item item) {
        Task t = new Task(item);
        live.add(t);
        return t;
    }

    int live() { return live.size(); }

    /** Ends every task still live as CANCELLED; returns how many there were (the stuck ones). */
    long cancelRemaining() {
        long n = 0;
        for (Task t : live) if (t.finish(Outcome.CANCELLED, null)) n++;
        return n;
    }

    final class Task implements Runnable {
        final Item item;
        private final AtomicBoolean done = new AtomicBoolean();
        volatile boolean cancelled;
        volatile Thread runner;

        Task(Item item) { this.item = item; }

        @Override public void run() {
            runner = Thread.currentThread();
            Outcome outcome = Outcome.COMPLETED;
            Throwable cause = null;
            try {
                context.router().walk(item, stage -> { // routes and loops decided by the point's router, stage by stage
                    if (cancelled || Thread.currentThread().isInterrupted()) throw new InterruptedException("cancelled");
                    context.work().get(stage).run(item, () -> cancelled);
                });
            } catch (InterruptedException e) {
                outcome = Outcome.CANCELLED;
            } catch (Throwable e) {
                outcome = cancelled ? Outcome.CANCELLED : Outcome.FAILED;
                cause = e;
            } finally {
                runner = null;
            }
            finish(outcome, cause);
        }

        boolean finish(Outcome outcome, Throwable cause) {
            if (!done.compareAndSet(false, true)) return false;
            live.remove(this);
            Completions c = context.completions();
            c.complete(item, outcome, cause);
            return true;
        }

        void cancel() {
            cancelled = true;
            Thread t = runner;
            if (t != null) t.interrupt();
        }
    }

    Set<Task> liveTasks() { return live; }
}
