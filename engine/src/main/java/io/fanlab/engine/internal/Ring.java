package io.fanlab.engine.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded lock-free multi-producer multi-consumer ring of envelopes with batch claims (after Dmitry Vyukov's
 * bounded MPMC queue): each slot carries a sequence number that says whose turn it is, producers claim runs of free
 * slots with one CAS on {@code tail}, consumers claim runs of published slots with one CAS on {@code head}.
 *
 * <p>Contract: FIFO by position; every published envelope is returned by exactly one {@link #poll}; an envelope's
 * {@code sequence} is set before it is published (unique, and increasing with its position: its ring position, or
 * in run mode {@code position * maxRun + index in its run}). At most {@code capacity} envelopes are held (the array
 * is the next power of two; the logical capacity is enforced on claims). Never blocks: a full or empty ring returns
 * 0 and the caller decides how to wait (see {@link RingStageQueue}).
 *
 * <p><b>Run mode</b> ({@code maxRun > 1}). A slot holds either one envelope or a {@link Run} of up to {@code maxRun}
 * envelopes, which {@link #offerRun} publishes in ONE slot and {@link #poll} hands over whole, so a batch costs the
 * ring one slot write, one publish and one slot release instead of one per item. The bound stays in items: a
 * producer first reserves room for its items on {@code items} (one CAS per offer, never above {@code capacity}), then
 * claims a slot; a taker gives the room back (one add per take) after it released its slots. A reservation always
 * finds a slot within one lap: every slot claimed and not yet taken holds at least one reserved item, so fewer than
 * {@code capacity} slots are ahead of it (the slot it gets may still be in its previous reader's release, a few
 * instructions: it spins). {@link #size} and {@link #hasRoom} count items; the {@code limit} of an ordered stage's
 * reorder window does not apply (run mode is for unordered stages only; positions are not item sequences).
 *
 * <p>Memory ordering: a slot's sequence is written with release after its element (publish) and read with acquire
 * before its element; the caller adds the full fence its wake-up protocol needs ({@link VarHandle#fullFence()}).
 */
final class Ring {
    private static final VarHandle SEQ = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle BUF = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final VarHandle DST = MethodHandles.arrayElementVarHandle(Envelope[].class);
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle HEAD_SEEN;
    private static final VarHandle ITEMS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(Ring.class, "head", long.class);
            HEAD_SEEN = l.findVarHandle(Ring.class, "headSeen", long.class);
            TAIL = l.findVarHandle(Ring.class, "tail", long.class);
            ITEMS = l.findVarHandle(Ring.class, "items", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Envelopes, and in run mode {@link Run}s. */
    private final Object[] buf;
    private final long[] seq;
    private final int mask;
    final int capacity;
    /** The most envelopes one slot holds: 1, or in run mode ({@code > 1}) the largest {@link Run}. */
    final int maxRun;
    /** Run mode: {@code maxRun > 1}. */
    final boolean runs;

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
    /**
     * Run mode only: items reserved by producers and not yet given back by takers, in [0, capacity]. Written by both
     * sides once per offer or take; on its own line (a shared line with {@code tail} or {@code head} would make each
     * side's CAS miss).
     */
    private volatile long items;
    @SuppressWarnings("unused") private long p31, p32, p33, p34, p35, p36, p37;

    /** A ring of single envelopes. */
    Ring(int capacity) {
        this(capacity, 1);
    }

    /**
     * @param maxRun the most envelopes a slot holds; {@code > 1} turns on run mode (see the class notes), and a
     *               taker's array must then hold at least {@code maxRun}
     */
    Ring(int capacity, int maxRun) {
        if (capacity < 1) throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        if (maxRun < 1) throw new IllegalArgumentException("maxRun: " + maxRun + " (expected: >= 1)");
        int n = Integer.highestOneBit(Math.max(2, capacity));
        if (n < capacity) n <<= 1;
        this.capacity = capacity;
        this.maxRun = maxRun;
        this.runs = maxRun > 1;
        this.buf = new Object[n];
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
        if (runs) {
            if (reserve(1) == 0) return false;
            long t = claimSlot();
            e.sequence = t * maxRun;
            BUF.set(buf, (int) t & mask, e);
            SEQ.setRelease(seq, (int) t & mask, t + 1);
            return true;
        }
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
        if (runs) return offerRun(src, from, Math.min(n, maxRun));
        while (true) {
            long t = tail;
            long room = Math.min(capacity - (t - headSeen()), limit - t);
            if (room < n && limit - t > 0) room = Math.min(capacity - (t - refreshHead()), limit - t);
            if (room <= 0) return 0;
            int k = (int) Math.min(n, room);
            // every slot of the run must be free in this lap. A slot whose previous occupant is still being read
            // ends the run there only if head says the ring is full at that slot; otherwise its reader is between
            // its claim and the slot's release (a few instructions) and the whole run is retried: cutting it there
            // accepted fewer items than a logically empty ring has room for (the rest shed under SHED policies;
            // found by RingLincheckTest.stressLong, as offer's case was)
            boolean releasing = false;
            for (int j = 0; j < k; j++) {
                long s = (long) SEQ.getAcquire(seq, (int) (t + j) & mask);
                if (s != t + j) {
                    releasing = s < t + j && t + j - refreshHead() < capacity;
                    k = j;
                    break;
                }
            }
            if (releasing) {
                Thread.onSpinWait();
                continue;
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
     * Run mode: adds up to {@code min(n, maxRun)} envelopes from {@code src[from..]} as ONE slot holding them (a
     * {@link Run} of a copy: the caller may reuse {@code src}; one envelope goes alone), as many as there is room for
     * in items. Their sequences are {@code position * maxRun + j}.
     * @return how many were added (0 when full); they are {@code src[from..from+k)}, in order
     */
    int offerRun(Envelope[] src, int from, int n) {
        if (!runs) throw new IllegalStateException("offerRun: a ring of single envelopes (expected: maxRun > 1)");
        int k = reserve(Math.min(n, maxRun));
        if (k == 0) return 0;
        long t = claimSlot();
        long base = t * maxRun;
        for (int j = 0; j < k; j++) src[from + j].sequence = base + j;
        BUF.set(buf, (int) t & mask, k == 1 ? src[from] : new Run(java.util.Arrays.copyOfRange(src, from, from + k), 0, k));
        SEQ.setRelease(seq, (int) t & mask, t + 1);
        return k;
    }

    /**
     * Run mode: adds up to {@code min(n, maxRun)} raw items from {@code src[from..]} as ONE slot holding a
     * {@link RawRun} (no envelopes; {@code src} becomes the run's, see there), as many as there is room for in items.
     * Their sequences are {@code position * maxRun + j}.
     * @return how many were added (0 when full)
     */
    int offerRaw(Object[] src, int from, int n, String exit) {
        if (!runs) throw new IllegalStateException("offerRaw: a ring of single envelopes (expected: maxRun > 1)");
        int k = reserve(Math.min(n, maxRun));
        if (k == 0) return 0;
        RawRun r = new RawRun(src, from, k, exit);
        long t = claimSlot();
        r.firstSequence = t * maxRun;
        BUF.set(buf, (int) t & mask, r);
        SEQ.setRelease(seq, (int) t & mask, t + 1);
        return k;
    }

    /** Run mode: reserves room for up to {@code want} items (one CAS). @return how many, 0 when full */
    private int reserve(int want) {
        while (true) {
            long u = items;
            long room = capacity - u;
            if (room <= 0) return 0;
            int k = (int) Math.min(want, room);
            if (ITEMS.weakCompareAndSet(this, u, u + k)) return k;
        }
    }

    /**
     * Run mode, holding a reservation: claims the next slot. Fewer than {@code capacity} claimed slots are untaken
     * (each holds a reserved item, and this reservation is not in a slot yet), so the slot at {@code tail} was taken
     * in its previous lap; if its reader has not released it yet (between its claim and its release), spin.
     */
    private long claimSlot() {
        while (true) {
            long t = tail;
            long s = (long) SEQ.getAcquire(seq, (int) t & mask);
            if (s == t) {
                if (TAIL.weakCompareAndSet(this, t, t + 1)) return t;
            } else if (s < t) {
                Thread.onSpinWait();
            } // else another producer took t: re-read tail
        }
    }

    /**
     * Takes up to {@code max} envelopes (a run of published slots at the head) into {@code dst[0..)} with release
     * stores (the array may be read by another thread that claims from it). In run mode a slot's {@link Run} is
     * taken whole: slots are taken while their envelopes fit in {@code max}, and the first slot always is (so a run
     * larger than {@code max} is taken alone; {@code dst} holds at least {@code maxRun}).
     * @return how many envelopes were taken, 0 when the head is not published yet
     */
    int poll(Envelope[] dst, int max) {
        if (runs) return pollRuns(dst, max, null);
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
                    DST.setRelease(dst, j, e);
                }
                return k;
            }
        }
    }

    /**
     * As {@link #poll(Envelope[], int)}; a {@link RawRun} at the head is taken alone into {@code raw[0]} (release
     * store; {@code dst} untouched) when {@code raw} is given, else its items are put in {@code dst} as envelopes.
     * A raw run after other slots ends the take before it.
     */
    int poll(Envelope[] dst, int max, RawRun[] raw) {
        if (runs) return pollRuns(dst, max, raw);
        return poll(dst, max);
    }

    private static final VarHandle RAW = MethodHandles.arrayElementVarHandle(RawRun[].class);

    private int pollRuns(Envelope[] dst, int max, RawRun[] raw) {
        while (true) {
            long h = head;
            int k = 0, n = 0;
            // reading a slot's element before the claim is safe: a published slot keeps its element until its taker
            // claims it, and a successful claim below proves nobody did since these reads
            while (true) {
                int i = (int) (h + k) & mask;
                if ((long) SEQ.getAcquire(seq, i) != h + k + 1) break;
                Object o = BUF.get(buf, i);
                if (o instanceof RawRun rr) {
                    if (k == 0) { // alone
                        n = rr.count;
                        k = 1;
                    }
                    break;
                }
                int c = o instanceof Run r ? r.count : 1;
                if (k > 0 && n + c > max) break;
                n += c;
                k++;
                if (n >= max) break;
            }
            if (k == 0) {
                if (h == head) return 0;
                continue;
            }
            if (HEAD.compareAndSet(this, h, h + k)) {
                int d = 0;
                for (int j = 0; j < k; j++) {
                    int i = (int) (h + j) & mask;
                    Object o = BUF.get(buf, i);
                    BUF.set(buf, i, null);
                    SEQ.setRelease(seq, i, h + j + mask + 1);
                    if (o instanceof Run r) {
                        for (int x = 0; x < r.count; x++) DST.setRelease(dst, d++, r.items[r.from + x]);
                    } else if (o instanceof RawRun rr) {
                        if (raw != null) RAW.setRelease(raw, 0, rr);
                        else for (int x = 0; x < rr.count; x++) DST.setRelease(dst, d++, rr.envelope(x, rr.items[rr.from + x]));
                    } else {
                        DST.setRelease(dst, d++, (Envelope) o);
                    }
                }
                ITEMS.getAndAdd(this, (long) -n); // room given back after the slots are free (see claimSlot)
                return n;
            }
        }
    }

    /** Run mode: the envelopes {@code items[from..from+count)} in one slot; immutable. */
    static final class Run {
        final Envelope[] items;
        final int from;
        final int count;

        Run(Envelope[] items, int from, int count) {
            this.items = items;
            this.from = from;
            this.count = count;
        }
    }

    private long headSeen() { return (long) HEAD_SEEN.getOpaque(this); }

    private long refreshHead() {
        long h = head;
        HEAD_SEEN.setOpaque(this, h);
        return h;
    }

    /** Takes the envelope at the head, or null when none is published. Not in run mode (a slot may hold a run). */
    Envelope pollOne() {
        if (runs) throw new IllegalStateException("pollOne: a ring of runs (expected: maxRun == 1; use drainTo)");
        Envelope[] one = new Envelope[1];
        return poll(one, 1) == 1 ? one[0] : null;
    }

    /** Takes every published envelope at the head into {@code out}, in order (runs expanded, raw runs as envelopes). */
    void drainTo(java.util.List<Envelope> out) {
        Envelope[] some = new Envelope[Math.max(maxRun, 64)];
        for (int k; (k = poll(some, some.length)) > 0; ) {
            for (int j = 0; j < k; j++) {
                out.add(some[j]);
                some[j] = null;
            }
        }
    }

    /** Whether no published envelope waits at the head (a racy snapshot; acquire read). */
    boolean isEmpty() {
        long h = head;
        return (long) SEQ.getAcquire(seq, (int) h & mask) != h + 1;
    }

    /** Envelopes claimed by producers and not yet taken (a snapshot, 0..capacity; in run mode reserved items). */
    int size() {
        if (runs) return (int) items;
        long h = head;
        long t = tail;
        return (int) Math.max(0, Math.min(capacity, t - h));
    }

    /** Whether an offer bounded by {@code limit} could succeed now (a racy snapshot; a producer re-checks it before it parks). */
    boolean hasRoom(long limit) {
        if (runs) return items < capacity;
        long t = tail;
        return t - head < capacity && t < limit && (long) SEQ.getAcquire(seq, (int) t & mask) == t;
    }

    /** The next position a producer will claim. */
    long tail() { return tail; }
}
