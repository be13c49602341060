package io.fanlab.engine.internal;

import io.fanlab.engine.Outcome;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The input of a Sharded, WorkStealing or per-key stage: one {@link Shard} per worker (an ArrayDeque with its own
 * ReentrantLock and notEmpty/notFull conditions); capacity is split across shards ({@code max(1, capacity / shards)}
 * each).
 *
 * <p>Implementation notes.
 * <ul>
 *   <li><b>Placement.</b> Producers pick a shard round-robin, or by key (per-key stages: all items of a key go to one
 *       shard, so one worker at a time holds them, in order). Under WAIT, an item free to go to any shard (no key)
 *       that finds its shard full goes to another shard with room (each tried once with {@code tryLock}, never
 *       blocking while a shard lock is held); when none has room the producer waits on its shard at most 1 ms at a
 *       time and tries the others again, so it never waits long on one full shard while another has room.</li>
 *   <li><b>Spinning.</b> A worker with an empty shard (not stealing) may spin briefly ({@link SpinThenPark}; one
 *       spinner per stage) with its shard's {@code spinning} flag set under the lock; an offer then sets the
 *       shard's {@code hint} instead of signalling.</li>
 *   <li><b>Stealing wake-ups.</b> A stealing worker with an empty shard steals about half of another shard
 *       (tryLock, oldest first). Before it waits it sets its shard's {@code waiting} flag, then reads the stage-wide
 *       {@code queued} count; a producer increments {@code queued}, then looks for a waiting worker to signal when it
 *       put the item on a busy worker's shard (Dekker on volatiles: one of the two sees the other). A waiting worker
 *       that saw {@code queued > 0} but could not steal waits at most 1 ms before retrying. Every flag that ends a
 *       wait (closed, retired, drain) is re-read under the shard lock right before waiting, since the worker held no
 *       lock while it tried to steal (a wake-up sent then would be lost).</li>
 *   <li><b>Resharding.</b> On a width change every old shard is locked, its items move (in order) to a new
 *       {@link Queues}, which is published before the old one is marked retired and its waiters woken; a thread
 *       holding a retired shard retries on the new one. Per-key queues first quiesce ({@link #beginResize}: takers
 *       stop taking, runs in service finish) so that two workers never hold items of one key; producers keep
 *       enqueueing meanwhile.</li>
 * </ul>
 */
final class ShardedStageQueue implements StageQueue {
    private static final VarHandle HAND = MethodHandles.arrayElementVarHandle(Envelope[].class);

    private final StageQueue.Host host;
    private final OverflowDecision overflow;
    private final int capacity;
    private final int maxBatch;
    private final boolean adaptive;
    private final boolean perKey;
    private final boolean stealing;
    private volatile Queues queues;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicInteger roundRobin = new AtomicInteger();
    /** Stealing: items queued on every shard (the Dekker partner of a shard's {@code waiting} flag). */
    private final AtomicInteger queued = new AtomicInteger();
    /** Per-key: runs taken and not yet finished (a width change waits for 0). */
    private final AtomicInteger busy = new AtomicInteger();
    /** Workers spinning for work (0 or 1). */
    private final AtomicInteger spinners = new AtomicInteger();
    /** Per-key width change in progress: takers do not take. */
    private volatile boolean paused;

    ShardedStageQueue(StageQueue.Host host, OverflowDecision overflow, int capacity, int width, int maxBatch,
                      boolean adaptive, boolean perKey, boolean stealing) {
        this.host = host;
        this.overflow = overflow;
        this.capacity = capacity;
        this.maxBatch = maxBatch;
        this.adaptive = adaptive;
        this.perKey = perKey;
        this.stealing = stealing;
        this.queues = new Queues(width, capacity);
    }

    @Override public LongSupplier positions() { return null; }

    @Override public boolean acceptsRuns() { return false; }

    @Override
    public int offerAll(Envelope[] es) {
        throw new UnsupportedOperationException("a sharded queue takes items one by one (acceptsRuns() is false)");
    }

    // ------------------------------------------------------------------ offering

    @Override
    public void offer(Envelope e, boolean external, boolean reentry) throws InterruptedException {
        ReorderBuffer reorder = host.reorder();
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
                host.refused(e, external);
                return;
            }
        } else {
            seq = sequence.getAndIncrement();
        }
        e.sequence = seq;
        if (host.timed()) e.enqueuedAt = host.now();
        Envelope victim = null;
        boolean accepted = false;
        boolean refused = false;
        int shardIndex;
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
                    if (host.closed() || (external && host.externalClosed())) { refused = true; break outer; }
                    int size = s.q.size();
                    if (size >= s.cap && !reentry) { // full (a loop's re-entry is admitted over capacity)
                        if (overflow.whenFull == OverflowDecision.WhenFull.WAIT) {
                            boolean placed = n > 1 && !(perKey && e.key >= 0); // may go to any shard
                            if (placed) {
                                int alt = offerElsewhere(qs, shardIndex, e, external);
                                if (alt == CLOSED) { refused = true; break outer; }
                                if (alt >= 0) {
                                    shardIndex = alt;
                                    accepted = true;
                                    break outer;
                                }
                            }
                            try {
                                // a producer free to use any shard re-checks the others every 1 ms: it never waits
                                // long on one full shard while another has room (their takers do not signal here)
                                if (placed) s.awaitNotFull(TimeUnit.MILLISECONDS.toNanos(1));
                                else s.awaitNotFull();
                            } catch (InterruptedException ie) {
                                if (external) throw ie;
                                Thread.currentThread().interrupt();
                                refused = true;
                                break outer;
                            }
                            continue;
                        }
                        if (overflow.whenFull == OverflowDecision.WhenFull.DROP_OLDEST) victim = s.q.pollFirst();
                        else break outer; // the arriving item is shed
                    } else if (overflow.shedEarly(size, s.cap, reentry, host)) {
                        break outer;
                    }
                    s.q.addLast(e);
                    host.count(external, 1);
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
            if (reorder != null) reorder.skip(seq, host.inOrder());
            host.refused(e, external);
            return;
        }
        if (!accepted) { // shed at admission (the arriving item)
            host.count(external, 1);
            if (reorder != null) reorder.skip(seq, host.inOrder());
            host.end(e, Outcome.SHED);
            return;
        }
        host.admitted(e);
        if (victim != null) {
            if (stealing) queued.decrementAndGet();
            if (reorder != null) reorder.skip(victim.sequence, host.inOrder());
            host.end(victim, Outcome.SHED);
        }
        if (stealing) wakeThief(shardIndex);
    }

    /** {@link #offerElsewhere}: the stage closed meanwhile, the item is refused. */
    private static final int CLOSED = -2;

    /**
     * Under the lock of the full shard {@code full}: adds {@code e} to another shard of {@code qs} that has room,
     * trying each once with {@code tryLock} (never blocking while holding a shard lock: no lock-order deadlock).
     * Re-checks {@code closed} under the other shard's lock, as every add does: a cancel's {@link #drain} may have
     * passed that shard already while this producer held {@code full}, and an item added behind it would be
     * stranded (never taken, never ended: found by RandomPipelinePropertiesTest, about 1 run in 3,000 of a
     * cancelled sharded stage behind an ordered one).
     * @return the shard it went to, -1 when none had room or was free to lock, {@link #CLOSED} when the stage closed
     */
    private int offerElsewhere(Queues qs, int full, Envelope e, boolean external) {
        Shard[] shards = qs.shards;
        for (int d = 1; d < shards.length; d++) {
            int i = (full + d) % shards.length;
            Shard o = shards[i];
            if (!o.lock.tryLock()) continue;
            try {
                if (host.closed() || (external && host.externalClosed())) return CLOSED;
                if (o.q.size() >= o.cap) continue;
                host.count(external, 1); // before any taker can see it (see the StageQueue contract)
                o.q.addLast(e);
                if (stealing) queued.incrementAndGet();
                o.added(1, perTake(o.q.size()));
                return i;
            } finally {
                o.lock.unlock();
            }
        }
        return -1;
    }

    private void wakeThief(int target) {
        Shard[] shards = queues.shards;
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

    /**
     * How many items one take removes from a shard holding {@code size}: fixed batches up to {@code maxBatch},
     * adaptive ones about {@code size / width}. Producers use the same rule to decide how many waiting workers an
     * offer feeds, so they never wake fewer than will be needed.
     */
    private int perTake(int size) {
        return adaptive ? Math.min(maxBatch, Math.max(1, size / Math.max(1, host.width()))) : maxBatch;
    }

    // ------------------------------------------------------------------ taking

    @Override
    public int take(StageQueue.Taker w) throws InterruptedException {
        Envelope[] hand = w.hand();
        boolean spun = false; // a worker spins at most once per take before it waits
        outer:
        while (true) {
            if (w.retired()) return 0;
            Queues qs = queues;
            int idx = w.index();
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
                    if (host.closed() || w.retired()) return 0;
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
                        if (host.stopWhenEmpty()) return 0;
                        w.idle();
                        if (stealing) { trySteal = true; break; }
                        if (!spun && spinners.compareAndSet(0, 1)) { // at most one spinner per stage
                            spun = true;
                            own.spinning = true; // under the lock: every later offer sees it and sets the hint
                            own.hint = false;
                            spin = true;
                            break;
                        }
                    }
                    w.idle();
                    own.awaitNotEmpty();
                }
            } finally {
                own.lock.unlock();
            }
            if (spin) {
                try {
                    SpinThenPark.spin(() -> own.hint || host.closed() || w.retired() || host.stopWhenEmpty() || paused || qs.retired);
                } finally {
                    own.spinning = false;
                    spinners.set(0);
                }
                continue;
            }
            if (!trySteal) continue;
            // work stealing: own shard empty
            int got = steal(qs, idx, hand);
            if (got > 0) return got;
            own.lock.lockInterruptibly();
            try {
                if (qs.retired || host.closed() || w.retired() || !own.q.isEmpty()) continue;
                // the drain flag may have been set (and its wake-up signalled) while this worker held no lock:
                // re-check it under the lock before waiting, or the wake-up is lost and close waits its deadline
                if (host.stopWhenEmpty()) return 0;
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

    @Override
    public void finished(StageQueue.Taker t) {
        if (perKey) busy.decrementAndGet();
    }

    // ------------------------------------------------------------------ stage-wide

    @Override
    public void drain(List<Envelope> out) {
        for (Shard s : queues.shards) {
            s.lock.lock();
            try {
                for (Envelope e; (e = s.q.pollFirst()) != null; ) out.add(e);
                s.took();
            } finally {
                s.lock.unlock();
            }
        }
        queued.set(0);
    }

    @Override
    public int depth() {
        int depth = 0;
        for (Shard s : queues.shards) {
            s.lock.lock();
            try {
                depth += s.q.size();
            } finally {
                s.lock.unlock();
            }
        }
        return depth;
    }

    @Override
    public void wakeAll() {
        for (Shard s : queues.shards) {
            s.lock.lock();
            try {
                s.notEmpty.signalAll();
                s.notFull.signalAll();
            } finally {
                s.lock.unlock();
            }
        }
    }

    /** Per-key only: stop takers taking and wait until no run is in service. Polls: a rare admin operation. */
    @Override
    public void beginResize() {
        if (!perKey) return;
        paused = true;
        for (Shard s : queues.shards) { s.lock.lock(); s.lock.unlock(); } // barrier: later takes see paused
        while (busy.get() > 0 && !host.closed()) LockSupport.parkNanos(200_000);
    }

    @Override
    public void resize(int shardCount) {
        Queues old = queues;
        for (Shard s : old.shards) s.lock.lock();
        try {
            Queues fresh = new Queues(shardCount, capacity);
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

    @Override
    public void endResize() {
        if (!perKey) return;
        paused = false;
        wakeAll();
    }

    // ------------------------------------------------------------------ parts

    /** The shards of one layout; replaced as a whole when the queue reshards. */
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

        void awaitNotFull(long nanos) throws InterruptedException {
            producers++;
            try {
                notFull.awaitNanos(nanos);
            } finally {
                producers--;
            }
        }
    }
}
