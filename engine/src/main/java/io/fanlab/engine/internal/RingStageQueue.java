package io.fanlab.engine.internal;

import io.fanlab.engine.Outcome;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The input of a SharedQueue or Batched stage: one lock-free bounded MPMC {@link Ring} shared by every worker.
 *
 * <p>Implementation notes.
 * <ul>
 *   <li><b>Claims.</b> Producers claim runs of slots with one CAS ({@code offerAll} claims a whole run), workers
 *       take runs with one CAS (Batched: up to {@code size}, adaptive: about {@code queued / width}, SharedQueue:
 *       one item, or up to {@link #SHARED_TAKE} for a lone worker); ring positions
 *       are the items' sequences (an ordered stage's reorder buffer follows the ring's tail). An unordered Batched
 *       stage's ring is in run mode ({@link Ring}): {@code offerAll} puts each run in ONE slot (adaptive: about
 *       {@code (queued + offered) / width} items per run, so a short burst still reaches every idle worker; fixed:
 *       the batch size), {@code offerAllRaw} puts {@link RawRun}s (items without envelopes), and a taker takes a run
 *       whole. Capacity stays in items: the ring reserves a run's items before its slot, and cuts a run to the room
 *       left; {@link #depth} counts items. In run mode {@link Ring#size} counts reserved items, which a producer
 *       reserves (a CAS) before it claims its slot, so "claims seen" below holds there too.</li>
 *   <li><b>Idle workers.</b> A worker that found the ring empty spins briefly ({@link SpinThenPark}; one spinner
 *       per stage), then parks in {@link Sleepers} after re-checking the ring. A producer claims its slot (the tail
 *       CAS), then reads the sleepers' count; a sleeper counts itself, then re-reads the ring's claims (Dekker over
 *       volatile accesses, one total order: one of the two sees the other).</li>
 *   <li><b>Claims seen, not publications.</b> A per-item offer does not fence between its publication and its
 *       reads of the sleepers' count and of {@code closed} (the fence cost about a quarter of a submit at work ~0:
 *       the slot's stores waited for lines the takers held). So every check on the other side of those handshakes
 *       asks whether a slot is <em>claimed</em> ({@link Ring#size}: tail against head, both volatile), never whether
 *       it is published: a sleeper's re-check, a taker's pass-on, a retiring worker's hand-over and the cancel's
 *       {@link #drain}. A slot claimed but not yet published (its producer is a few instructions from the release
 *       store) is waited for by a spin, never slept through: a taker that finds it spins and polls again, the drain
 *       spins until it can take it. {@code offerAll} and re-entries into the overflow deque keep the fence
 *       ({@link #afterPublish}). Stress: {@code RingAndSleepersStressTest} (lost wake-up, cancel racing with
 *       offers); the store-buffer window itself is too short for a test on x86, the argument is the total order.</li>
 *   <li><b>Wake-ups: one on the way at a time.</b> A producer that published while workers sleep wakes one, unless
 *       one is already on its way to the ring (woken and not yet running, counted in {@code woken}, or spinning).
 *       A worker that took a run and sees items left, sleepers and nobody on the way wakes the next one
 *       ({@link #passOn}). So the awake workers grow one wake-up at a time while the backlog lasts (blocking work:
 *       every worker ends up awake) and stop growing as soon as a woken worker finds the ring empty because the
 *       awake ones keep up (CPU work past the cores). Waking as many as the queued runs could feed (the rule before
 *       this one) woke up to {@code width} workers per published run; on 2 cores at width 16 and 64 most found
 *       nothing, and park/unpark took about 75% of the stage's CPU (async-profiler), throughput falling to a
 *       fraction of width 1. Liveness: an item is published either while nobody is on the way (the producer wakes
 *       one) or while someone is: that one's claim of the wake-up ({@code woken} lowered, or the spinner flag
 *       cleared) comes before its poll, the producer's publish before its read of the count, so it takes the item or
 *       a run, and whoever takes a run that leaves items passes the wake-up on.</li>
 *   <li><b>Blocked producers</b> (WAIT): spin, then park on {@code notFull}; a taker that freed slots fences, reads
 *       {@code blockedProducers}, and signals once half the ring is free (one wake-up per half ring, not per item).
 *       An ordered stage's producer waits for the reorder window instead, in the buffer.</li>
 *   <li><b>Re-entries.</b> Items a loop sends back into a full ring go to a small locked overflow deque (sequences
 *       above any ring position) that takers drain first; an ordered stage's re-entry waits instead.</li>
 *   <li><b>Counting.</b> An item is counted admitted before its claim and uncounted when the claim fails, so a drain
 *       that refuses external input and then waits for the counts either waits for the item or makes its producer
 *       see the refusal; an offer that finds the stage closed after publishing sweeps the ring (the cancel may have
 *       swept before the item arrived).</li>
 *   <li><b>Retiring workers.</b> A worker that leaves after a producer counted on it (as the spinner, or as woken)
 *       passes the wake-up on ({@link #handOver}).</li>
 * </ul>
 */
final class RingStageQueue implements StageQueue {
    private static final VarHandle HAND = MethodHandles.arrayElementVarHandle(Envelope[].class);
    /**
     * SharedQueue dispatch at width 1: the most items the lone worker takes at once (its hand's length). One claim
     * CAS, one fence and one wake-up check per take instead of per item when items wait; nothing changes for the
     * items' order or start times, since a lone worker runs them one after the other anyway. With more workers a
     * take stays one item: an item held in a hand behind one that blocks would wait while another worker idles (a
     * shared queue is work-conserving; AdmissionTest and ObservabilityTest check it).
     */
    static final int SHARED_TAKE = 16;

    private final StageQueue.Host host;
    private final OverflowDecision overflow;
    final Ring ring;
    private final int maxBatch;
    private final boolean adaptive;
    /** SharedQueue dispatch: a lone worker takes up to {@link #SHARED_TAKE} at once (see there). */
    private final boolean shared;
    /** Whether the overflow policy may shed before the ring is full (only then does an offer read the ring's fill). */
    private final boolean shedsEarly;
    /** Sleeping workers and blocked producers park here (the slow path only). */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    /** Workers parked for items (lock-free; see {@link Sleepers}). */
    private final Sleepers sleeping = new Sleepers();
    /** Workers a producer woke that have not taken anything yet (so that one run wakes one worker). */
    private final AtomicInteger woken = new AtomicInteger();
    /** Workers spinning for work (0 or 1). */
    private final AtomicInteger spinners = new AtomicInteger();
    /** Producers parked for room; changed under {@link #lock}. */
    private volatile int blockedProducers;
    /** Free slots a taker waits for before it wakes blocked producers: half the ring. */
    private final int refill;
    /** Items a loop sends back while the ring is full (admitted over capacity); under {@link #lock}. */
    private final ArrayDeque<Envelope> overflowed = new ArrayDeque<>();
    private volatile int overflowCount;
    /** Sequences of overflowed items: unique, above any ring position. */
    private final AtomicLong overflowSequence = new AtomicLong(1L << 62);

    RingStageQueue(StageQueue.Host host, OverflowDecision overflow, int capacity, int maxBatch, boolean adaptive) {
        this(host, overflow, capacity, maxBatch, adaptive, false, false);
    }

    /**
     * @param unordered the stage keeps no order (a reorder window follows ring positions one per item, so an ordered
     *                  stage's ring holds single envelopes)
     * @param shared SharedQueue dispatch ({@code maxBatch} 1): takes grow with the backlog, see {@link #SHARED_TAKE}
     */
    RingStageQueue(StageQueue.Host host, OverflowDecision overflow, int capacity, int maxBatch, boolean adaptive, boolean unordered,
                   boolean shared) {
        if (shared && (maxBatch != 1 || adaptive))
            throw new IllegalArgumentException("shared: with batch " + maxBatch + (adaptive ? " adaptive" : "") + " (expected: batch 1, not adaptive)");
        this.shared = shared;
        this.host = host;
        this.overflow = overflow;
        // run slots: where workers take runs (Batched), a run producer waits for room (offerAll) and positions are
        // not item sequences (unordered)
        this.ring = new Ring(capacity, maxBatch > 1 && unordered && overflow.blocks() ? maxBatch : 1);
        this.maxBatch = maxBatch;
        this.adaptive = adaptive;
        this.shedsEarly = overflow.mayShedEarly();
        this.refill = Math.max(1, capacity / 2);
    }

    @Override public LongSupplier positions() { return ring::tail; }

    @Override public boolean acceptsRuns() { return overflow.blocks(); }

    // ------------------------------------------------------------------ offering

    @Override
    public void offer(Envelope e, boolean external, boolean reentry) throws InterruptedException {
        ReorderBuffer reorder = host.reorder();
        boolean ordered = reorder != null;
        if (host.timed()) e.enqueuedAt = host.now();
        while (true) {
            host.count(external, 1);
            if (host.closed() || (external && host.externalClosed())) {
                host.count(external, -1);
                host.refused(e, external);
                return;
            }
            if (shedsEarly && overflow.shedEarly(ring.size(), ring.capacity, reentry, host)) { // no read of the takers' head line per offer otherwise
                host.end(e, Outcome.SHED);
                return;
            }
            long limit = ordered ? reorder.limit() : Long.MAX_VALUE;
            if (ring.offer(e, limit)) {
                afterClaim();
                host.admitted(e);
                return;
            }
            if (reentry && !ordered) {
                e.sequence = overflowSequence.getAndIncrement();
                lock.lock();
                try {
                    overflowed.addLast(e);
                    overflowCount = overflowed.size();
                } finally {
                    lock.unlock();
                }
                break;
            }
            host.count(external, -1);
            boolean windowFull = ordered && ring.tail() >= limit;
            if (windowFull || overflow.whenFull == OverflowDecision.WhenFull.WAIT || reentry) {
                try {
                    if (windowFull) awaitWindow(reorder, external);
                    else awaitRoom(external);
                } catch (InterruptedException ie) {
                    if (external) throw ie; // not admitted
                    Thread.currentThread().interrupt(); // an internal hand-off interrupted while waiting: cancelled
                    host.count(false, 1);
                    host.end(e, Outcome.CANCELLED);
                    return;
                }
            } else if (overflow.whenFull == OverflowDecision.WhenFull.DROP_OLDEST) {
                Envelope victim = ring.pollOne();
                if (victim != null) {
                    if (ordered) reorder.skip(victim.sequence, host.inOrder());
                    host.end(victim, Outcome.SHED);
                }
            } else { // the arriving item is shed
                host.count(external, 1);
                host.end(e, Outcome.SHED);
                return;
            }
        }
        afterPublish();
        host.admitted(e);
    }

    @Override
    public int offerAll(Envelope[] arr) throws InterruptedException {
        ReorderBuffer reorder = host.reorder();
        boolean ordered = reorder != null;
        int i = 0;
        int woke = 0; // items [woke, i) published since the last afterPublish
        while (i < arr.length) {
            int want = arr.length - i;
            if (ring.runs) want = Math.min(want, runSize(want)); // one slot per run
            host.count(true, want);
            if (host.closed() || host.externalClosed()) {
                host.count(true, -want);
                break;
            }
            if (host.timed()) {
                long now = host.now(); // one clock read per run, none when nothing uses it
                for (int j = i; j < i + want; j++) arr[j].enqueuedAt = now;
            }
            long limit = ordered ? reorder.limit() : Long.MAX_VALUE;
            int k = ring.offer(arr, i, want, limit);
            if (k < want) host.count(true, k - want);
            if (k > 0) {
                host.admitted(arr, i, i + k);
                i += k;
                continue;
            }
            if (i > woke) { // wake takers for what is in before waiting for room
                afterPublish();
                woke = i;
            }
            if (ordered && ring.tail() >= limit) awaitWindow(reorder, true);
            else awaitRoom(true);
        }
        // one wake-up check per call, not per run: a producer that publishes several runs in a row while a woken
        // taker already runs would otherwise wake another taker per run (a wake-up storm at width 16, found by the
        // contract suite's wake-up count)
        if (i > woke) afterPublish();
        return i;
    }

    @Override public boolean acceptsRawRuns() { return ring.runs; }

    @Override
    public int offerAllRaw(Object[] arr, String exit) throws InterruptedException {
        if (!ring.runs) throw new IllegalStateException("offerAllRaw: a ring of single envelopes (expected: run mode)");
        int i = 0;
        int woke = 0; // items [woke, i) published since the last afterPublish
        while (i < arr.length) {
            int want = Math.min(arr.length - i, runSize(arr.length - i));
            host.count(true, want);
            if (host.closed() || host.externalClosed()) {
                host.count(true, -want);
                break;
            }
            int k = ring.offerRaw(arr, i, want, exit);
            if (k < want) host.count(true, k - want);
            if (k > 0) {
                i += k;
                continue;
            }
            if (i > woke) {
                afterPublish();
                woke = i;
            }
            awaitRoom(true);
        }
        if (i > woke) afterPublish(); // one wake-up check per call (see offerAll)
        return i;
    }

    /**
     * After a claim of one ring slot by {@link Ring#offer(Envelope, long)} (its tail CAS, a volatile write, then the
     * publish): wakes parked workers if any, and ends what a cancel that raced with this offer missed. No fence: the
     * tail CAS comes before the reads of the sleepers' count and of {@code closed} (all volatile, so in one total
     * order), and a sleeper, a passer-on and the cancel's drain all look at {@code tail} ({@link Ring#size}), not at
     * the slot's publication: whoever the producer did not see sees the claim, and waits the few instructions until
     * its publication if it must (see the class notes, "Claims seen, not publications").
     */
    private void afterClaim() {
        if (sleeping.count() > 0) wakeWorkers();
        if (host.closed()) {
            List<Envelope> swept = new ArrayList<>();
            drain(swept);
            for (Envelope x : swept) host.end(x, Outcome.CANCELLED);
        }
    }

    /** After a publish: wakes parked workers if any, and ends what a cancel that raced with this offer missed. */
    private void afterPublish() {
        VarHandle.fullFence(); // publish before reading the sleepers' count (a sleeper counts itself, then reads the ring)
        if (sleeping.count() > 0) wakeWorkers();
        if (host.closed()) {
            List<Envelope> swept = new ArrayList<>();
            drain(swept);
            for (Envelope x : swept) host.end(x, Outcome.CANCELLED);
        }
    }

    /**
     * Wakes one parked worker unless one is already on its way (woken and not yet taking, or spinning): that one
     * takes a run and, if items remain, passes the wake-up on ({@link #passOn}). See the class notes.
     */
    private void wakeWorkers() {
        if (onTheWay()) return;
        if (sleeping.wakeOne()) woken.incrementAndGet();
    }

    /**
     * After a successful take (the caller fenced): items remain, workers sleep and nobody is on the way to them, so
     * this taker wakes one. A chain of wake-ups that stops by itself once the awake workers keep up: a woken worker
     * that finds the ring empty passes nothing on.
     */
    private void passOn() {
        // sleepers first: the count's line is written only when a worker parks or is woken, while the ring's head
        // slot is the producers' (a read of it per take missed in this taker's cache)
        if (sleeping.count() > 0 && (ring.size() > 0 || overflowCount > 0) && !onTheWay() && sleeping.wakeOne())
            woken.incrementAndGet();
    }

    /**
     * Whether a worker is on its way to the ring: woken and not yet running, or spinning. {@code woken} is raised by
     * the waker after its claim and lowered by the woken worker as soon as it runs, so it is -1 for a moment when the
     * woken one runs first; read as 0 then (a taker that compared it with 0 saw -1 as "someone on the way" and
     * passed nothing on: a stall found by StartPoliciesTest, width 8 with items blocking at a gate).
     */
    private boolean onTheWay() {
        return Math.max(0, woken.get()) + spinners.get() > 0;
    }

    /**
     * Run mode: the items a producer puts in one slot: the batch size, or adaptive, about what each worker would take
     * once these are queued ({@code (queued + offered) / width}), so that a run of a few items still reaches every
     * idle worker (a run is taken whole).
     */
    private int runSize(int offered) {
        if (!adaptive) return maxBatch;
        return Math.min(maxBatch, Math.max(1, (ring.size() + offered) / Math.max(1, host.width())));
    }

    /** The length a taker's hand should have: every take fits in it. */
    int handSize() { return shared ? SHARED_TAKE : Math.max(1, maxBatch); }

    /** SharedQueue: a lone worker takes what is published (up to its hand), otherwise one item (see {@link #SHARED_TAKE}). */
    private int sharedTake(int hand) {
        return host.width() <= 1 ? hand : 1;
    }

    private int perTake(int size) {
        return adaptive ? Math.min(maxBatch, Math.max(1, size / Math.max(1, host.width()))) : maxBatch;
    }

    /**
     * Blocks until the ring may have room (spurious returns allowed): spins first, then parks. Waits for the ring
     * only, never for the reorder window: a producer that parked here with the window as its limit would wait for
     * workers that have nothing left to take (the window is the emitter's to free, see {@link #awaitWindow}).
     */
    private void awaitRoom(boolean external) throws InterruptedException {
        if (SpinThenPark.spin(() -> ring.hasRoom(Long.MAX_VALUE) || host.closed())) return;
        lock.lockInterruptibly();
        try {
            blockedProducers++;
            try {
                VarHandle.fullFence();
                if (!ring.hasRoom(Long.MAX_VALUE) && !host.closed() && !(external && host.externalClosed())) notFull.await();
            } finally {
                blockedProducers--;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ordered stages: blocks until the reorder window may have room (spurious returns allowed). Spins first, as
     * {@link #awaitRoom} does: the emitter frees the window run by run within microseconds, and a producer that
     * parked at once cost a futex wake-up per half window on each side while the workers ran dry and parked too
     * (about a third of the CPU time of an ordered stage at work ~0, profiled).
     */
    private void awaitWindow(ReorderBuffer reorder, boolean external) throws InterruptedException {
        if (SpinThenPark.spin(() -> ring.tail() < reorder.limit() || host.closed())) return;
        reorder.awaitRoom(() -> ring.tail() < reorder.limit() || host.closed(), external);
    }

    // ------------------------------------------------------------------ taking

    @Override
    public int take(StageQueue.Taker w) throws InterruptedException {
        Envelope[] hand = w.hand();
        boolean spun = false;
        int unpublished = 0;
        while (true) {
            if (host.closed()) return 0;
            if (w.retired()) {
                handOver();
                return 0;
            }
            int k = overflowCount > 0 ? pollOverflow(hand) : 0;
            if (k == 0) k = ring.poll(hand, adaptive ? perTake(ring.size()) : shared ? sharedTake(hand.length) : maxBatch, w.rawHand());
            if (k > 0) {
                VarHandle.fullFence(); // slots freed before reading blockedProducers (a producer writes it, then reads the ring)
                if (blockedProducers > 0 && ring.capacity - ring.size() >= refill) {
                    lock.lock();
                    try {
                        notFull.signalAll();
                    } finally {
                        lock.unlock();
                    }
                }
                passOn();
                return k;
            }
            if (host.stopWhenEmpty()) return 0;
            if (ring.size() > 0) { // a slot claimed and not yet published (a few instructions): no sleep for that
                awaitPublication(++unpublished);
                continue;
            }
            w.idle();
            if (!spun && spinners.compareAndSet(0, 1)) { // at most one spinner per stage
                spun = true;
                try {
                    SpinThenPark.spin(() -> !ring.isEmpty() || overflowCount > 0 || host.closed() || w.retired() || host.stopWhenEmpty());
                } finally {
                    spinners.set(0);
                }
                continue;
            }
            if (sleeping.await(w.sleeper(), () -> ring.size() == 0 && overflowCount == 0 && !host.closed() && !w.retired() && !host.stopWhenEmpty()))
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
        if ((ring.size() > 0 || overflowCount > 0) && sleeping.count() > 0) wakeWorkers();
    }

    /**
     * One round of waiting for a claimed slot's publication: spin hints, then yields. Its producer is a few
     * instructions from the release store, unless it was preempted right there: on an oversubscribed machine a
     * spinner would then hold a core the producer needs for a whole time slice, so after {@link SpinThenPark#SPINS}
     * rounds the waiter yields.
     */
    private static void awaitPublication(int round) {
        if (round <= SpinThenPark.SPINS) Thread.onSpinWait();
        else Thread.yield();
    }

    private int pollOverflow(Envelope[] hand) {
        lock.lock();
        try {
            int k = 0;
            while (k < hand.length && !overflowed.isEmpty()) HAND.setRelease(hand, k++, overflowed.pollFirst());
            overflowCount = overflowed.size();
            return k;
        } finally {
            lock.unlock();
        }
    }

    @Override public void finished(StageQueue.Taker t) {}

    // ------------------------------------------------------------------ stage-wide

    @Override
    public void drain(List<Envelope> out) {
        // up to the claims seen: a slot claimed by an offer that did not see the close is taken once it is published
        // (an offer publishes within a few instructions of its claim; see afterClaim); runs come out expanded
        for (int unpublished = 0; ; ) {
            ring.drainTo(out);
            if (ring.size() == 0) break;
            awaitPublication(++unpublished);
        }
        lock.lock();
        try {
            out.addAll(overflowed);
            overflowed.clear();
            overflowCount = 0;
        } finally {
            lock.unlock();
        }
    }

    @Override public int depth() { return ring.size() + overflowCount; }

    /** Workers parked now, and wake-ups made so far (tests). */
    int sleepingNow() { return sleeping.count(); }
    long wakeUps() { return sleeping.wakeUps(); }

    @Override
    public void wakeAll() {
        // those asleep now (each re-reads the flags and may sleep again: waking until none is left would never end)
        woken.addAndGet(sleeping.wakeAll());
        lock.lock();
        try {
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override public void beginResize() {}

    @Override public void resize(int width) {} // one ring for every width: a retiring worker hands its wake-up over

    @Override public void endResize() {}
}
