package io.fanlab.engine.internal;

import io.fanlab.engine.Outcome;
import io.fanlab.engine.spec.Dispatch;
import io.fanlab.engine.spec.StageSpec;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * A stage's bounded input: producers offer items (alone or as a run), workers take runs of them into their hands,
 * and the queue decides who waits and who is woken. Two implementations, chosen by {@link #forStage}:
 * {@link RingStageQueue} (one lock-free MPMC {@link Ring} shared by every worker: SharedQueue and Batched dispatch)
 * and {@link ShardedStageQueue} (one locked shard per worker: Sharded and WorkStealing dispatch, and per-key stages).
 *
 * <p>Contract, for every implementation (checked by the StageQueue contract suite):
 * <ul>
 *   <li><b>Exactly once.</b> Every admitted item is taken by exactly one {@link #take}, or returned by exactly one
 *       {@link #drain}, or ended by the queue through {@link Host#end} (shed by the overflow policy, or cancelled when
 *       it raced with a close); never two of these, never none, while workers keep taking until the queue is empty.</li>
 *   <li><b>Order.</b> The ring is FIFO by position; a shard is FIFO, so items of one key (per-key stages) and the
 *       items of one producer on one shard keep their order; stealing takes the oldest of a shard.</li>
 *   <li><b>Counting.</b> An item is counted admitted ({@link Host#count}) before it can be taken, so a drain that
 *       refuses input and then waits for the counts never misses it.</li>
 *   <li><b>Capacity</b> is in items, whatever holds them: a ring in run mode keeps a run in one slot but reserves
 *       room for each of its items first, and cuts a run to the room left; {@link #depth} counts items.</li>
 *   <li><b>Waiting.</b> {@link #take} blocks until it has items or must return 0 (the stage closed, the taker
 *       retired, or the stage stops when empty and the queue is empty); {@link #wakeAll} makes every waiter re-read
 *       those flags. A producer waits only under the WAIT overflow policy (or for an ordered stage's window).</li>
 * </ul>
 *
 * <p>Threading: any number of producers and takers at once; {@link #beginResize}, {@link #resize} and
 * {@link #endResize} are called by one thread at a time (the stage's admin lock). No lock of the queue is held while
 * it calls the host's {@link Host#end} or {@link Host#refused} (which call listeners).
 */
interface StageQueue {

    /** What a queue needs from its stage. The stage implements it; tests use a plain one. */
    interface Host {
        /** Cancelled: every offer is refused, takers return 0. */
        boolean closed();
        /** Draining: external offers are refused. */
        boolean externalClosed();
        /** Takers return 0 once the queue is empty (the drain finished). */
        boolean stopWhenEmpty();
        /** The stage's current width (adaptive batches take about {@code queued / width}). */
        int width();
        /** The stage's reorder buffer, or null when unordered (read after construction only). */
        ReorderBuffer reorder();
        /** Where the reorder buffer sends results; used to free (skip) sequences of items that were not queued. */
        ReorderBuffer.Sink inOrder();
        /** Whether items are stamped with {@link #now} at admission (a deadline, an observer or a gate reads it). */
        boolean timed();
        long now();
        /**
         * A uniform draw in [0, 1) for probabilistic admission, on the offering thread: the pipeline's random source
         * ({@code Pipeline.random}); by default {@link java.util.concurrent.ThreadLocalRandom}.
         */
        default double uniform() { return java.util.concurrent.ThreadLocalRandom.current().nextDouble(); }
        /** Counts {@code n} items admitted (negative: an admission undone before anyone could see the item). */
        void count(boolean external, int n);
        /** Tells the observer this item was admitted. */
        void admitted(Envelope e);
        /** Tells the observer these items were admitted: {@code items[from..to)}. */
        void admitted(Envelope[] items, int from, int to);
        /** Ends a queued or arriving item in this stage (SHED or CANCELLED); the item was counted admitted. */
        void end(Envelope e, Outcome o);
        /**
         * An offer refused because the stage is closed to it (not counted yet): internal hand-offs are counted and
         * ended CANCELLED, external ones throw {@link IllegalStateException}.
         */
        void refused(Envelope e, boolean external);
    }

    /** A worker as its queue sees it. */
    interface Taker {
        /** Its index in the stage (its own shard in a sharded queue). */
        int index();
        /** Where {@link #take} puts a run, from index 0 (release stores: a canceller may read it). */
        Envelope[] hand();
        /** Retired by a width shrink: take returns 0. */
        boolean retired();
        /** How it parks in a ring queue. */
        Sleepers.Sleeper sleeper();
        /** Called when it found nothing and is about to wait (idle-time accounting). */
        void idle();
        /**
         * Where {@link #take} puts a {@link RawRun} (a one-element array, release store), or null when this taker
         * takes envelopes only (a raw run then reaches it as envelopes in its {@link #hand}). After a take that put
         * a run here, the taken items are the run's, not the hand's; the taker clears the element when done.
         */
        default RawRun[] rawHand() { return null; }
    }

    /**
     * Offers one item; it was given its key already. Applies the overflow policy; waits for room only under WAIT
     * (or for an ordered stage's window). Internal offers ({@code external == false}) never throw: a refused one is
     * ended CANCELLED. Sets the item's {@code sequence}.
     * @param reentry a loop going round: admitted even over capacity (see {@link LoopNode})
     * @throws InterruptedException external offers only, when interrupted while waiting (not admitted)
     * @throws IllegalStateException external offers only, when the stage no longer takes external input
     */
    void offer(Envelope e, boolean external, boolean reentry) throws InterruptedException;

    /** Whether {@link #offerAll} takes a run in one claim; when not, the stage offers item by item. */
    boolean acceptsRuns();

    /**
     * External offer of a run of unkeyed items under WAIT (see {@link #acceptsRuns}): as many per claim as fit.
     * @return how many were admitted, from the front ({@code < es.length} only when the stage closed to external
     *         input meanwhile)
     */
    int offerAll(Envelope[] es) throws InterruptedException;

    /** Whether {@link #offerAllRaw} takes raw runs (a ring in run mode). */
    default boolean acceptsRawRuns() { return false; }

    /**
     * External offer of raw items under WAIT, without envelopes (see {@link #acceptsRawRuns} and {@link RawRun}):
     * one slot per run, as many per run as fit; {@code items} becomes the queue's. Counting and closing as
     * {@link #offerAll}; the observer is not told (only stages without one offer raw runs).
     * @return how many were admitted, from the front
     */
    default int offerAllRaw(Object[] items, String exit) throws InterruptedException {
        throw new UnsupportedOperationException("offerAllRaw: " + getClass().getSimpleName() + " takes envelopes only");
    }

    /**
     * Blocks until items are available and moves a run of them into the taker's hand (or its raw hand).
     * @return how many (from index 0), or 0 when the taker must exit
     */
    int take(Taker t) throws InterruptedException;

    /** The taker finished the run it took (per-key queues count runs in service; see {@link #beginResize}). */
    void finished(Taker t);

    /** Removes every queued item into {@code out} (cancel), in queue order per shard. */
    void drain(List<Envelope> out);

    /** Items queued now (a snapshot). */
    int depth();

    /** Wakes every waiting taker and producer so that they re-read the stage's flags. */
    void wakeAll();

    /** Before a width change: a per-key queue stops takers and waits until no run is in service; others do nothing. */
    void beginResize();

    /** The stage's width is becoming {@code width}: a sharded queue reshards (no item lost, order kept per shard). */
    void resize(int width);

    /** After a width change: lets takers take again. */
    void endResize();

    /** The positions a ring queue gives as sequences (an ordered stage's reorder buffer follows them), else null. */
    LongSupplier positions();

    /**
     * The queue for a stage: a {@link ShardedStageQueue} for per-key stages (a key function and {@code perKey}), and
     * for Sharded and WorkStealing dispatch; otherwise a {@link RingStageQueue}.
     */
    static StageQueue forStage(StageSpec spec, boolean keyed, Host host) {
        OverflowDecision overflow = OverflowDecision.of(spec.admission().overflow());
        int maxBatch = spec.dispatch() instanceof Dispatch.Batched b ? b.size() : 1;
        boolean adaptive = spec.dispatch() instanceof Dispatch.Batched b && b.adaptive();
        boolean perKey = spec.perKey() && keyed;
        boolean stealing = spec.dispatch() instanceof Dispatch.WorkStealing;
        if (perKey || stealing || spec.dispatch() instanceof Dispatch.Sharded)
            return new ShardedStageQueue(host, overflow, spec.queueCapacity(), spec.width(), maxBatch, adaptive, perKey, stealing);
        return new RingStageQueue(host, overflow, spec.queueCapacity(), maxBatch, adaptive,
                !(spec.order() instanceof io.fanlab.engine.spec.Order.Ordered), spec.dispatch() instanceof Dispatch.SharedQueue);
    }
}
