package io.fanlab.harness.design.baseline;

import io.fanlab.engine.Outcome;
import io.fanlab.harness.design.Completions;
import io.fanlab.harness.design.DesignContext;
import io.fanlab.harness.design.Item;
import io.fanlab.harness.design.StageWork;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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

    /**
     * One item's run of every stage's work, reported exactly once.
     *
     * <p>Implementation notes. {@link #cancel} stops the item as {@code Future.cancel(true)} would, without the
     * future: a task not yet started never starts (it is reported CANCELLED at once, and a worker that later takes it
     * does nothing); a running one is interrupted, and reported when its work ends (CANCELLED when the work gave up,
     * COMPLETED when it finished anyway). A small state machine on one int makes the interrupt reach the thread only
     * while it runs this task, never the next task the same pool thread takes:
     * <pre>
     *   NEW --run--> RUNNING --work ends--> DONE
     *   NEW --cancel--> DONE (reported CANCELLED; run() then returns at once)
     *   RUNNING --cancel--> INTERRUPTING --(runner.interrupt())--> INTERRUPTED --work ends--> DONE
     * </pre>
     * The end of {@link #run} from INTERRUPTING waits (spins: the canceller is between two stores) for the interrupt,
     * then clears the thread's interrupt status, which then holds nothing but that interrupt.
     */
    final class Task implements Runnable {
        private static final int NEW = 0, RUNNING = 1, INTERRUPTING = 2, INTERRUPTED = 3, DONE = 4;
        final Item item;
        private final AtomicBoolean reported = new AtomicBoolean();
        private final AtomicInteger state = new AtomicInteger(NEW);
        volatile boolean cancelled;
        private volatile Thread runner;

        Task(Item item) { this.item = item; }

        @Override public void run() {
            runner = Thread.currentThread(); // before the CAS: a canceller that sees RUNNING sees the runner
            if (!state.compareAndSet(NEW, RUNNING)) { // cancelled before it started: reported already
                runner = null;
                return;
            }
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
                if (!state.compareAndSet(RUNNING, DONE)) {
                    while (state.get() == INTERRUPTING) Thread.onSpinWait();
                    Thread.interrupted(); // the cancel's interrupt, if the work did not consume it
                    state.set(DONE);
                }
                runner = null;
            }
            finish(outcome, cause);
        }

        /** Reports the item's end unless it was reported before. @return true when this call reported it */
        boolean finish(Outcome outcome, Throwable cause) {
            if (!reported.compareAndSet(false, true)) return false;
            live.remove(this);
            Completions c = context.completions();
            c.complete(item, outcome, cause);
            return true;
        }

        /** Whether the item was reported (ended, or cancelled before it started). */
        boolean reported() { return reported.get(); }

        /** Stops this item alone (see the class notes); any thread, any number of times. */
        void cancel() {
            cancelled = true;
            while (true) {
                int s = state.get();
                if (s == NEW) {
                    if (state.compareAndSet(NEW, DONE)) {
                        finish(Outcome.CANCELLED, null);
                        return;
                    }
                } else if (s == RUNNING) {
                    Thread t = runner;
                    if (state.compareAndSet(RUNNING, INTERRUPTING)) {
                        t.interrupt();
                        state.set(INTERRUPTED);
                        return;
                    }
                } else {
                    return; // interrupted before, or ended
                }
            }
        }
    }

    Set<Task> liveTasks() { return live; }
}
