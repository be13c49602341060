package io.fanlab.engine.gather;

import io.fanlab.engine.Outcome;
import io.fanlab.engine.Work;
import io.fanlab.engine.observe.Tally;
import io.fanlab.engine.pipeline.FanOutEngine;
import io.fanlab.engine.pipeline.Pipeline;
import io.fanlab.engine.pipeline.ShutdownReport;
import io.fanlab.engine.spec.Check;
import io.fanlab.engine.spec.StageSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Fans a request out as k items through one stage and joins them by a {@link Join} rule.
 *
 * <p>Remaining items after a FIRST or QUORUM join (or an impossible one) are <b>ignored, not cancelled</b>: they
 * run to their end as usual, their terminal outcome is counted exactly once in the stage and engine tallies and
 * in {@link #lateParts()}, and their results are dropped. This keeps exactly-once accounting trivial and avoids
 * interrupting work that shares the stage with other requests; the cost is the wasted work of the losers.
 *
 * <p>Threading: {@link #submit} may be called concurrently; it blocks like {@link FanOutEngine#submit}.
 *
 * @param <I> item type
 * @param <O> item result type
 */
public final class ScatterGather<I, O> implements AutoCloseable {
    private final FanOutEngine<Part<I, O>> engine;
    private final LongSupplier clock;
    private final java.util.concurrent.atomic.LongAdder late = new java.util.concurrent.atomic.LongAdder();

    private ScatterGather(StageSpec spec, Work<? super I, ? extends O> work, LongSupplier clock) {
        this.clock = clock;
        this.engine = Pipeline.<Part<I, O>, O>from(spec, (p, ctx) -> work.apply(p.item, ctx))
                .clock(clock)
                .start((exit, part, outcome, result, cause) -> part.request.ended(part, outcome, result));
    }

    /** Starts the stage that runs the items; the engine clock is {@link System#nanoTime}. */
    public static <I, O> ScatterGather<I, O> start(StageSpec spec, Work<? super I, ? extends O> work) {
        return new ScatterGather<>(spec, work, System::nanoTime);
    }

    /** As {@link #start(StageSpec, Work)} on another nano clock (request latency, queue deadlines). */
    public static <I, O> ScatterGather<I, O> start(StageSpec spec, Work<? super I, ? extends O> work, LongSupplier nanoClock) {
        return new ScatterGather<>(spec, work, Check.notNull("scatter.clock", nanoClock));
    }

    /**
     * Submits the request's items; the future completes at the join.
     * @throws IllegalArgumentException when {@code items} is empty or the join needs more items than there are
     * @throws IllegalStateException    when the engine is not running (items already submitted still run)
     */
    public CompletableFuture<Gathered<O>> submit(List<? extends I> items, Join join) throws InterruptedException {
        Check.notNull("scatter.join", join);
        if (items.isEmpty()) throw new IllegalArgumentException("scatter.items: 0 (expected: >= 1)");
        if (join.needed(items.size()) > items.size())
            throw new IllegalArgumentException("join.quorum: " + join.needed(items.size()) + " (expected: <= items " + items.size() + ")");
        Request<I, O> r = new Request<>(this, join, items.size(), clock.getAsLong());
        for (I item : items) engine.submit(new Part<>(r, item));
        return r.future;
    }

    /** Items that ended after their request had joined (ignored results). */
    public long lateParts() { return late.sum(); }

    /** The engine tally of items (not requests). */
    public Tally tally() { return engine.tally(); }

    /** The engine running the items (stats, width changes). */
    public FanOutEngine<?> engine() { return engine; }

    public ShutdownReport close(Duration deadline) { return engine.close(deadline); }

    public ShutdownReport cancel(Duration bound) { return engine.cancel(bound); }

    @Override
    public void close() { engine.close(); }

    /** One item of a request. */
    private record Part<I, O>(Request<I, O> request, I item) {
        @Override public String toString() { return String.valueOf(item); }
    }

    private static final class Request<I, O> {
        final ScatterGather<I, O> owner;
        final Join join;
        final int k;
        final int needed;
        final long startNanos;
        final CompletableFuture<Gathered<O>> future = new CompletableFuture<>();
        final ReentrantLock lock = new ReentrantLock();
        final List<O> results = new ArrayList<>();
        int failed;
        boolean joined;

        Request(ScatterGather<I, O> owner, Join join, int k, long startNanos) {
            this.owner = owner;
            this.join = join;
            this.k = k;
            this.needed = join.needed(k);
            this.startNanos = startNanos;
        }

        @SuppressWarnings("unchecked")
        void ended(Part<I, O> part, Outcome outcome, Object result) {
            Gathered<O> done = null;
            lock.lock();
            try {
                if (joined) {
                    owner.late.increment();
                    return;
                }
                if (outcome == Outcome.COMPLETED) results.add((O) result);
                else failed++;
                boolean satisfied = results.size() >= needed;
                boolean impossible = k - failed < needed;
                boolean allEnded = results.size() + failed == k;
                boolean finish = join instanceof Join.All ? allEnded : (satisfied || impossible);
                if (finish) {
                    joined = true;
                    done = new Gathered<>(join, k, results, failed, satisfied, owner.clock.getAsLong() - startNanos);
                }
            } finally {
                lock.unlock();
            }
            if (done != null) future.complete(done);
        }
    }
}
