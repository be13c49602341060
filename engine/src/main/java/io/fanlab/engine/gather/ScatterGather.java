package io.fanlab.engine.gather;

import io.fanlab.engine.Outcome;
import io.fanlab.engine.Work;
import io.fanlab.engine.observe.Tally;
import io.fanlab.engine.pipeline.CancelToken;
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
 * <p><b>Losers.</b> The items still running or queued when a FIRST or QUORUM join is decided (satisfied or
 * impossible) are the request's losers. By default ({@link Losers#CANCEL}) they are cancelled at once, each alone
 * through its {@link CancelToken}: a queued loser never starts, a running one sees
 * {@link io.fanlab.engine.WorkContext#isCancelled()} and is interrupted; the stage and the other requests go on.
 * Either way each loser's terminal outcome is counted exactly once in the stage and engine tallies and in
 * {@link #lateParts()} ({@link #cancelledLosers()} + {@link #losersFinished()}), and its result is dropped. With
 * {@link Losers#LET_FINISH} they run to their end as usual (the cost is their wasted work). An ALL join has no
 * losers.
 *
 * <p>Threading: {@link #submit} may be called concurrently; it blocks like {@link FanOutEngine#submit}.
 *
 * @param <I> item type
 * @param <O> item result type
 */
public final class ScatterGather<I, O> implements AutoCloseable {
    private final FanOutEngine<Part<I, O>> engine;
    private final LongSupplier clock;
    private final Losers losers;
    private final java.util.concurrent.atomic.LongAdder cancelledLosers = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder losersFinished = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder loserEndNanos = new java.util.concurrent.atomic.LongAdder();

    /** What happens to the items a FIRST or QUORUM join no longer needs. */
    public enum Losers {
        /** Cancel each at the join (see the class notes); the default. */
        CANCEL,
        /** Let each run to its end; its result is dropped. */
        LET_FINISH
    }

    private ScatterGather(StageSpec spec, Work<? super I, ? extends O> work, LongSupplier clock, Losers losers) {
        this.clock = clock;
        this.losers = losers;
        this.engine = Pipeline.<Part<I, O>, O>from(spec, (p, ctx) -> work.apply(p.item, ctx))
                .clock(clock)
                .start((exit, part, outcome, result, cause) -> part.request.ended(part, outcome, result));
    }

    /** Starts the stage that runs the items; the engine clock is {@link System#nanoTime}. */
    public static <I, O> ScatterGather<I, O> start(StageSpec spec, Work<? super I, ? extends O> work) {
        return new ScatterGather<>(spec, work, System::nanoTime, Losers.CANCEL);
    }

    /** As {@link #start(StageSpec, Work)} on another nano clock (request latency, queue deadlines). */
    public static <I, O> ScatterGather<I, O> start(StageSpec spec, Work<? super I, ? extends O> work, LongSupplier nanoClock) {
        return new ScatterGather<>(spec, work, Check.notNull("scatter.clock", nanoClock), Losers.CANCEL);
    }

    /** As {@link #start(StageSpec, Work, LongSupplier)}, choosing what happens to a join's losers. */
    public static <I, O> ScatterGather<I, O> start(StageSpec spec, Work<? super I, ? extends O> work, LongSupplier nanoClock, Losers losers) {
        return new ScatterGather<>(spec, work, Check.notNull("scatter.clock", nanoClock), Check.notNull("scatter.losers", losers));
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
        for (I item : items) {
            Part<I, O> part = new Part<>(r, item, new CancelToken());
            // joined already (a join can be decided while the rest is submitted): a loser before it starts, so it
            // is submitted cancelled and ends CANCELLED without running (every part is counted, once)
            if (!r.add(part) && losers == Losers.CANCEL) part.token.cancel();
            engine.submit(part, part.token);
        }
        return r.future;
    }

    /**
     * Items that ended after their request had joined (losers; their results are dropped):
     * {@code cancelledLosers() + losersFinished()}.
     */
    public long lateParts() { return cancelledLosers.sum() + losersFinished.sum(); }

    /** Losers that ended CANCELLED (never started, or stopped when cancelled). */
    public long cancelledLosers() { return cancelledLosers.sum(); }

    /**
     * Losers that ended otherwise (completed, failed, ...): they finished before their cancel reached them, or their
     * work ignored it, or losers are let finish ({@link Losers#LET_FINISH}).
     */
    public long losersFinished() { return losersFinished.sum(); }

    /**
     * Sum over every loser of the time from its request's join to its end, in clock nanoseconds: divided by
     * {@link #lateParts()}, the mean time a loser goes on after the join (the cancellation latency under
     * {@link Losers#CANCEL}).
     */
    public long loserNanosAfterJoin() { return loserEndNanos.sum(); }

    /** The engine tally of items (not requests). */
    public Tally tally() { return engine.tally(); }

    /** The engine running the items (stats, width changes). */
    public FanOutEngine<?> engine() { return engine; }

    public ShutdownReport close(Duration deadline) { return engine.close(deadline); }

    public ShutdownReport cancel(Duration bound) { return engine.cancel(bound); }

    @Override
    public void close() { engine.close(); }

    /** One item of a request. */
    private record Part<I, O>(Request<I, O> request, I item, CancelToken token) {
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
        /** Parts submitted (under the lock): the join cancels those that have not ended. */
        final List<Part<I, O>> parts = new ArrayList<>();
        int failed;
        boolean joined;
        long joinedAt;

        Request(ScatterGather<I, O> owner, Join join, int k, long startNanos) {
            this.owner = owner;
            this.join = join;
            this.k = k;
            this.needed = join.needed(k);
            this.startNanos = startNanos;
        }

        /** Records a part about to be submitted. @return false when the request already joined (do not submit it) */
        boolean add(Part<I, O> part) {
            lock.lock();
            try {
                if (joined) return false;
                parts.add(part);
                return true;
            } finally {
                lock.unlock();
            }
        }

        @SuppressWarnings("unchecked")
        void ended(Part<I, O> part, Outcome outcome, Object result) {
            Gathered<O> done = null;
            List<Part<I, O>> losers = null;
            lock.lock();
            try {
                parts.remove(part);
                if (joined) {
                    owner.loserEndNanos.add(owner.clock.getAsLong() - joinedAt);
                    if (outcome == Outcome.CANCELLED) owner.cancelledLosers.increment();
                    else owner.losersFinished.increment();
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
                    joinedAt = owner.clock.getAsLong();
                    done = new Gathered<>(join, k, results, failed, satisfied, joinedAt - startNanos);
                    if (owner.losers == Losers.CANCEL && !parts.isEmpty()) losers = new ArrayList<>(parts);
                }
            } finally {
                lock.unlock();
            }
            if (losers != null) for (Part<I, O> p : losers) p.token.cancel(); // outside the lock: interrupts threads
            if (done != null) future.complete(done);
        }
    }
}
