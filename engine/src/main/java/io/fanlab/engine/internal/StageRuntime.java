package io.fanlab.engine.internal;

import io.fanlab.engine.Outcome;
import io.fanlab.engine.Work;
import io.fanlab.engine.observe.StageStats;
import io.fanlab.engine.observe.Tally;
import io.fanlab.engine.observe.WorkerStats;
import io.fanlab.engine.pipeline.StuckItem;
import io.fanlab.engine.spec.Admission;
import io.fanlab.engine.spec.Dispatch;
import io.fanlab.engine.spec.ErrorPolicy;
import io.fanlab.engine.spec.Order;
import io.fanlab.engine.spec.StageSpec;
import io.fanlab.engine.spec.ThreadKind;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToLongFunction;

/**
 * One running stage: bounded input queue(s), N workers, optional reorder buffer.
 *
 * <p>Implementation notes.
 * <ul>
 *   <li><b>Queues.</b> SharedQueue and Batched stages without per-key dispatch run on a {@link Ring}: a lock-free
 *       bounded MPMC ring; producers claim runs of slots with one CAS ({@code submitAll} claims a whole run), workers
 *       take runs with one CAS (Batched: up to {@code size}, adaptive: about {@code queued / width}), and ring
 *       positions are the items' sequences. A lock is taken only to park: a worker that found the ring empty spins
 *       briefly (one spinner per stage), then parks in {@link Sleepers} (lock-free) after re-checking the ring
 *       (Dekker with the producer's fence after publishing, then its read of the sleepers' count); a producer facing a full ring
 *       spins, yields, then parks on {@code ringNotFull}, and workers wake it once half the ring is free. Items a loop
 *       sends back into a full ring go to a small locked overflow that workers drain first. The other dispatch
 *       variants (Sharded, WorkStealing) and per-key stages use {@link Queues} of {@link Shard}s (ArrayDeque + its
 *       own ReentrantLock + notEmpty/notFull conditions): one shard per worker, producers pick a shard round-robin
 *       (or by key); a stealing worker with an empty shard steals about half of another shard (tryLock, oldest
 *       first) and otherwise waits on its own shard. Capacity is split across shards
 *       ({@code max(1, capacity / shards)} each).</li>
 *   <li><b>Batch flush.</b> A batch is formed by the taking worker from what is queued at that moment: it takes
 *       {@code min(queued, size)} (adaptive: {@code clamp(queued / width, 1, size)}) and never waits for more, so a
 *       lone item is taken as soon as a worker is free.</li>
 *   <li><b>Stealing wake-ups.</b> A worker about to wait sets its shard's {@code waiting} flag, then reads the
 *       stage-wide {@code queued} count; a producer increments {@code queued}, then looks for a waiting worker to
 *       signal when it put the item on a busy worker's shard (Dekker pattern on volatiles: one of the two sees the
 *       other). A waiting worker that saw {@code queued > 0} but could not steal waits at most 1 ms before retrying.
 *       Every flag that ends a wait (closed, retired, drain) is re-read under the shard lock right before waiting,
 *       since the worker held no lock while it tried to steal (a wake-up sent then would be lost).</li>
 *   <li><b>Width changes.</b> Shrinking marks the surplus workers retired (they exit between items, never holding
 *       an item); growing starts new workers (new threads; virtual threads are never reused). With per-worker
 *       shards the stage reshards: all old shards are locked, their items move (in order) to a new {@link Queues},
 *       which is published before the old one is marked retired and its waiters woken; a thread holding a retired
 *       shard retries on the new one. Per-key stages first quiesce (workers stop taking; in-service items finish)
 *       so that two workers never hold items of one key; producers keep enqueueing meanwhile.</li>
 *   <li><b>Hot path</b> (ring stages). Per item: one envelope, a share of one claim CAS on each side, one CAS to
 *       claim it from the hand, padded {@link LongAdder} increments (two per run on the producer side); the worker
 *       counts its completions, and exits at the pipeline's end, in its own single-writer cells. No clock read
 *       per item unless something uses it (queue deadline, observer, start gate); busy time is elapsed minus idle
 *       time, so a worker reads the clock only when it waits. Ordered stages finish results into the lock-free
 *       {@link ReorderBuffer}; batched ones deposit and flush it once per batch.</li>
 *   <li><b>Policies.</b> Between taking an item and running it, a worker passes the {@link StartGate} (rate limit,
 *       bulkhead, concurrency limit; interruptible waits) and releases it right after the work, before handing the
 *       item on, so no permit is held while blocking on a downstream queue. The work runs through the
 *       {@link ItemInvoker} (inline, or attempts with timeout, retry and hedge); attempt threads it leaves behind
 *       are joined and reported with the workers.</li>
 *   <li><b>Exactly once.</b> A worker's taken items sit in its {@code hand} array until decided: the worker claims
 *       slot i with a CAS when the item's work ends; a cancel that gives up on a stuck worker claims the remaining
 *       slots with the same CAS. Whoever wins ends or forwards the item; the other does nothing.</li>
 * </ul>
 */
public final class StageRuntime {
    private static final VarHandle HAND = MethodHandles.arrayElementVarHandle(Envelope[].class);
    private static final VarHandle CURRENT;

    static {
        try {
            CURRENT = MethodHandles.lookup().findVarHandle(Worker.class, "current", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    /** Spin hints a worker with an empty queue tries before it yields, then parks (see {@link #spinForWork}). */
    static final int SPINS = 128;
    /** Yields after the spin hints before the worker parks. */
    static final int YIELDS = 16;

    final String name;
    final StageSpec spec;
    private final PipelineRuntime pipe;
    private final ItemInvoker invoker;
    private final StartGate gate;
    private final ToLongFunction<Object> keyFn;
    private final boolean perKey;
    private final boolean perWorkerShards;
    private final boolean stealing;
    private final int maxBatch;
    private final boolean adaptive;
    private final long deadlineNanos;
    private final Admission.Overflow overflow;
    /** Whether items need timestamps: a queue deadline, an observer or a start gate uses them; else no clock reads per item. */
    private final boolean timed;
    final ReorderBuffer reorder;
    /** Where the reorder buffer sends results, in order (and envelopes it refuses after a cancel). */
    private final ReorderBuffer.Sink inOrder = new ReorderBuffer.Sink() {
        @Override public void emit(Envelope e) { StageRuntime.this.emit(e); }
        @Override public void cancelled(Envelope e) { end(e, Outcome.CANCELLED, null); }
    };
    Node downstream;

    volatile boolean cancelled;
    private volatile boolean closed;
    private volatile boolean externalClosed;
    private volatile boolean stopWhenEmpty;
    private volatile boolean paused;
    private volatile int width;
    private volatile Queues queues;
    /** SharedQueue and Batched stages without per-key dispatch: the lock-free ring (else null, and {@link #queues} is used). */
    private final Ring ring;
    /** Ring stages: sleeping workers and blocked producers park here (the slow path only). */
    private final ReentrantLock ringLock = new ReentrantLock();
    /** Ring stages: workers parked for items (lock-free; see {@link Sleepers}). */
    private final Sleepers sleeping = new Sleepers();
    /** Ring stages: workers a producer woke that have not taken anything yet (so that one run wakes one worker). */
    private final AtomicInteger woken = new AtomicInteger();
    private final Condition ringNotFull = ringLock.newCondition();
    /** Ring stages, changed under {@link #ringLock}: producers parked for room. */
    private volatile int blockedProducers;
    /**
     * Ring stages: free slots a taker waits for before it wakes blocked producers: half the ring, so that a producer
     * parks about once per half ring, not once per item, and refills while the workers still have half a ring to do.
     */
    private final int ringRefill;
    /** Ring stages: items a loop sends back while the ring is full (admitted over capacity, see LoopNode); under ringLock. */
    private final ArrayDeque<Envelope> overflowed = new ArrayDeque<>();
    private volatile int overflowCount;
    /** Sequences of overflowed items: unique, above any ring position. */
    private final AtomicLong overflowSequence = new AtomicLong(1L << 62);
    private volatile Worker[] workers = new Worker[0];
    private final List<Worker> allWorkers = new ArrayList<>();
    private final ReentrantLock admin = new ReentrantLock();

    private final AtomicLong sequence = new AtomicLong();
    private final AtomicInteger roundRobin = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger busy = new AtomicInteger();
    /** Workers spinning for work (0 or 1). */
    private final AtomicInteger spinners = new AtomicInteger();
    /** The gate's limit last reported to the observer; written under {@code limitReports}. */
    private final AtomicInteger lastLimit = new AtomicInteger();
    private final ReentrantLock limitReports = new ReentrantLock();

    final LongAdder admitted = new PaddedAdder();
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
        this.invoker = ItemInvoker.forStage(spec, work);
        this.gate = StartGate.forStage(spec, pipe.clock, pipe.sleeper, (java.util.function.Function<Object, String>) tenantFn,
                (java.util.function.ToIntFunction<Object>) weightFn, () -> width);
        this.lastLimit.set(gate.currentLimit());
        this.keyFn = (ToLongFunction<Object>) keyFn;
        this.perKey = spec.perKey() && keyFn != null;
        this.stealing = spec.dispatch() instanceof Dispatch.WorkStealing;
        this.perWorkerShards = perKey || stealing || spec.dispatch() instanceof Dispatch.Sharded;
        if (spec.dispatch() instanceof Dispatch.Batched b) {
            maxBatch = b.size();
            adaptive = b.adaptive();
        } else {
            maxBatch = 1;
            adaptive = false;
        }
        this.deadlineNanos = spec.admission().queueDeadline().map(d -> d.toNanos()).orElse(Long.MAX_VALUE);
        this.overflow = spec.admission().overflow();
        this.ring = perKeyOrShards(spec, keyFn) ? null : new Ring(spec.queueCapacity());
        this.reorder = spec.order() instanceof Order.Ordered o
                ? (ring != null ? new ReorderBuffer(o.window(), ring::tail) : new ReorderBuffer(o.window())) : null;
        this.timed = deadlineNanos != Long.MAX_VALUE || pipe.observer != io.fanlab.engine.observe.StageObserver.NOOP || gate != StartGate.OPEN;
        this.width = spec.width();
        this.ringRefill = Math.max(1, spec.queueCapacity() / 2);
        this.queues = ring != null ? new Queues(1, 1) : new Queues(perWorkerShards ? spec.width() : 1, spec.queueCapacity());
    }

    /** Whether a stage needs per-worker shards (per-key, sharded or stealing dispatch); else it runs on a {@link Ring}. */
    private static boolean perKeyOrShards(StageSpec spec, ToLongFunction<?> keyFn) {
        return (spec.perKey() && keyFn != null) || spec.dispatch() instanceof Dispatch.WorkStealing || spec.dispatch() instanceof Dispatch.Sharded;
    }

    // ------------------------------------------------------------------ lifecycle

    void start() {
        admin.lock();
        try {
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
            if (perKey) quiesce();
            try {
                if (newWidth < old) {
                    width = newWidth;
                    for (int i = newWidth; i < old; i++) ws[i].retired = true;
                    if (perWorkerShards) reshard(newWidth);
                    wakeEveryone();
                    workers = java.util.Arrays.copyOf(ws, newWidth);
                } else {
                    if (perWorkerShards) reshard(newWidth);
                    Worker[] grown = java.util.Arrays.copyOf(ws, newWidth);
                    for (int i = old; i < newWidth; i++) grown[i] = newWorker(i);
                    workers = grown;
                    width = newWidth;
                    for (int i = old; i < newWidth; i++) grown[i].thread.start();
                }
            } finally {
                if (perKey) {
                    paused = false;
                    wakeEveryone();
                }
            }
        } finally {
            admin.unlock();
        }
    }

    /** Per-key only: stop workers taking items and wait until no worker holds one. Polls: a rare admin operation. */
    private void quiesce() {
        paused = true;
        Queues qs = queues;
        for (Shard s : qs.shards) { s.lock.lock(); s.lock.unlock(); } // barrier: later takes see paused
        while (busy.get() > 0 && !closed) LockSupport.parkNanos(200_000);
    }

    private void reshard(int shardCount) {
        Queues old = queues;
        for (Shard s : old.shards) s.lock.lock();
        try {
            Queues fresh = new Queues(shardCount, spec.queueCapacity());
            int rr = 0;
            for (Shard s : old.shards) {
                for (Envelope e; (e = s.q.pollFirst()) != null; ) {
                    int target = perKey && e.key >= 0 ? keyShard(e.key, shardCount) : (rr++ % shardCount);
                    fresh.shards[target].q.addLast(e);
                }
            }
            queues = fresh;
            old.retired = true;
            for (Shard s : old.shards) { s.notEmpty.signalAll(); s.notFull.signalAll(); }
        } finally {
            for (Shard s : old.shards) s.lock.unlock();
        }
    }

    /** Wakes every waiting worker and producer so that they re-read the stage's flags. */
    private void wakeEveryone() {
        if (ring == null) {
            wakeAll(queues);
            return;
        }
        // those asleep now (each re-reads the flags and may sleep again: waking until none is left would never end)
        for (int n = sleeping.count(); n > 0 && sleeping.wakeOne(); n--) woken.incrementAndGet();
        ringLock.lock();
        try {
            ringNotFull.signalAll();
        } finally {
            ringLock.unlock();
        }
    }

    private static void wakeAll(Queues qs) {
        for (Shard s : qs.shards) {
            s.lock.lock();
            try {
                s.notEmpty.signalAll();
                s.notFull.signalAll();
            } finally {
                s.lock.unlock();
            }
        }
    }

    /** Drain: refuse external producers (those blocked get rejected); internal hand-offs still enter. */
    void closeExternal() {
        externalClosed = true;
        if (reorder != null) reorder.closeExternal();
        wakeEveryone();
    }

    /** Drain finished (nothing in flight anywhere): workers exit once their shard is empty. */
    void stopWhenEmpty() {
        admin.lock();
        try {
            stopWhenEmpty = true;
            wakeEveryone();
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
            Queues qs = queues;
            for (Shard s : qs.shards) {
                s.lock.lock();
                try {
                    for (Envelope e; (e = s.q.pollFirst()) != null; ) swept.add(e);
                    s.notEmpty.signalAll();
                    s.notFull.signalAll();
                } finally {
                    s.lock.unlock();
                }
            }
            queued.set(0);
            if (ring != null) {
                sweepRing(swept);
                wakeEveryone();
            }
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
            int current = (int) CURRENT.getVolatile(w);
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
                if (external) pipe.admitExternal();
                admitted.increment();
                end(e, Outcome.FAILED, t);
                return;
            }
        }
        if (ring != null) {
            offerRing(e, external, reentry);
            return;
        }
        long seq;
        if (reorder != null) {
            try {
                seq = reorder.acquire(external);
            } catch (InterruptedException ie) {
                if (external) throw ie;
                Thread.currentThread().interrupt();
                seq = -1;
            }
            if (seq < 0) {
                refused(e, external);
                return;
            }
        } else {
            seq = sequence.getAndIncrement();
        }
        e.sequence = seq;
        if (timed) e.enqueuedAt = pipe.clock.getAsLong();
        Envelope victim = null;
        boolean accepted = false;
        boolean refused = false;
        int shardIndex = -1;
        outer:
        while (true) {
            Queues qs = queues;
            int n = qs.shards.length;
            shardIndex = n == 1 ? 0 : (perKey && e.key >= 0 ? keyShard(e.key, n) : Math.floorMod(roundRobin.getAndIncrement(), n));
            Shard s = qs.shards[shardIndex];
            s.lock.lock();
            try {
                while (true) {
                    if (qs.retired) continue outer;
                    if (closed || (external && externalClosed)) { refused = true; break outer; }
                    int size = s.q.size();
                    boolean full = size >= s.cap && !reentry;
                    if (overflow instanceof Admission.Overflow.Block) {
                        if (full) {
                            try {
                                s.awaitNotFull();
                            } catch (InterruptedException ie) {
                                if (external) throw ie;
                                Thread.currentThread().interrupt();
                                refused = true;
                                break outer;
                            }
                            continue;
                        }
                    } else if (overflow instanceof Admission.Overflow.DropOldest) {
                        if (full) victim = s.q.pollFirst();
                    } else if (overflow instanceof Admission.Overflow.DropNewest) {
                        if (full) break outer;
                    } else if (overflow instanceof Admission.Overflow.Probabilistic p) {
                        if (full) break outer;
                        double fill = (double) size / s.cap;
                        if (fill >= p.threshold() && !reentry) {
                            double drop = p.threshold() >= 1.0 ? 0.0 : (fill - p.threshold()) / (1.0 - p.threshold());
                            if (ThreadLocalRandom.current().nextDouble() < drop) break outer;
                        }
                    }
                    s.q.addLast(e);
                    if (external) pipe.admitExternal();
                    admitted.increment();
                    if (stealing) queued.incrementAndGet();
                    accepted = true;
                    s.added(1, perTake(s.q.size()));
                    break outer;
                }
            } finally {
                s.lock.unlock();
            }
        }
        if (refused) {
            if (reorder != null) reorder.skip(seq, inOrder);
            refused(e, external);
            return;
        }
        if (!accepted) { // shed at admission (the arriving item)
            if (external) pipe.admitExternal();
            admitted.increment();
            if (reorder != null) reorder.skip(seq, inOrder);
            end(e, Outcome.SHED, null);
            return;
        }
        pipe.observer.admitted(name, seq);
        if (victim != null) {
            if (stealing) queued.decrementAndGet();
            if (reorder != null) reorder.skip(victim.sequence, inOrder);
            end(victim, Outcome.SHED, null);
        }
        if (stealing) wakeThief(shardIndex);
    }

    /**
     * External batch admission: with one shard, BLOCK overflow and no key, a run of items that fits is enqueued under
     * one lock acquisition (the producer-side half of batching), ordered stages taking the run's sequences from the
     * reorder window under one more; otherwise item by item.
     * @return how many items were admitted (fewer than {@code es.size()} only when the stage stopped taking
     *         external input meanwhile; the rest were not admitted)
     */
    int offerAll(Envelope[] es) throws InterruptedException {
        if (ring != null && keyFn == null && overflow instanceof Admission.Overflow.Block) return offerAllRing(es);
        return offerAll(java.util.Arrays.asList(es));
    }

    private int offerAll(List<Envelope> es) throws InterruptedException {
        if (keyFn != null || perWorkerShards || !(overflow instanceof Admission.Overflow.Block)) {
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
        int i = 0;
        while (i < es.size()) {
            Shard s = queues.shards[0]; // one shard: never resharded
            int from = i;
            long firstSeq = -1;
            // ordered: a run of sequences from the reorder window under one lock (not one per item); those the
            // queue does not take below are freed again (skipped), as a refused single offer frees its one
            long seqFrom = -1;
            int seqCount = es.size() - i;
            if (reorder != null) {
                long run = reorder.acquireRun(seqCount);
                if (run < 0) return i;
                seqFrom = run >>> 16;
                seqCount = (int) (run & 0xFFFF);
            }
            int k = 0;
            try {
            s.lock.lockInterruptibly();
            try {
                while (s.q.size() >= s.cap && !closed && !externalClosed) s.awaitNotFull();
                if (closed || externalClosed) return i;
                k = Math.min(seqCount, s.cap - s.q.size());
                firstSeq = reorder != null ? seqFrom : sequence.getAndAdd(k);
                long now = timed ? pipe.clock.getAsLong() : 0; // one clock read per run, none when nothing uses it
                for (int j = 0; j < k; j++) {
                    Envelope e = es.get(i++);
                    e.sequence = firstSeq + j;
                    e.enqueuedAt = now;
                    s.q.addLast(e);
                }
                pipe.admitExternal(k);
                admitted.add(k);
                // wake as many waiting workers as can take part of what is queued, not all of them: a fixed batch
                // takes up to maxBatch per lock, an adaptive one about queued / width
                s.added(k, perTake(s.q.size()));
            } finally {
                s.lock.unlock();
            }
            } finally { // also when interrupted or refused: a sequence never enqueued must not hold the window's head
                if (reorder != null) for (int j = k; j < seqCount; j++) reorder.skip(seqFrom + j, inOrder);
            }
            if (pipe.observer != io.fanlab.engine.observe.StageObserver.NOOP)
                for (int j = from; j < i; j++) pipe.observer.admitted(name, es.get(j).sequence);
        }
        return i;
    }

    private void refused(Envelope e, boolean external) {
        if (external) throw new IllegalStateException("engine is not running: submit is refused once close or cancel has begun");
        admitted.increment();
        end(e, Outcome.CANCELLED, null);
    }

    private void wakeThief(int target) {
        Queues qs = queues;
        Shard[] shards = qs.shards;
        if (target < shards.length && shards[target].waiting) return; // its owner is waiting: already signalled
        for (Shard s : shards) {
            if (s.waiting) {
                s.lock.lock();
                try {
                    s.notEmpty.signal();
                } finally {
                    s.lock.unlock();
                }
                return;
            }
        }
    }

    private static int keyShard(long key, int n) {
        long h = key * 0x9E3779B97F4A7C15L;
        return Math.floorMod((int) (h ^ (h >>> 32)), n);
    }

    // ------------------------------------------------------------------ taking

    /** Blocks until items are available; returns how many were put into {@code w.hand}, 0 when the worker must exit. */
    private int take(Worker w) throws InterruptedException {
        if (ring != null) return takeRing(w);
        Envelope[] hand = w.hand;
        boolean spun = false; // a worker spins at most once per take before it waits
        outer:
        while (true) {
            if (w.retired) return 0;
            Queues qs = queues;
            int idx = w.index;
            Shard own = qs.shards.length == 1 ? qs.shards[0] : (idx < qs.shards.length ? qs.shards[idx] : null);
            if (own == null) {
                Thread.onSpinWait(); // transient during a shrink: width is already lower, the next check exits
                continue;
            }
            boolean trySteal = false;
            boolean spin = false;
            own.lock.lockInterruptibly();
            try {
                while (true) {
                    if (qs.retired) continue outer;
                    if (closed || w.retired) return 0;
                    if (!paused) {
                        int size = own.q.size();
                        if (size > 0) {
                            int k = Math.min(size, perTake(size));
                            for (int i = 0; i < k; i++) HAND.setRelease(hand, i, own.q.pollFirst());
                            if (stealing) queued.addAndGet(-k);
                            if (perKey) busy.incrementAndGet();
                            own.took();
                            return k;
                        }
                        if (stopWhenEmpty) return 0;
                        w.counters.idle();
                        if (stealing) { trySteal = true; break; }
                        if (!spun && spinners.compareAndSet(0, 1)) { // at most one spinner per stage
                            spun = true;
                            own.spinning = true; // under the lock: every later offer sees it and sets the hint
                            own.hint = false;
                            spin = true;
                            break;
                        }
                    }
                    w.counters.idle();
                    own.awaitNotEmpty();
                }
            } finally {
                own.lock.unlock();
            }
            if (spin) {
                spinForWork(qs, own, w);
                spin = false;
                continue;
            }
            // work stealing: own shard empty
            int got = steal(qs, idx, hand);
            if (got > 0) return got;
            own.lock.lockInterruptibly();
            try {
                if (qs.retired || closed || w.retired || !own.q.isEmpty()) continue;
                // the drain flag may have been set (and its wake-up signalled) while this worker held no lock:
                // re-check it under the lock before waiting, or the wake-up is lost and close waits its deadline
                if (stopWhenEmpty) return 0;
                own.waiting = true;
                try {
                    if (queued.get() > 0) own.awaitNotEmpty(TimeUnit.MILLISECONDS.toNanos(1));
                    else own.awaitNotEmpty();
                } finally {
                    own.waiting = false;
                }
            } finally {
                own.lock.unlock();
            }
        }
    }

    /**
     * How many items one take removes from a shard holding {@code size}: fixed batches up to {@code maxBatch},
     * adaptive ones about {@code size / width}. Producers use the same rule to decide how many waiting workers an
     * offer feeds, so they never wake fewer than will be needed (an adaptive take of 1 leaves the rest queued).
     */
    private int perTake(int size) {
        return adaptive ? Math.min(maxBatch, Math.max(1, size / Math.max(1, width))) : maxBatch;
    }

    /**
     * Busy-waits a little for an offer before the worker parks: a wake-up (park + unpark) costs several
     * microseconds of CPU, more than a batch of small items; a producer that offers while a worker spins only sets
     * the shard's hint. Bounded ({@value #SPINS} spin hints, then {@value #YIELDS} yields) and one spinner per stage
     * at a time, so idle workers never burn the cores the work needs.
     */
    private void spinForWork(Queues qs, Shard own, Worker w) {
        try {
            for (int i = 0; i < SPINS + YIELDS; i++) {
                if (own.hint || closed || w.retired || stopWhenEmpty || paused || qs.retired) return;
                if (i < SPINS) Thread.onSpinWait();
                else Thread.yield();
            }
        } finally {
            own.spinning = false;
            spinners.set(0);
        }
    }

    private int steal(Queues qs, int idx, Envelope[] hand) {
        Shard[] shards = qs.shards;
        int n = shards.length;
        for (int d = 1; d < n; d++) {
            Shard victim = shards[(idx + d) % n];
            if (victim.q.isEmpty() || !victim.lock.tryLock()) continue; // racy peek is only a hint
            try {
                if (qs.retired) return 0;
                int size = victim.q.size();
                if (size == 0) continue;
                int k = Math.min(hand.length, Math.max(1, size / 2));
                for (int i = 0; i < k; i++) HAND.setRelease(hand, i, victim.q.pollFirst());
                queued.addAndGet(-k);
                victim.took();
                return k;
            } finally {
                victim.lock.unlock();
            }
        }
        return 0;
    }

    // ------------------------------------------------------------------ the ring (SharedQueue and Batched stages)

    /**
     * Ring admission of one item. The item is counted admitted before its claim and uncounted when the claim fails,
     * so that a drain, which refuses external input and then waits for the counts, either waits for this item or
     * makes this producer see the refusal (both sides read the other's write after their own).
     */
    private void offerRing(Envelope e, boolean external, boolean reentry) throws InterruptedException {
        boolean ordered = reorder != null;
        if (timed) e.enqueuedAt = pipe.clock.getAsLong();
        while (true) {
            count(external, 1);
            if (closed || (external && externalClosed)) {
                count(external, -1);
                refused(e, external);
                return;
            }
            if (overflow instanceof Admission.Overflow.Probabilistic p && !reentry) {
                double fill = (double) ring.size() / ring.capacity;
                if (fill >= p.threshold()) {
                    double drop = p.threshold() >= 1.0 ? 0.0 : (fill - p.threshold()) / (1.0 - p.threshold());
                    if (ThreadLocalRandom.current().nextDouble() < drop) {
                        end(e, Outcome.SHED, null);
                        return;
                    }
                }
            }
            long limit = ordered ? reorder.limit() : Long.MAX_VALUE;
            if (ring.offer(e, limit)) break;
            if (reentry && !ordered) {
                e.sequence = overflowSequence.getAndIncrement();
                ringLock.lock();
                try {
                    overflowed.addLast(e);
                    overflowCount = overflowed.size();
                } finally {
                    ringLock.unlock();
                }
                break;
            }
            count(external, -1);
            boolean windowFull = ordered && ring.tail() >= limit;
            if (windowFull || overflow instanceof Admission.Overflow.Block || reentry) {
                try {
                    if (windowFull) awaitWindow(external);
                    else awaitRingRoom(external);
                } catch (InterruptedException ie) {
                    if (external) throw ie; // not admitted
                    Thread.currentThread().interrupt(); // an internal hand-off interrupted while waiting: cancelled
                    count(false, 1);
                    end(e, Outcome.CANCELLED, null);
                    return;
                }
            } else if (overflow instanceof Admission.Overflow.DropOldest) {
                Envelope victim = ring.pollOne();
                if (victim != null) {
                    if (ordered) reorder.skip(victim.sequence, inOrder);
                    end(victim, Outcome.SHED, null);
                }
            } else { // DropNewest, Probabilistic: the arriving item is shed
                count(external, 1);
                end(e, Outcome.SHED, null);
                return;
            }
        }
        afterPublish();
        pipe.observer.admitted(name, e.sequence);
    }

    /** Ring admission of a run (external, BLOCK, no key): one claim per run of free slots; see {@link #offerAll}. */
    private int offerAllRing(Envelope[] arr) throws InterruptedException {
        boolean ordered = reorder != null;
        int i = 0;
        while (i < arr.length) {
            int want = arr.length - i;
            count(true, want);
            if (closed || externalClosed) {
                count(true, -want);
                return i;
            }
            long now = timed ? pipe.clock.getAsLong() : 0; // one clock read per run, none when nothing uses it
            if (timed) for (int j = i; j < arr.length; j++) arr[j].enqueuedAt = now;
            long limit = ordered ? reorder.limit() : Long.MAX_VALUE;
            int k = ring.offer(arr, i, want, limit);
            if (k < want) count(true, k - want);
            if (k > 0) {
                afterPublish();
                if (pipe.observer != io.fanlab.engine.observe.StageObserver.NOOP)
                    for (int j = i; j < i + k; j++) pipe.observer.admitted(name, arr[j].sequence);
                i += k;
                continue;
            }
            if (ordered && ring.tail() >= limit) awaitWindow(true);
            else awaitRingRoom(true);
        }
        return i;
    }

    private void count(boolean external, int n) {
        if (external) pipe.admitExternal(n);
        admitted.add(n);
    }

    /** After a publish: wakes a parked worker if any, and ends what a cancel that raced with this offer missed. */
    private void afterPublish() {
        VarHandle.fullFence(); // publish before reading the sleepers' count (a sleeper counts itself, then reads the ring)
        if (sleeping.count() > 0) wakeWorkers();
        if (closed) {
            List<Envelope> swept = new ArrayList<>();
            sweepRing(swept);
            for (Envelope x : swept) end(x, Outcome.CANCELLED, null);
        }
    }

    /**
     * Wakes parked workers, as many as the queued runs need beyond those already woken and the spinner, computed
     * once: a loop that re-read {@code woken} (which a woken worker lowers as soon as it runs) kept waking workers
     * that found nothing left, a livelock seen with 1024 platform workers.
     */
    private void wakeWorkers() {
        int queued = ring.size() + overflowCount;
        int per = perTake(queued);
        int feeds = (queued + per - 1) / per - spinners.get(); // a spinning worker takes the first run
        for (int n = feeds - woken.get(); n > 0 && sleeping.wakeOne(); n--) woken.incrementAndGet();
    }

    /**
     * Blocks until the ring may have room (spurious returns allowed): a few spins first, then parks. Waits for the
     * ring only, never for the reorder window: a producer that parked here with the window as its limit would wait
     * for workers that have nothing left to take (the window is the emitter's to free, see {@link #awaitWindow}).
     */
    private void awaitRingRoom(boolean external) throws InterruptedException {
        for (int i = 0; i < SPINS + YIELDS; i++) {
            if (ring.hasRoom(Long.MAX_VALUE) || closed) return;
            if (i < SPINS) Thread.onSpinWait();
            else Thread.yield();
        }
        ringLock.lockInterruptibly();
        try {
            blockedProducers++;
            try {
                VarHandle.fullFence();
                if (!ring.hasRoom(Long.MAX_VALUE) && !closed && !(external && externalClosed)) ringNotFull.await();
            } finally {
                blockedProducers--;
            }
        } finally {
            ringLock.unlock();
        }
    }

    /**
     * Ordered ring stages: blocks until the reorder window may have room (spurious returns allowed). Spins and
     * yields first, as {@link #awaitRingRoom} does: the emitter frees the window run by run within microseconds, and
     * a producer that parked at once cost a futex wake-up per half window on each side while the workers ran dry
     * and parked too (about a third of the CPU time of an ordered stage at work ~0, profiled).
     */
    private void awaitWindow(boolean external) throws InterruptedException {
        for (int i = 0; i < SPINS + YIELDS; i++) {
            if (ring.tail() < reorder.limit() || closed) return;
            if (i < SPINS) Thread.onSpinWait();
            else Thread.yield();
        }
        reorder.awaitRoom(() -> ring.tail() < reorder.limit() || closed, external);
    }

    /** Takes a run from the overflow (first: loop re-entries) or the ring into the worker's hand; see {@link #take}. */
    private int takeRing(Worker w) throws InterruptedException {
        Envelope[] hand = w.hand;
        boolean spun = false;
        while (true) {
            if (closed) return 0;
            if (w.retired) {
                handOver();
                return 0;
            }
            int k = overflowCount > 0 ? pollOverflow(hand) : 0;
            if (k == 0) k = ring.poll(hand, adaptive ? perTake(ring.size()) : maxBatch);
            if (k > 0) {
                VarHandle.fullFence(); // slots freed before reading blockedProducers (a producer writes it, then reads the ring)
                if (blockedProducers > 0 && ring.capacity - ring.size() >= ringRefill) {
                    ringLock.lock();
                    try {
                        ringNotFull.signalAll();
                    } finally {
                        ringLock.unlock();
                    }
                }
                return k;
            }
            if (stopWhenEmpty) return 0;
            w.counters.idle();
            if (!spun && spinners.compareAndSet(0, 1)) { // at most one spinner per stage
                spun = true;
                try {
                    for (int i = 0; i < SPINS + YIELDS && ring.isEmpty() && overflowCount == 0; i++) {
                        if (closed || w.retired || stopWhenEmpty) break;
                        if (i < SPINS) Thread.onSpinWait();
                        else Thread.yield();
                    }
                } finally {
                    spinners.set(0);
                }
                continue;
            }
            if (sleeping.await(w.sleeper, () -> ring.isEmpty() && overflowCount == 0 && !closed && !w.retired && !stopWhenEmpty))
                woken.decrementAndGet(); // claimed by a waker: it counted this worker as on its way
        }
    }

    /**
     * A retiring worker leaves: if a producer counted on it (as the spinner, or as woken to take a run) the items it
     * would have taken must reach another worker. Its spinner flag is cleared and its wake-up uncounted before this
     * runs, so either the producer saw that and woke someone, or this sees the producer's items and wakes someone.
     * Without it a shrink could strand a run in the ring with every remaining worker asleep (found by a contract
     * test: an ordered stage, window 16, widths changing while a producer waited for the window).
     */
    private void handOver() {
        VarHandle.fullFence();
        if ((!ring.isEmpty() || overflowCount > 0) && sleeping.count() > 0) wakeWorkers();
    }

    private int pollOverflow(Envelope[] hand) {
        ringLock.lock();
        try {
            int k = 0;
            while (k < hand.length && !overflowed.isEmpty()) HAND.setRelease(hand, k++, overflowed.pollFirst());
            overflowCount = overflowed.size();
            return k;
        } finally {
            ringLock.unlock();
        }
    }

    /** Takes everything queued on the ring and its overflow into {@code out}. */
    private void sweepRing(List<Envelope> out) {
        for (Envelope e; (e = ring.pollOne()) != null; ) out.add(e);
        ringLock.lock();
        try {
            out.addAll(overflowed);
            overflowed.clear();
            overflowCount = 0;
        } finally {
            ringLock.unlock();
        }
    }

    // ------------------------------------------------------------------ working

    private void process(Worker w, int i, Envelope e) {
        long start = timed ? pipe.clock.getAsLong() : 0;
        long queueNanos = timed ? start - e.enqueuedAt : 0;
        if (cancelled) {
            if (claim(w, i, e)) end(e, Outcome.CANCELLED, null, queueNanos, 0);
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
        w.context.begin(e.sequence);
        invoker.invoke(e.value, w.context, inv);
        long service = timed ? pipe.clock.getAsLong() - start : 0;
        if (gate != StartGate.OPEN) {
            gate.release(permit, inv.outcome, inv.cause);
            reportLimit();
        }
        if (!claim(w, i, e)) return; // a cancel gave up on this item while it ran: its late result is ignored
        if (!cancelled) Thread.interrupted(); // a stray interrupt must not leak into the next item
        if (inv.retries > 0) retries.add(inv.retries);
        if (inv.hedges > 0) hedges.add(inv.hedges);
        if (inv.hedgeWon) hedgesWon.increment();
        Outcome o = inv.outcome;
        if (cancelled) o = Outcome.CANCELLED;
        if (o == Outcome.COMPLETED) {
            e.value = inv.value;
            if (reorder != null) settle(e.sequence, e);
            else {
                w.counters.completedOne(); // single writer, no shared counter bumped per item
                emit(e, queueNanos, service);
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
        return Tally.of(admitted.sum(), c, f, s, t, x, d);
    }

    /** Completions at the pipeline's exit counted by this stage's workers (see {@link PipelineRuntime#onWorker}). */
    long exitedOnWorkers() {
        long n = 0;
        for (WorkerCounters wc : workerCounters) n += wc.exited();
        return n;
    }

    StageStats stats() {
        Tally tally = tally();
        Queues qs = queues;
        int depth = ring != null ? ring.size() + overflowCount : 0;
        for (Shard s : ring != null ? new Shard[0] : qs.shards) {
            s.lock.lock();
            try {
                depth += s.q.size();
            } finally {
                s.lock.unlock();
            }
        }
        List<WorkerStats> ws = new ArrayList<>();
        long now = System.nanoTime();
        for (Worker w : workers) ws.add(new WorkerStats(w.index, w.counters.items(), w.counters.busyNanos(now)));
        int limit = Math.min(gate.currentLimit(), width);
        return new StageStats(name, width, tally.admitted(), tally.completed(), tally.failed() + tally.deadLettered(),
                tally.shed(), tally.timedOut(), retries.sum(), hedges.sum(), hedgesWon.sum(), tally.cancelled(), tally.inFlight(), depth,
                limit, reorder == null ? 0 : reorder.depth(), ws, tally);
    }

    int queueCapacity() { return spec.queueCapacity(); }

    // ------------------------------------------------------------------ parts

    /** The shards of one layout; replaced as a whole when the stage reshards. */
    private static final class Queues {
        final Shard[] shards;
        volatile boolean retired;

        Queues(int n, int capacity) {
            shards = new Shard[n];
            int each = Math.max(1, capacity / n);
            for (int i = 0; i < n; i++) shards[i] = new Shard(each);
        }
    }

    private static final class Shard {
        final ReentrantLock lock = new ReentrantLock();
        final Condition notEmpty = lock.newCondition();
        final Condition notFull = lock.newCondition();
        final ArrayDeque<Envelope> q;
        final int cap;
        /** Free slots a taker waits for before it wakes blocked producers (hysteresis: one wake-up per run, not per item). */
        final int refill;
        volatile boolean waiting;
        /**
         * Under the lock: workers waiting on notEmpty, how many of them were signalled and have not run yet (an
         * undercount only costs a spare wake-up), producers waiting on notFull.
         */
        int takers, woken, producers;
        /** A worker spins for work on this shard (set under the lock); offers then set {@link #hint} instead of waking anyone. */
        volatile boolean spinning;
        volatile boolean hint;

        Shard(int cap) {
            this.cap = cap;
            this.refill = Math.max(1, Math.min(64, cap / 4));
            this.q = new ArrayDeque<>(Math.min(cap, 4096));
        }

        /** Under the lock, after {@code n} items were added: wakes only waiting workers, as many as the queue feeds. */
        void added(int n, int perTake) {
            int feeds = (q.size() + perTake - 1) / perTake;
            if (spinning) {
                hint = true;
                feeds--; // the spinner takes the first run
            }
            for (int i = Math.min(feeds - woken, takers - woken); i > 0; i--) {
                notEmpty.signal();
                woken++;
            }
        }

        /**
         * Under the lock, after a take: wakes blocked producers once {@link #refill} slots are free (a queue that
         * drains below that always wakes them, since every take checks).
         */
        void took() {
            if (producers > 0 && q.size() <= cap - refill) notFull.signalAll();
        }

        void awaitNotEmpty() throws InterruptedException {
            takers++;
            try {
                notEmpty.await();
            } finally {
                takers--;
                if (woken > 0) woken--;
            }
        }

        void awaitNotEmpty(long nanos) throws InterruptedException {
            takers++;
            try {
                notEmpty.awaitNanos(nanos);
            } finally {
                takers--;
                if (woken > 0) woken--;
            }
        }

        void awaitNotFull() throws InterruptedException {
            producers++;
            try {
                notFull.await();
            } finally {
                producers--;
            }
        }
    }

    private final class Worker implements Runnable {
        final int index;
        final Envelope[] hand = new Envelope[Math.max(1, maxBatch)];
        final Invocation invocation = new Invocation();
        final GatePermit permit = new GatePermit();
        Sleepers.Sleeper sleeper;
        final ItemContext context;
        final WorkerCounters counters = new WorkerCounters(StageRuntime.this, System.nanoTime());
        /** Index in {@link #hand} of the item in service, -1 between batches; release stores (a volatile one per item costs a fence), read by a canceller. */
        int current = -1;
        volatile boolean retired;
        Thread thread;

        Worker(int index) {
            this.index = index;
            this.context = new ItemContext(StageRuntime.this, index);
        }

        @Override
        public void run() {
            pipe.onWorker.set(counters);
            try {
                while (true) {
                    int n;
                    try {
                        n = take(this);
                    } catch (InterruptedException ie) {
                        if (closed || retired) return;
                        continue;
                    }
                    counters.busy();
                    if (n == 0) return;
                    counters.took(n);
                    try {
                        for (int i = 0; i < n; i++) {
                            Envelope e = (Envelope) HAND.getVolatile(hand, i);
                            if (e == null) continue;
                            CURRENT.setRelease(this, i);
                            process(this, i, e);
                        }
                    } finally {
                        CURRENT.setRelease(this, -1);
                        if (reorder != null && maxBatch > 1) reorder.flush(inOrder); // what settle deposited
                        if (perKey) busy.decrementAndGet();
                    }
                }
            } catch (Throwable t) {
                // a worker never dies silently: what it holds ends FAILED and the pipeline records why
                for (int i = 0; i < hand.length; i++) {
                    Envelope e = (Envelope) HAND.getVolatile(hand, i);
                    if (e != null && HAND.compareAndSet(hand, i, e, null)) end(e, Outcome.FAILED, t);
                }
                pipe.workerDied(name, t);
            } finally {
                pipe.onWorker.remove();
                counters.ended();
            }
        }
    }
}
