package com.example.fanout;

import io.fanlab.engine.Outcome;
import io.fanlab.harness.design.Design;
import io.fanlab.harness.design.DesignContext;
import io.fanlab.harness.design.DesignProvider;
import io.fanlab.harness.design.Item;
import io.fanlab.harness.design.RunningDesign;
import io.fanlab.harness.design.StageWork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A team's own fan-out design, as fanlab sees it: N platform worker threads (N = the swept width) taking items
 * from one bounded queue (the swept stage's queue capacity); {@code submit} blocks while the queue is full. Each
 * worker runs every stage's work in sequence. It declares no scenario policy ({@link Design#capabilities()} keeps
 * its default), so fanlab warns about each policy a scenario sets that this design would ignore.
 *
 * <p>Exactly once: an item is in {@code live} from submit until its first terminal report; whoever removes it
 * reports it. Cancel interrupts the workers, reports queued items CANCELLED, waits up to its bound, then reports
 * what is still live CANCELLED and counts the items whose workers are still busy as stuck; their late results find
 * the item gone and are dropped.
 */
public final class BoundedPoolDesign implements Design, DesignProvider {
    @Override public List<Design> designs() { return List.of(this); }
    @Override public String name() { return "bounded-pool"; }
    @Override public String description() { return "example: N platform threads over one bounded queue, blocking when full"; }

    @Override public RunningDesign start(DesignContext ctx) { return new Running(ctx); }

    private static final class Running implements RunningDesign {
        private static final Item STOP = new Item(-1, -1, -1, 0, 0);
        private final DesignContext ctx;
        private final ArrayBlockingQueue<Item> queue;
        private final Set<Item> live = ConcurrentHashMap.newKeySet();
        private final Map<Thread, Item> inService = new ConcurrentHashMap<>();
        private final List<Thread> workers = new ArrayList<>();
        private volatile boolean closing, cancelled;

        Running(DesignContext ctx) {
            this.ctx = ctx;
            this.queue = new ArrayBlockingQueue<>(ctx.stages().get(ctx.sweptStage()).queueCapacity());
            for (int i = 0; i < ctx.width(); i++) workers.add(Thread.ofPlatform().name("bounded-pool-worker-" + i).daemon().start(this::work));
        }

        private boolean finish(Item item, Outcome outcome, Throwable cause) {
            if (!live.remove(item)) return false;
            ctx.completions().complete(item, outcome, cause);
            return true;
        }

        private void work() {
            try {
                while (!cancelled) {
                    Item item = queue.take();
                    if (item == STOP) return;
                    inService.put(Thread.currentThread(), item);
                    Outcome outcome = Outcome.COMPLETED;
                    Throwable cause = null;
                    try {
                        for (StageWork w : ctx.work()) {
                            if (cancelled) throw new InterruptedException("cancelled");
                            w.run(item, () -> cancelled);
                        }
                    } catch (InterruptedException e) {
                        outcome = Outcome.CANCELLED;
                        Thread.currentThread().interrupt();
                    } catch (Exception e) {
                        outcome = cancelled ? Outcome.CANCELLED : Outcome.FAILED;
                        cause = e;
                    } finally {
                        inService.remove(Thread.currentThread());
                    }
                    finish(item, outcome, cause);
                    if (Thread.currentThread().isInterrupted()) return;
                }
            } catch (InterruptedException e) {
                // cancelled while waiting for an item
            }
        }

        @Override public void submit(Item item) throws InterruptedException {
            if (closing) throw new IllegalStateException("bounded-pool: submit after close or cancel");
            live.add(item);
            try {
                queue.put(item);
            } catch (InterruptedException e) {
                finish(item, Outcome.CANCELLED, null);
                throw e;
            }
            if (cancelled) finish(item, Outcome.CANCELLED, null); // raced with cancel's drain
        }

        @Override public Gauges gauges() { return new Gauges(queue.size(), inService.size(), workers.size(), -1); }

        @Override public boolean close(Duration deadline) throws InterruptedException {
            closing = true;
            long end = System.nanoTime() + deadline.toNanos();
            for (int i = 0; i < workers.size(); i++) queue.put(STOP);
            for (Thread w : workers) w.join(Duration.ofNanos(Math.max(1, end - System.nanoTime())));
            return workers.stream().noneMatch(Thread::isAlive);
        }

        @Override public CancelResult cancel(Duration bound) throws InterruptedException {
            long t0 = System.nanoTime();
            closing = true;
            cancelled = true;
            workers.forEach(Thread::interrupt);
            List<Item> queued = new ArrayList<>();
            queue.drainTo(queued);
            for (Item i : queued) if (i != STOP) finish(i, Outcome.CANCELLED, null);
            long end = t0 + bound.toNanos();
            for (Thread w : workers) w.join(Duration.ofNanos(Math.max(1, end - System.nanoTime())));
            long stuck = 0;
            for (Map.Entry<Thread, Item> e : inService.entrySet()) if (e.getKey().isAlive() && finish(e.getValue(), Outcome.CANCELLED, null)) stuck++;
            for (Item i : live) finish(i, Outcome.CANCELLED, null);
            return new CancelResult(Duration.ofNanos(System.nanoTime() - t0), stuck);
        }
    }
}
