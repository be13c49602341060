package io.fanlab.harness.design.example;

import io.fanlab.engine.Outcome;
import io.fanlab.harness.design.Design;
import io.fanlab.harness.design.DesignContext;
import io.fanlab.harness.design.DesignProvider;
import io.fanlab.harness.design.Item;
import io.fanlab.harness.design.RunningDesign;
import io.fanlab.harness.design.StageWork;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An example of a user's own design, as the README describes: a {@link ForkJoinPool} of parallelism N, with at
 * most 4N items admitted (a semaphore, since the pool's own queues are unbounded). It is registered for the tests
 * in {@code src/test/resources/META-INF/services/io.fanlab.harness.design.DesignProvider} and so runs through the
 * same design contract suite and scenarios as the built-in designs. Copy this file to start your own.
 */
public final class ForkJoinDesign implements Design, DesignProvider {
    @Override public List<Design> designs() { return List.of(this); }
    @Override public String name() { return "example-forkjoin"; }
    @Override public String description() { return "example user design: ForkJoinPool(N), at most 4N items admitted"; }

    @Override public RunningDesign start(DesignContext ctx) {
        int n = ctx.width();
        AtomicInteger ids = new AtomicInteger();
        ForkJoinPool pool = new ForkJoinPool(n, p -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("fanlab-example-fj-" + ids.getAndIncrement());
            return t;
        }, null, false);
        Semaphore admitted = new Semaphore(4 * n);
        Set<Task> live = ConcurrentHashMap.newKeySet();
        AtomicBoolean cancelled = new AtomicBoolean();

        final class TaskImpl implements Task {
            final Item item;
            final AtomicBoolean done = new AtomicBoolean();
            volatile Thread runner;

            TaskImpl(Item item) { this.item = item; }

            public void run() {
                runner = Thread.currentThread();
                Outcome outcome = Outcome.COMPLETED;
                Throwable cause = null;
                try {
                    for (StageWork w : ctx.work()) {
                        if (cancelled.get()) throw new InterruptedException();
                        w.run(item, cancelled::get);
                    }
                } catch (InterruptedException e) {
                    outcome = Outcome.CANCELLED;
                } catch (Exception e) {
                    outcome = cancelled.get() ? Outcome.CANCELLED : Outcome.FAILED;
                    cause = e;
                } finally {
                    runner = null;
                }
                finish(outcome, cause);
            }

            public boolean finish(Outcome o, Throwable cause) {
                if (!done.compareAndSet(false, true)) return false;
                live.remove(this);
                admitted.release();
                ctx.completions().complete(item, o, cause);
                return true;
            }

            public boolean running() { return runner != null; }

            public void interrupt() {
                Thread t = runner;
                if (t != null) t.interrupt();
            }
        }

        return new RunningDesign() {
            @Override public void submit(Item item) throws InterruptedException {
                admitted.acquire();
                TaskImpl t = new TaskImpl(item);
                live.add(t);
                if (cancelled.get()) {
                    t.finish(Outcome.CANCELLED, null);
                    return;
                }
                pool.execute(t);
            }

            @Override public Gauges gauges() {
                return new Gauges(pool.getQueuedSubmissionCount() + pool.getQueuedTaskCount(), pool.getActiveThreadCount(), n, -1);
            }

            @Override public boolean close(Duration deadline) throws InterruptedException {
                pool.shutdown();
                return pool.awaitTermination(deadline.toNanos(), TimeUnit.NANOSECONDS);
            }

            @Override public CancelResult cancel(Duration bound) throws InterruptedException {
                long t0 = System.nanoTime();
                cancelled.set(true);
                live.forEach(Task::interrupt);
                pool.shutdownNow();
                pool.awaitTermination(bound.toNanos(), TimeUnit.NANOSECONDS);
                long stuck = 0;
                for (Task t : live) {
                    boolean running = t.running(); // queued tasks the pool dropped are cancelled, not stuck
                    if (t.finish(Outcome.CANCELLED, null) && running) stuck++;
                }
                return new CancelResult(Duration.ofNanos(System.nanoTime() - t0), stuck);
            }
        };
    }

    private interface Task extends Runnable {
        boolean finish(Outcome o, Throwable cause);
        void interrupt();
        boolean running();
    }
}
