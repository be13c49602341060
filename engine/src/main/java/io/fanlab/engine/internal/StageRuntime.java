package io.fanlab.engine.internal;

import io.fanlab.engine.Outcome;
import io.fanlab.engine.Work;
import io.fanlab.engine.observe.StageStats;
import io.fanlab.engine.observe.Tally;
import io.fanlab.engine.observe.WorkerStats;
import io.fanlab.engine.pipeline.StuckItem;
import io.fanlab.engine.spec.Dispatch;
import io.fanlab.engine.spec.ErrorPolicy;
import io.fanlab.engine.spec.Order;
import io.fanlab.engine.spec.StageSpec;
import io.fanlab.engine.spec.ThreadKind;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * One running stage: a bounded input {@link StageQueue}, N workers, an optional reorder buffer.
 *
 * <p>Implementation notes.
 * <ul>
 *   <li><b>Queue.</b> The stage owns admission bookkeeping around its queue (keys, counts, the terminal calls) and
 *       leaves storage, hand-off and waiting to the {@link StageQueue} chosen by {@link StageQueue#forStage}: a
 *       lock-free {@link RingStageQueue} for SharedQueue and Batched dispatch, a {@link ShardedStageQueue} (a shard
 *       per worker) for Sharded, WorkStealing and per-key stages. Their protocols are in their class notes.</li>
 *   <li><b>Batch flush.</b> A batch is formed by the taking worker from what is queued at that moment: it takes
 *       {@code min(queued, size)} (adaptive: {@code clamp(queued / width, 1, size)}) and never waits for more, so a
 *       lone item is taken as soon as a worker is free. A SharedQueue stage of width 1 takes up to
 *       {@link RingStageQueue#SHARED_TAKE} items the same way (its lone worker runs them in order anyway); wider
 *       SharedQueue stages take one item at a time.</li>
 *   <li><b>Width changes.</b> Shrinking marks the surplus workers retired (they exit between items, never holding
 *       an item); growing starts new workers (new threads; virtual threads are never reused). The queue is told
 *       before ({@link StageQueue#beginResize}: a per-key queue quiesces), during ({@link StageQueue#resize}: a
 *       sharded queue reshards) and after ({@link StageQueue#endResize}).</li>
 *   <li><b>Hot path</b> (ring stages). Per item: one envelope, a share of one claim CAS on each side, one CAS to
 *       claim it from the hand, one padded {@link LongAdder} increment per item or run on the producer side (an
 *       external item is counted once, in {@link #admittedExternal}, for the stage and the pipeline); the worker
 *       counts its completions, and exits at the pipeline's end, in its own single-writer cells. No clock read
 *       per item unless something uses it (queue deadline, observer, start gate); busy time is elapsed minus idle
 *       time, so a worker reads the clock only when it waits. Ordered stages finish results into the lock-free
 *       {@link ReorderBuffer}; batched ones deposit and flush it once per batch. A batched, unordered last stage
 *       whose listener takes runs holds its completed items in an {@link ExitRun} and reports them once per run
 *       (one count, one listener call, no claim CAS per item: see below). A plain such stage at the pipeline's head
 *       (see {@link #plainRuns}) takes {@code submitAll} chunks as {@link RawRun}s: no envelope per item, one ring
 *       slot per run, and a worker loop that calls the work directly ({@link Worker#runRaw}); at N=1, work ~0 that
 *       took the batch path from about 58 to about 19 ns of CPU per item (bench {@code Paired}, same-run pairs).</li>
 *   <li><b>Policies.</b> Between taking an item and running it, a worker passes the {@link StartGate} (rate limit,
 *       bulkhead, concurrency limit; interruptible waits) and releases it right after the work, before handing the
 *       item on, so no permit is held while blocking on a downstream queue. The work runs through the
 *       {@link ItemInvoker} (inline, or attempts with timeout, retry and hedge); attempt threads it leaves behind
 *       are joined and reported with the workers.</li>
 *   <li><b>Exactly once.</b> A worker's taken items sit in its {@code hand} array until decided: the worker claims
 *       slot i with a CAS when the item's work ends; a cancel that gives up on a stuck worker claims the remaining
 *       slots with the same CAS. Whoever wins ends or forwards the item; the other does nothing. Completed items
 *       held for a run to the exit are not claimed one by one: at the run's end the worker moves its run owner
 *       FREE -> FLUSHING (one CAS), which a cancel giving up on it must move FREE -> ABANDONED before it claims any
 *       slot; a worker that finds it ABANDONED claims each held item by CAS like the canceller.</li>
 * </ul>
 */
public final class StageRuntime {
    private static final VarHandle HAND = MethodHandles.arrayElementVarHandle(Envelope[].class);
    private static final VarHandle RAW_HAND = MethodHandles.arrayElementVarHandle(RawRun[].class);
    private static final VarHandle CURRENT;
    private static final VarHandle RUN;
    private static final int RUN_FREE = 0, RUN_FLUSHING = 1, RUN_ABANDONED = 2;

    static {
        try {
            CURRENT = MethodHandles.lookup().findVarHandle(Worker.class, "current", int.class);
            RUN = MethodHandles.lookup().findVarHandle(Worker.class, "runOwner", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    final String name;
    final StageSpec spec;
    private final PipelineRuntime pipe;
    private final ItemInvoker invoker;
    private final StartGate gate;
    private final ToLongFunction<Object> keyFn;
    private final int maxBatch;
    private final long deadlineNanos;
    /** Whether items need timestamps: a queue deadline, an observer or a start gate uses them; else no clock reads per item. */
    private final boolean timed;
    final ReorderBuffer reorder;
    /** Where the reorder buffer sends results, in order (and envelopes it refuses after a cancel). */
    private final ReorderBuffer.Sink inOrder = new ReorderBuffer.Sink() {
        @Override public void emit(Envelope e) { StageRuntime.this.emit(e); }
        @Override public void cancelled(Envelope e) { end(e, Outcome.CANCELLED, null); }
    };
    Node downstream;
    /** Set at start: {@link #downstream} is the pipeline's exit (a worker reports completions there directly). */
    private boolean exitHere;
    /**
     * Set at start: completed items leave as runs ({@link ExitRun}): the stage ends its path, is unordered, takes
     * runs (Batched dispatch) and the listener takes runs.
     */
    private boolean runsToExit;
    /**
     * Set at start: {@code submitAll} hands this stage raw runs ({@link RawRun}: no envelope per item) and its
     * workers run them in {@link Worker#runRaw}: the stage takes runs to the exit ({@link #runsToExit}), is the
     * pipeline's head, has no key function, nothing timed (no deadline, observer or start gate), inline work, and a
     * ring queue in run mode. Everything else keeps envelopes.
     */
    private boolean plainRuns;
    /** The stage's work when {@link #plainRuns} (called directly, without the invoker). */
    private Work<Object, Object> plainWork;

    volatile boolean cancelled;
    private volatile boolean closed;
    private volatile boolean externalClosed;
    private volatile boolean stopWhenEmpty;
    private volatile int width;
    /** The stage's input (see {@link StageQueue}). */
    private final StageQueue queue;
    private volatile Worker[] workers = new Worker[0];
    private final List<Worker> allWorkers = new ArrayList<>();
    private final ReentrantLock admin = new ReentrantLock();

    /** The gate's limit last reported to the observer; written under {@code limitReports}. */
    private final AtomicInteger lastLimit = new AtomicInteger();
    private final ReentrantLock limitReports = new ReentrantLock();

    /** Items admitted from inside the pipeline (hand-offs from upstream, loops, refused internal offers). */
    final LongAdder admitted = new PaddedAdder();
    /**
     * Items admitted from outside ({@code submit}, head stage only). Apart from {@link #admitted} so that one add
     * per submit counts the item for the stage and for the pipeline (whose tally reads it, see
     * {@link PipelineRuntime#tally}); a second adder per submit cost about a tenth of the producer's time at work ~0.
     */
    final LongAdder admittedExternal = new PaddedAdder();
    /** Completions not made by a worker of this stage in {@code process} (the reorder buffer's emitter); see {@link #tally}. */
    final LongAdder completed = new PaddedAdder();
    /** The counters of every worker ever started (never pruned: a retired worker's completions stay counted). */
    private final java.util.concurrent.CopyOnWriteArrayList<WorkerCounters> workerCounters = new java.util.concurrent.CopyOnWriteArrayList<>();
    final LongAdder failed = new PaddedAdder();
    final LongAdder shed = new PaddedAdder();
    final LongAdder timedOut = new PaddedAdder();
    final LongAdder cancelledCount = new PaddedAdder();
    final LongAdder deadLettered = new PaddedAdder();
    final LongAdder retries = new PaddedAdder();
    final LongAdder hedges = new PaddedAdder();
    final LongAdder hedgesWon = new PaddedAdder();

    @SuppressWarnings("unchecked")
    StageRuntime(PipelineRuntime pipe, StageSpec spec, Work<?, ?> work, ToLongFunction<?> keyFn,
                 java.util.function.Function<?, String> tenantFn, java.util.function.ToIntFunction<?> weightFn) {
        this.pipe = pipe;
        this.spec = spec;
        this.name = spec.name();
        this.gate = StartGate.forStage(spec, pipe.clock, pipe.sleeper, (java.util.function.Function<Object, String>) tenantFn,
                (java.util.function.ToIntFunction<Object>) weightFn, () -> width);
        this.invoker = ItemInvoker.forStage(spec, work, pipe.random(), gate, pipe.attemptTimer, this::reportLimit); // limit per attempt, shared timer
        this.lastLimit.set(gate.currentLimit());
        this.keyFn = (ToLongFunction<Object>) keyFn;
        this.maxBatch = spec.dispatch() instanceof Dispatch.Batched b ? b.size() : 1;
        this.deadlineNanos = spec.admission().queueDeadline().map(d -> d.toNanos()).orElse(Long.MAX_VALUE);
        this.queue = StageQueue.forStage(spec, keyFn != null, new QueueHost());
        LongSupplier positions = queue.positions();
        this.reorder = spec.order() instanceof Order.Ordered o
                ? (positions != null ? new ReorderBuffer(o.window(), positions) : new ReorderBuffer(o.window())) : null;
        this.timed = deadlineNanos != Long.MAX_VALUE || pipe.observer != io.fanlab.engine.observe.StageObserver.NOOP || gate != StartGate.OPEN;
        this.width = spec.width();
    }

    // ------------------------------------------------------------------ lifecycle

    void start() {
        admin.lock();
        try {
            exitHere = downstream instanceof ExitNode;
            runsToExit = exitHere && reorder == null && maxBatch > 1 && pipe.takesRuns();
            plainRuns = runsToExit && keyFn == null && !timed && invoker instanceof InlineItemInvoker
                    && queue.acceptsRawRuns();
            if (plainRuns) plainWork = ((InlineItemInvoker) invoker).work();
            Worker[] ws = new Worker[width];
            for (int i = 0; i < ws.length; i++) ws[i] = newWorker(i);
            workers = ws;
            for (Worker w : ws) w.thread.start();
        } finally {
            admin.unlock();
        }
    }

    private Worker newWorker(int index) {
        Worker w = new Worker(index);
        workerCounters.add(w.counters);
        String threadName = "fanlab-" + name + "-" + index;
        w.thread = spec.threads() == ThreadKind.VIRTUAL
                ? Thread.ofVirtual().name(threadName).unstarted(w)
                : Thread.ofPlatform().name(threadName).daemon(true).unstarted(w);
        w.sleeper = new Sleepers.Sleeper(w.thread);
        if (runsToExit) w.exitRun = new ExitRun(maxBatch);
        if (plainRuns) {
            w.raw = new RawRun[1];
            w.rawExit = new RawExitRun(maxBatch);
        }
        allWorkers.add(w);
        return w;
    }

    /**
     * Changes the number of workers while running; no item is lost or duplicated (see class notes).
     * @throws IllegalStateException when the stage is stopping or stopped
     */
    void setWidth(int newWidth) {
        if (newWidth < 1) throw new IllegalArgumentException("stage." + name + ".width: " + newWidth + " (expected: >= 1)");
        admin.lock();
        try {
            if (closed || stopWhenEmpty) throw new IllegalStateException("stage " + name + ": width can change only while running");
            int old = width;
            if (newWidth == old) return;
            allWorkers.removeIf(w -> !alive(w.thread));
            Worker[] ws = workers;
            queue.beginResize();
            try {
                if (newWidth < old) {
                    width = newWidth;
                    for (int i = newWidth; i < old; i++) ws[i].retired = true;
                    queue.resize(newWidth);
                    queue.wakeAll();
                    workers = java.util.Arrays.copyOf(ws, newWidth);
                } else {
                    queue.resize(newWidth);
                    Worker[] grown = java.util.Arrays.copyOf(ws, newWidth);
                    for (int i = old; i < newWidth; i++) grown[i] = newWorker(i);
                    workers = grown;
                    width = newWidth;
                    for (int i = old; i < newWidth; i++) grown[i].thread.start();
                }
            } finally {
                queue.endResize();
            }
        } finally {
            admin.unlock();
        }
    }

    /** Drain: refuse external producers (those blocked get rejected); internal hand-offs still enter. */
    void closeExternal() {
        externalClosed = true;
        if (reorder != null) reorder.closeExternal();
        queue.wakeAll();
    }

    /** Drain finished (nothing in flight anywhere): workers exit once their shard is empty. */
    void stopWhenEmpty() {
        admin.lock();
        try {
            stopWhenEmpty = true;
            queue.wakeAll();
        } finally {
            admin.unlock();
        }
    }

    /**
     * Cancel: refuse every offer, end queued and reordered items CANCELLED, set the token and interrupt workers.
     * Does not wait; see {@link #joinWorkers} and {@link #sweepStuck}.
     */
    void cancel() {
        List<Envelope> swept = new ArrayList<>();
        admin.lock();
        try {
            cancelled = true;
            closed = true;
            queue.drain(swept);
            queue.wakeAll();
            if (reorder != null) swept.addAll(reorder.close());
            for (Worker w : allWorkers) w.thread.interrupt();
        } finally {
            admin.unlock();
        }
        for (Envelope e : swept) end(e, Outcome.CANCELLED, null); // outside the lock: calls the listener
    }

    /** Waits for every worker thread ever started to end, until {@code deadlineNanos} (System.nanoTime). */
    boolean joinWorkers(long deadlineNanos) throws InterruptedException {
        List<Worker> ws;
        admin.lock();
        try {
            ws = new ArrayList<>(allWorkers);
        } finally {
            admin.unlock();
        }
        for (Worker w : ws) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0 || !w.thread.join(java.time.Duration.ofNanos(left))) return false;
        }
        return invoker.awaitAttemptThreads(deadlineNanos); // attempt threads abandoned by a timeout, a hedge or a cancel
    }

    /** After the cancel bound: claims what workers still alive hold; the items in service are reported stuck. */
    void sweepStuck(List<StuckItem> stuck) {
        List<Worker> ws;
        admin.lock();
        try {
            ws = new ArrayList<>(allWorkers);
        } finally {
            admin.unlock();
        }
        for (Worker w : ws) {
            if (!alive(w.thread)) continue;
            if (w.exitRun != null && !w.abandon()) continue; // it is reporting a run: every item of it is decided
            int current = (int) CURRENT.getVolatile(w);
            RawRun rr = w.raw != null ? (RawRun) RAW_HAND.getVolatile(w.raw, 0) : null;
            if (rr != null) { // a plain run: its undecided items are those still in its array
                for (int j = 0; j < rr.count; j++) {
                    Object x = rr.claim(j);
                    if (x == null) continue;
                    Envelope e = rr.envelope(j, x);
                    if (j == current) stuck.add(new StuckItem(name, e.sequence, x, w.thread.getName()));
                    end(e, Outcome.CANCELLED, null);
                }
                continue;
            }
            for (int i = 0; i < w.hand.length; i++) {
                Envelope e = (Envelope) HAND.getVolatile(w.hand, i);
                if (e != null && HAND.compareAndSet(w.hand, i, e, null)) {
                    if (i == current) stuck.add(new StuckItem(name, e.sequence, e.value, w.thread.getName()));
                    end(e, Outcome.CANCELLED, null);
                }
            }
        }
        invoker.stuck(stuck); // attempt threads ignoring cancellation; their items already ended (CANCELLED)
    }

    /**
     * Whether a started thread has not ended. Not {@link Thread#isAlive}: HotSpot marks a thread TERMINATED (which
     * ends {@code join}) a moment before {@code isAlive} turns false, so a thread just joined could still look alive.
     */
    static boolean alive(Thread t) {
        Thread.State s = t.getState();
        return s != Thread.State.NEW && s != Thread.State.TERMINATED;
    }

    List<Thread> liveThreads() {
        admin.lock();
        try {
            List<Thread> out = new ArrayList<>();
            for (Worker w : allWorkers) if (alive(w.thread)) out.add(w.thread);
            out.addAll(invoker.attemptThreads());
            return out;
        } finally {
            admin.unlock();
        }
    }

    // ------------------------------------------------------------------ admission

    /**
     * Offers an item to this stage. Internal hand-offs (external == false) never throw: a refused item is ended
     * CANCELLED here. External submissions throw {@link IllegalStateException} when the stage no longer takes
     * external input, and {@link InterruptedException} when interrupted while waiting for room (item not admitted).
     */
    void offer(Envelope e, boolean external) throws InterruptedException {
        boolean reentry = e.reentry; // a loop going round: admitted over capacity (see LoopNode)
        e.reentry = false;
        if (keyFn != null) {
            try {
                e.key = keyFn.applyAsLong(e.value);
            } catch (Throwable t) {
                (external ? admittedExternal : admitted).increment();
                end(e, Outcome.FAILED, t);
                return;
            }
        }
        queue.offer(e, external, reentry);
    }

    /**
     * External batch admission: unkeyed runs under BLOCK go to the queue in one claim per run of free slots
     * ({@link StageQueue#offerAll}); otherwise item by item.
     * @return how many items were admitted (fewer than {@code es.length} only when the stage stopped taking
     *         external input meanwhile; the rest were not admitted)
     */
    /** Whether {@code submitAll} hands this stage raw runs (see {@link #plainRuns}). */
    boolean takesRawRuns() { return plainRuns; }

    /**
     * External batch admission without envelopes (only when {@link #takesRawRuns}): {@code items} becomes the
     * queue's. @return how many items were admitted, as {@link #offerAll}
     */
    int offerAllRaw(Object[] items) throws InterruptedException {
        return queue.offerAllRaw(items, io.fanlab.engine.pipeline.Pipeline.MAIN_EXIT);
    }

    int offerAll(Envelope[] es) throws InterruptedException {
        if (keyFn == null && queue.acceptsRuns()) return queue.offerAll(es);
        int n = 0;
        try {
            for (Envelope e : es) {
                offer(e, true);
                n++;
            }
        } catch (IllegalStateException refused) {
            // not admitted from here on
        }
        return n;
    }

    private void refused(Envelope e, boolean external) {
        if (external) throw new IllegalStateException("engine is not running: submit is refused once close or cancel has begun");
        admitted.increment();
        end(e, Outcome.CANCELLED, null);
    }

    /** The stage as its queue sees it (see {@link StageQueue.Host}). */
    private final class QueueHost implements StageQueue.Host {
        @Override public boolean closed() { return closed; }
        @Override public boolean externalClosed() { return externalClosed; }
        @Override public boolean stopWhenEmpty() { return stopWhenEmpty; }
        @Override public int width() { return width; }
        @Override public ReorderBuffer reorder() { return reorder; }
        @Override public ReorderBuffer.Sink inOrder() { return inOrder; }
        @Override public boolean timed() { return timed; }
        @Override public long now() { return pipe.clock.getAsLong(); }
        @Override public double uniform() { return pipe.random().nextDouble(); }

        @Override
        public void count(boolean external, int n) {
            (external ? admittedExternal : admitted).add(n); // one add: the pipeline reads admittedExternal too
        }

        @Override public void admitted(Envelope e) { pipe.observer.admitted(name, e.sequence); }

        @Override
        public void admitted(Envelope[] items, int from, int to) {
            if (pipe.observer == io.fanlab.engine.observe.StageObserver.NOOP) return;
            for (int j = from; j < to; j++) pipe.observer.admitted(name, items[j].sequence);
        }

        @Override public void end(Envelope e, Outcome o) { StageRuntime.this.end(e, o, null); }
        @Override public void refused(Envelope e, boolean external) { StageRuntime.this.refused(e, external); }
    }

    // ------------------------------------------------------------------ working

    private void process(Worker w, int i, Envelope e) {
        boolean sampled = io.fanlab.engine.observe.ServiceTimeSampling.isOn(); // service-time histogram (observe.jfr)
        long start = timed || sampled ? pipe.clock.getAsLong() : 0;
        long queueNanos = timed ? start - e.enqueuedAt : 0;
        if (cancelled) {
            if (claim(w, i, e)) end(e, Outcome.CANCELLED, null, queueNanos, 0);
            return;
        }
        ItemCancellation ic = e.cancellation;
        if (ic != null && ic.isCancelled()) { // cancelled alone while queued: never started
            skipCancelled(w, i, e, queueNanos);
            return;
        }
        if (queueNanos > deadlineNanos) {
            if (claim(w, i, e)) {
                if (reorder != null) settle(e.sequence, ReorderBuffer.SKIP);
                end(e, Outcome.SHED, null, queueNanos, 0);
            }
            return;
        }
        pipe.observer.started(name, e.sequence, w.index, queueNanos);
        Invocation inv = w.invocation;
        inv.reset();
        GatePermit permit = w.permit;
        try {
            gate.acquire(e.value, permit);
        } catch (InterruptedException ie) {
            if (claim(w, i, e)) {
                if (reorder != null) settle(e.sequence, ReorderBuffer.SKIP);
                end(e, Outcome.CANCELLED, null, queueNanos, 0);
            }
            return;
        } catch (RuntimeException bad) { // the tenant or weight function threw, or a weight above the burst
            if (claim(w, i, e)) {
                if (reorder != null) settle(e.sequence, ReorderBuffer.SKIP);
                end(e, Outcome.FAILED, bad, queueNanos, 0);
            }
            return;
        }
        if (ic != null && !ic.enter(w.thread)) { // cancelled alone while it waited at the gate
            if (gate != StartGate.OPEN) gate.release(permit, Outcome.CANCELLED, null);
            skipCancelled(w, i, e, queueNanos);
            return;
        }
        w.context.begin(e.sequence, ic);
        try {
            invoker.invoke(e.value, w.context, inv);
        } finally {
            if (ic != null) ic.exit(); // clears the interrupt its cancel sent, before anything else runs here
        }
        long service = timed || sampled ? pipe.clock.getAsLong() - start : 0;
        if (sampled) w.counters.served(service);
        if (gate != StartGate.OPEN) {
            gate.release(permit, inv.outcome, inv.cause);
            reportLimit();
        }
        Outcome o = cancelled ? Outcome.CANCELLED : inv.outcome;
        // a completed item held for its run is decided with the run (Worker#flushRun): no claim per item
        boolean held = o == Outcome.COMPLETED && w.exitRun != null;
        if (!held && !claim(w, i, e)) return; // a cancel gave up on this item while it ran: its late result is ignored
        if (!cancelled) Thread.interrupted(); // a stray interrupt must not leak into the next item
        if (inv.retries > 0) retries.add(inv.retries);
        if (inv.hedges > 0) hedges.add(inv.hedges);
        if (inv.hedgeWon) hedgesWon.increment();
        if (cancelled) o = Outcome.CANCELLED;
        if (o == Outcome.COMPLETED) {
            e.value = inv.value;
            if (reorder != null) settle(e.sequence, e);
            else if (held) { // counted and reported with its run when the run ends
                pipe.observer.terminal(name, e.sequence, Outcome.COMPLETED, queueNanos, service);
                w.exitRun.add(e, i);
            } else {
                w.counters.completedOne(); // single writer, no shared counter bumped per item
                pipe.observer.terminal(name, e.sequence, Outcome.COMPLETED, queueNanos, service);
                if (exitHere) pipe.completedAtExit(e, w.counters);
                else downstream.accept(e);
            }
            return;
        }
        if (reorder != null) settle(e.sequence, ReorderBuffer.SKIP);
        if (o == Outcome.FAILED) {
            ErrorPolicy policy = spec.onError();
            if (policy == ErrorPolicy.DEAD_LETTER) {
                pipe.deadLetter(this, e, inv.cause);
                end(e, Outcome.DEAD_LETTERED, inv.cause, queueNanos, service);
            } else {
                end(e, Outcome.FAILED, inv.cause, queueNanos, service);
                if (policy == ErrorPolicy.FAIL_FAST) pipe.failFast(this, inv.cause);
            }
        } else {
            end(e, o, null, queueNanos, service);
        }
    }

    /**
     * A plain run's item ended without a result: the worker claimed it (CAS) and ends it as {@link #process} would
     * (CANCELLED, or FAILED under the stage's error policy).
     */
    private void endPlain(Envelope e, Throwable cause, boolean cancelledNow) {
        if (cancelledNow) {
            end(e, Outcome.CANCELLED, null);
            return;
        }
        ErrorPolicy policy = spec.onError();
        if (policy == ErrorPolicy.DEAD_LETTER) {
            pipe.deadLetter(this, e, cause);
            end(e, Outcome.DEAD_LETTERED, cause);
        } else {
            end(e, Outcome.FAILED, cause);
            if (policy == ErrorPolicy.FAIL_FAST) pipe.failFast(this, cause);
        }
    }

    private void skipCancelled(Worker w, int i, Envelope e, long queueNanos) {
        if (claim(w, i, e)) {
            if (reorder != null) settle(e.sequence, ReorderBuffer.SKIP);
            end(e, Outcome.CANCELLED, null, queueNanos, 0);
        }
    }

    /**
     * A worker's result (or {@link ReorderBuffer#SKIP}) for the reorder buffer. Batched stages only deposit it and
     * flush once per batch (one fence and one emitter turn per batch instead of per item); the others finish it at
     * once.
     */
    private void settle(long seq, Object result) {
        if (maxBatch > 1) reorder.deposit(seq, result, inOrder);
        else reorder.finish(seq, result, inOrder);
    }

    /**
     * Tells the observer when the gate's limit moved since it was last reported (one report per change). Reports
     * are made under {@code limitReports}, so the observer sees them in the order they chain (each report's old
     * limit is the previous report's new one) even when two workers see changes at once; the check before the lock
     * keeps the common case (no change) lock-free.
     */
    private void reportLimit() {
        if (gate.currentLimit() == lastLimit.get()) return;
        limitReports.lock();
        try {
            int old = lastLimit.get();
            int now = gate.currentLimit();
            if (now == old) return;
            lastLimit.set(now);
            pipe.observer.limitChanged(name, old, now);
        } finally {
            limitReports.unlock();
        }
    }

    private static boolean claim(Worker w, int i, Envelope e) {
        return HAND.compareAndSet(w.hand, i, e, null);
    }

    /** Hands a finished item on (called by the worker, or by the reorder buffer's emitter in order). */
    void emit(Envelope e) {
        WorkerCounters mine = pipe.onWorker.get();
        if (mine != null && mine.stage == this) mine.completedOne(); // the emitter is one of our workers: its own cell
        else completed.increment(); // another thread became the emitter (a producer freeing a refused sequence)
        emit(e, 0, 0);
    }

    /** Hands a finished item on; the caller has counted it. */
    private void emit(Envelope e, long queueNanos, long serviceNanos) {
        pipe.observer.terminal(name, e.sequence, Outcome.COMPLETED, queueNanos, serviceNanos);
        downstream.accept(e);
    }

    /** Ends an item in this stage (its terminal outcome for the pipeline). */
    void end(Envelope e, Outcome o, Throwable cause) {
        end(e, o, cause, 0, 0);
    }

    private void end(Envelope e, Outcome o, Throwable cause, long queueNanos, long serviceNanos) {
        switch (o) {
            case FAILED -> failed.increment();
            case SHED -> shed.increment();
            case TIMED_OUT -> timedOut.increment();
            case CANCELLED -> cancelledCount.increment();
            case DEAD_LETTERED -> deadLettered.increment();
            case COMPLETED -> throw new IllegalArgumentException("outcome: COMPLETED (expected: a terminal outcome other than COMPLETED; use emit)");
        }
        pipe.observer.terminal(name, e.sequence, o, queueNanos, serviceNanos);
        pipe.terminal(e, this, o, null, cause);
    }

    // ------------------------------------------------------------------ stats

    /**
     * A consistent snapshot. Read order matters: every terminal count (the per-worker completions, acquire loads,
     * and the adders) is read before {@code admitted}; an item's admission is counted before it can reach any
     * terminal count (under the queue lock that hands it to a worker), so {@code admitted} read last is at least
     * the terminals read, {@code inFlight = admitted - terminals} is never negative and
     * {@code admitted == terminals + inFlight} holds for every snapshot.
     */
    Tally tally() {
        long c = completed.sum();
        for (WorkerCounters wc : workerCounters) c += wc.completed();
        long f = failed.sum(), s = shed.sum(), t = timedOut.sum(), x = cancelledCount.sum(), d = deadLettered.sum();
        return Tally.of(admitted.sum() + admittedExternal.sum(), c, f, s, t, x, d);
    }

    /** Completions at the pipeline's exit counted by this stage's workers (see {@link PipelineRuntime#onWorker}). */
    long exitedOnWorkers() {
        long n = 0;
        for (WorkerCounters wc : workerCounters) n += wc.exited();
        return n;
    }

    StageStats stats() {
        Tally tally = tally();
        int depth = queue.depth();
        List<WorkerStats> ws = new ArrayList<>();
        long now = System.nanoTime();
        for (Worker w : workers) ws.add(new WorkerStats(w.index, w.counters.items(), w.counters.busyNanos(now)));
        int limit = Math.min(gate.currentLimit(), width);
        long[] service = new long[io.fanlab.engine.observe.ServiceTimes.BUCKETS];
        boolean served = false;
        for (WorkerCounters wc : workerCounters) served |= wc.addServiceTimesTo(service);
        return new StageStats(name, width, tally.admitted(), tally.completed(), tally.failed() + tally.deadLettered(),
                tally.shed(), tally.timedOut(), retries.sum(), hedges.sum(), hedgesWon.sum(), tally.cancelled(), tally.inFlight(), depth,
                limit, reorder == null ? 0 : reorder.depth(), ws, tally,
                served ? io.fanlab.engine.observe.ServiceTimes.of(service) : io.fanlab.engine.observe.ServiceTimes.EMPTY,
                invoker.ledger());
    }

    int queueCapacity() { return spec.queueCapacity(); }

    // ------------------------------------------------------------------ parts

    private final class Worker implements Runnable, StageQueue.Taker {
        final int index;
        final Envelope[] hand = new Envelope[queue instanceof RingStageQueue r ? r.handSize() : Math.max(1, maxBatch)];
        final Invocation invocation = new Invocation();
        final GatePermit permit = new GatePermit();
        Sleepers.Sleeper sleeper;
        final ItemContext context;
        /** Completed items held for the exit until the run ends, when {@link #runsToExit}; else null. */
        ExitRun exitRun;
        /** Where the queue puts a plain run, when {@link #plainRuns}; else null. Read by a canceller. */
        RawRun[] raw;
        /** The results of the plain run in hand, when {@link #plainRuns}. */
        RawExitRun rawExit;
        final WorkerCounters counters = new WorkerCounters(StageRuntime.this, System.nanoTime());
        /** Index in {@link #hand} of the item in service, -1 between batches; release stores (a volatile one per item costs a fence), read by a canceller. */
        int current = -1;
        volatile boolean retired;
        Thread thread;

        /**
         * Who decides the completed items held in {@link #exitRun}: {@link #RUN_FREE}, {@link #RUN_FLUSHING} (the
         * worker, while it reports its run) or {@link #RUN_ABANDONED} (a cancel that gave up on the worker; final).
         * One CAS per run replaces the claim CAS per item: a worker that moves it FREE -> FLUSHING knows no
         * canceller touched its hand, so the held items are its own; a canceller that moves it FREE -> ABANDONED
         * sweeps the hand slot by slot (CAS), and the worker then claims each held item by CAS as well.
         */
        @SuppressWarnings("unused") volatile int runOwner;

        Worker(int index) {
            this.index = index;
            this.context = new ItemContext(StageRuntime.this, index);
        }

        /**
         * The run's end, when completed items are held for the exit: reports them as one run (stage completion, exit
         * count, listener) and empties the hand, unless a cancel gave up on this worker meanwhile; then each held
         * item is claimed from the hand by CAS and reported alone if this worker wins it.
         */
        private void flushRun(int n) {
            ExitRun held = exitRun;
            if (RUN.compareAndSet(this, RUN_FREE, RUN_FLUSHING)) {
                for (int i = 0; i < n; i++) hand[i] = null; // published by the release below, before a canceller reads
                int k = held.count();
                if (k > 0) {
                    counters.completedMany(k);
                    pipe.exitRun(held, counters);
                }
                held.clear();
                RUN.setRelease(this, RUN_FREE);
                return;
            }
            for (int j = 0; j < held.count(); j++) {
                Envelope e = held.at(j);
                if (claim(this, held.handIndex(j), e)) {
                    counters.completedOne();
                    pipe.terminal(e, StageRuntime.this, Outcome.COMPLETED, e.value, null);
                }
            }
            held.clear();
        }

        /**
         * A cancel gives up on this worker: its hand is the canceller's to sweep from now on (slot by slot).
         * @return false when the worker is reporting a run (every item of its hand is then decided: nothing to sweep)
         */
        boolean abandon() {
            while (true) {
                int r = (int) RUN.getVolatile(this);
                if (r == RUN_ABANDONED) return true;
                if (r == RUN_FLUSHING) return false;
                if (RUN.compareAndSet(this, RUN_FREE, RUN_ABANDONED)) return true;
            }
        }

        @Override public int index() { return index; }
        @Override public Envelope[] hand() { return hand; }
        @Override public boolean retired() { return retired; }
        @Override public Sleepers.Sleeper sleeper() { return sleeper; }
        @Override public void idle() { counters.idle(); }
        @Override public RawRun[] rawHand() { return raw; }

        /**
         * A plain run ({@link #plainRuns}): works on the run's items where they are, holds the results for the exit
         * and reports them as one run. Per item: the work, a release store of {@link #current}, and the held result;
         * no envelope, no claim, no clock read (unless service times are sampled). An item that fails, or runs into
         * a cancel, is claimed from the run (CAS) and ended alone with an envelope made for it.
         */
        private void runRaw(RawRun rr, int n) {
            RawExitRun out = rawExit;
            out.start(rr);
            boolean sampled = io.fanlab.engine.observe.ServiceTimeSampling.isOn();
            Work<Object, Object> work = plainWork;
            ItemContext ctx = context;
            boolean done = false;
            try {
                for (int j = 0; j < n; j++) {
                    Object x = rr.item(j);
                    if (x == null) continue; // claimed by a cancel that gave up on this worker
                    CURRENT.setRelease(this, j);
                    if (!cancelled) {
                        ctx.begin(rr.firstSequence + j, null);
                        long start = sampled ? pipe.clock.getAsLong() : 0;
                        Object result = null;
                        Throwable failure = null;
                        try {
                            result = work.apply(x, ctx);
                        } catch (Throwable t) {
                            failure = t;
                        }
                        if (sampled) counters.served(pipe.clock.getAsLong() - start);
                        if (!cancelled) {
                            Thread.interrupted(); // a stray interrupt must not leak into the next item
                            if (failure == null) {
                                out.add(j, result); // decided with the run (flushRaw)
                                continue;
                            }
                        }
                        Object mine = rr.claim(j);
                        if (mine != null) endPlain(rr.envelope(j, mine), failure, cancelled);
                    } else {
                        Object mine = rr.claim(j);
                        if (mine != null) end(rr.envelope(j, mine), Outcome.CANCELLED, null);
                    }
                }
                done = true;
            } finally {
                CURRENT.setRelease(this, -1);
                if (done) flushRaw(rr);
                queue.finished(this);
            }
        }

        /** The end of a plain run: as {@link #flushRun}, for the results held in {@link #rawExit}. */
        private void flushRaw(RawRun rr) {
            RawExitRun held = rawExit;
            if (RUN.compareAndSet(this, RUN_FREE, RUN_FLUSHING)) {
                int k = held.count();
                if (k > 0) {
                    counters.completedMany(k);
                    pipe.exitRawRun(rr.exit, held, counters);
                }
                held.clear();
                RAW_HAND.setRelease(raw, 0, null); // published before the run claim is free again
                RUN.setRelease(this, RUN_FREE);
                return;
            }
            for (int i = 0; i < held.count(); i++) {
                int j = held.indexAt(i);
                Object x = rr.claim(j);
                if (x != null) {
                    counters.completedOne();
                    pipe.terminal(rr.envelope(j, x), StageRuntime.this, Outcome.COMPLETED, held.resultAt(i), null);
                }
            }
            held.clear();
            RAW_HAND.setRelease(raw, 0, null);
        }

        @Override
        public void run() {
            pipe.onWorker.set(counters);
            try {
                while (true) {
                    int n;
                    try {
                        n = queue.take(this);
                    } catch (InterruptedException ie) {
                        if (closed || retired) return;
                        continue;
                    }
                    counters.busy();
                    if (n == 0) return;
                    counters.took(n);
                    RawRun rr = raw != null ? raw[0] : null;
                    if (rr != null) {
                        runRaw(rr, n);
                        continue;
                    }
                    try {
                        for (int i = 0; i < n; i++) {
                            Envelope e = (Envelope) HAND.getVolatile(hand, i);
                            if (e == null) continue;
                            CURRENT.setRelease(this, i);
                            process(this, i, e);
                        }
                    } finally {
                        CURRENT.setRelease(this, -1);
                        if (exitRun != null) flushRun(n); // the run's results leave together
                        if (reorder != null && maxBatch > 1) reorder.flush(inOrder); // what settle deposited
                        queue.finished(this);
                    }
                }
            } catch (Throwable t) {
                // a worker never dies silently: what it holds ends FAILED and the pipeline records why
                for (int i = 0; i < hand.length; i++) {
                    Envelope e = (Envelope) HAND.getVolatile(hand, i);
                    if (e != null && HAND.compareAndSet(hand, i, e, null)) end(e, Outcome.FAILED, t);
                }
                RawRun rr = raw != null ? (RawRun) RAW_HAND.getVolatile(raw, 0) : null;
                if (rr != null) {
                    for (int j = 0; j < rr.count; j++) {
                        Object x = rr.claim(j);
                        if (x != null) end(rr.envelope(j, x), Outcome.FAILED, t);
                    }
                }
                pipe.workerDied(name, t);
            } finally {
                pipe.onWorker.remove();
                counters.ended();
            }
        }
    }
}
