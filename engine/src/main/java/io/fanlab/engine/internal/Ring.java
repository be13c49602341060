package io.fanlab.engine.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded lock-free multi-producer multi-consumer ring of envelopes with batch claims (after Dmitry Vyukov's
 * bounded MPMC queue): each slot carries a sequence number that says whose turn it is, producers claim runs of free
 * slots with one CAS on {@code tail}, consumers claim runs of published slots with one CAS on {@code head}.
 *
 * <p>Contract: FIFO by position; every published envelope is returned by exactly one {@link #poll}; an envelope's
 * {@code sequence} is set to its ring position before it is published (positions are unique and increasing). At
 * most {@code capacity} envelopes are held (the array is the next power of two; the logical capacity is enforced on
 * claims). Never blocks: a full or empty ring returns 0 and the caller decides how to wait (see {@link RingStageQueue}).
 *
 * <p>Memory ordering: a slot's sequence is written with release after its element (publish) and read with acquire
 * before its element; the caller adds the full fence its wake-up protocol needs ({@link VarHandle#fullFence()}).
 */
final class Ring {
    private static final VarHandle SEQ = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle BUF = MethodHandles.arrayElementVarHandle(Envelope[].class);
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle HEAD_SEEN;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(Ring.class, "head", long.class);
            HEAD_SEEN = l.findVarHandle(Ring.class, "headSeen", long.class);
            TAIL = l.findVarHandle(Ring.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Envelope[] buf;
    private final long[] seq;
    private final int mask;
    final int capacity;

    // head and tail on their own cache lines: producers write one, consumers the other
    @SuppressWarnings("unused") private long p01, p02, p03, p04, p05, p06, p07;
    private volatile long head;
    @SuppressWarnings("unused") private long p11, p12, p13, p14, p15, p16, p17;
    private volatile long tail;
    /**
     * Producers' last read of {@code head} (opaque): never ahead of it, so a stale value only makes a claim more
     * cautious; re-read when it says full. Spares the producer a cache miss on the consumers' line per offer.
     */
    private long headSeen;
    @SuppressWarnings("unused") private long p21, p22, p23, p24, p25, p26, p27;

    Ring(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        int n = Integer.highestOneBit(Math.max(2, capacity));
        if (n < capacity) n <<= 1;
        this.capacity = capacity;
        this.buf = new Envelope[n];
        this.seq = new long[n];
        this.mask = n - 1;
        for (int i = 0; i < n; i++) seq[i] = i;
    }

    /**
     * Adds one envelope unless the ring is full or its position would reach {@code limit}.
     * @param limit positions must stay below it (an ordered stage's reorder window); {@code Long.MAX_VALUE} for none
     * @return whether it was added (its {@code sequence} is its position)
     */
    boolean offer(Envelope e, long limit) {
        while (true) {
            long t = tail;
            if (t >= limit || (t - headSeen() >= capacity && t - refreshHead() >= capacity)) return false;
            int i = (int) t & mask;
            long s = (long) SEQ.getAcquire(seq, i);
            if (s != t) {
                // the slot's previous occupant is still being read: full only if head says so, else its reader is
                // between its claim and the slot's release (a few instructions): retry (a "full" here shed items
                // of a logically empty ring; found by RingLincheckTest)
                if (s < t && t - refreshHead() >= capacity) return false;
                if (s < t) Thread.onSpinWait();
                continue;                 // or another producer took t
            }
            if (TAIL.weakCompareAndSet(this, t, t + 1)) {
                e.sequence = t;
                BUF.set(buf, i, e);
                SEQ.setRelease(seq, i, t + 1);
                return true;
            }
        }
    }

    /**
     * Adds up to {@code n} envelopes from {@code src[from..]} in one claim, as many as there is room for.
     * @return how many were added (0 when full or at {@code limit}); they are {@code src[from..from+k)}, in order
     */
    int offer(Envelope[] src, int from, int n, long limit) {
        while (true) {
            long t = tail;
            long room = Math.min(capacity - (t - headSeen()), limit - t);
            if (room < n && limit - t > 0) room = Math.min(capacity - (t - refreshHead()), limit - t);
            if (room <= 0) return 0;
            int k = (int) Math.min(n, room);
            // every slot of the run must be free in this lap; a slot still being read ends the run there
            for (int j = 0; j < k; j++) {
                if ((long) SEQ.getAcquire(seq, (int) (t + j) & mask) != t + j) {
                    k = j;
                    break;
                }
            }
            if (k == 0) {
                if ((long) SEQ.getAcquire(seq, (int) t & mask) < t) {
                    if (t - refreshHead() >= capacity) return 0; // full
                    Thread.onSpinWait(); // its previous occupant's reader is releasing it (see offer)
                }
                continue; // or another producer moved tail
            }
            if (TAIL.compareAndSet(this, t, t + k)) {
                for (int j = 0; j < k; j++) {
                    Envelope e = src[from + j];
                    e.sequence = t + j;
                    BUF.set(buf, (int) (t + j) & mask, e);
                }
                for (int j = 0; j < k; j++) SEQ.setRelease(seq, (int) (t + j) & mask, t + j + 1);
                return k;
            }
        }
    }

    /**
     * Takes up to {@code max} envelopes (a run of published ones at the head) into {@code dst[0..)} with release
     * stores (the array may be read by another thread that claims from it).
     * @return how many were taken, 0 when the head is not published yet
     */
    int poll(Envelope[] dst, int max) {
        while (true) {
            long h = head;
            int k = 0;
            while (k < max && (long) SEQ.getAcquire(seq, (int) (h + k) & mask) == h + k + 1) k++;
            if (k == 0) {
                if (h == head) return 0;
                continue;
            }
            if (HEAD.compareAndSet(this, h, h + k)) {
                for (int j = 0; j < k; j++) {
                    int i = (int) (h + j) & mask;
                    Envelope e = (Envelope) BUF.get(buf, i);
                    BUF.set(buf, i, null);
                    SEQ.setRelease(seq, i, h + j + mask + 1);
                    BUF.setRelease(dst, j, e);
                }
                return k;
            }
        }
    }

    private long headSeen() { return (long) HEAD_SEEN.getOpaque(this); }

    private long refreshHead() {
        long h = head;
        HEAD_SEEN.setOpaque(this, h);
        return h;
    }

    /** Takes the envelope at the head, or null when none is published. */
    Envelope pollOne() {
        Envelope[] one = new Envelope[1];
        return poll(one, 1) == 1 ? one[0] : null;
    }

    /** Whether no published envelope waits at the head (a racy snapshot; acquire read). */
    boolean isEmpty() {
        long h = head;
        return (long) SEQ.getAcquire(seq, (int) h & mask) != h + 1;
    }

    /** Envelopes claimed by producers and not yet taken (a snapshot, 0..capacity). */
    int size() {
        long h = head;
        long t = tail;
        return (int) Math.max(0, Math.min(capacity, t - h));
    }

    /** Whether an offer bounded by {@code limit} could succeed now (a racy snapshot; a producer re-checks it before it parks). */
    boolean hasRoom(long limit) {
        long t = tail;
        return t - head < capacity && t < limit && (long) SEQ.getAcquire(seq, (int) t & mask) == t;
    }

    /** The next position a producer will claim. */
    long tail() { return tail; }
}
