package io.fanlab.engine.internal;

import io.fanlab.engine.spec.Admission;
import io.fanlab.engine.spec.Dispatch;
import io.fanlab.engine.spec.StageSpec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Concurrency stress for the lock-free parts of a ring stage, with the outcomes each one forbids stated and checked.
 * Each runs for a time budget: a short one in the default suite, a long one under {@code -Pslow}.
 *
 * <ul>
 *   <li>{@link Ring}, many tiny rings (capacity 1-4, so every few claims wrap a lap) with two producers and two
 *       consumers. Forbidden: an element taken twice; an element never taken; a consumer seeing positions go
 *       backwards; {@code size()} outside {@code [0, capacity]}; a consumer taking an element whose position is not
 *       its {@code sequence}. The same in run mode (runs of up to 3 in one slot, envelope runs and raw runs, so
 *       {@code size()} counts items): forbidden in addition, more items held than the capacity, and a run's items
 *       reaching a consumer apart or out of order (a run is one slot: taken whole).</li>
 *   <li>The {@link Sleepers} Dekker handshake, one round per trial between a publisher (publish, full fence, read the
 *       count, wake one if any) and a sleeper (count itself, re-read the flag, park). Forbidden: the publisher read a
 *       count of 0 AND the sleeper's last check read the flag unpublished (it would park for ever: a lost wake-up).
 *       Observed as a sleeper still parked 5 s after the publisher finished.</li>
 *   <li>{@link RingStageQueue} hand-off, a capacity-1 or -2 queue with one producer and three takers (a stage of
 *       width 3, and of width 1, whose takers take up to {@link RingStageQueue#SHARED_TAKE} at once): every item
 *       offered one at a time must be taken; forbidden: an item stranded in the queue while every taker sleeps
 *       (the wake-up protocol's lost wake-up: a producer that claimed a slot, did not fence, and read no sleeper,
 *       while the last taker counted itself and read the ring empty), observed as no progress for 5 s.</li>
 *   <li>{@link RingStageQueue} cancel racing with offers: two producers offer, two takers take, and a cancel (close,
 *       drain, wake) comes at a random moment. Every offered item must end exactly once: taken, drained by the
 *       cancel, or ended by the queue (refused, or swept by its producer after it saw the close). Forbidden: an
 *       item in none of these (stranded in the ring: the producer read {@code closed} false without a fence after
 *       its claim, and the drain stopped at the claimed slot before its publication) or in two.</li>
 * </ul>
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class RingAndSleepersStressTest {
    static final long SHORT = 1_500_000_000L, LONG = 60_000_000_000L;

    @Test void ringShort() throws Exception { ring(SHORT); }
    @Test @Tag("slow") void ringLong() throws Exception { ring(LONG); }
    @Test void ringRunsShort() throws Exception { ringRuns(SHORT); }
    @Test @Tag("slow") void ringRunsLong() throws Exception { ringRuns(LONG); }
    @Test void sleepersHandshakeShort() throws Exception { sleepersHandshake(SHORT); }
    @Test @Tag("slow") void sleepersHandshakeLong() throws Exception { sleepersHandshake(LONG); }
    @Test void ringQueueHandOffShort() throws Exception { ringQueueHandOff(SHORT); }
    @Test @Tag("slow") void ringQueueHandOffLong() throws Exception { ringQueueHandOff(LONG); }
    @Test void cancelRacingOffersShort() throws Exception { cancelRacingOffers(SHORT); }
    @Test @Tag("slow") void cancelRacingOffersLong() throws Exception { cancelRacingOffers(LONG); }

    // ------------------------------------------------------------------ Ring

    void ring(long budgetNanos) throws Exception {
        long end = System.nanoTime() + budgetNanos;
        int rounds = 0;
        while (System.nanoTime() < end || rounds < 8) {
            ringRound(1 + rounds % 4, 500);
            rounds++;
        }
    }

    void ringRuns(long budgetNanos) throws Exception {
        long end = System.nanoTime() + budgetNanos;
        int rounds = 0;
        while (System.nanoTime() < end || rounds < 8) {
            ringRound(1 + rounds % 4, 500, 3);
            rounds++;
        }
    }

    private void ringRound(int capacity, int perProducer) throws Exception {
        ringRound(capacity, perProducer, 1);
    }

    private void ringRound(int capacity, int perProducer, int maxRun) throws Exception {
        Ring ring = new Ring(capacity, maxRun);
        int producers = 2, consumers = 2, total = producers * perProducer;
        AtomicLongArray takenBy = new AtomicLongArray(total); // 0: not taken, else consumer id + 1
        AtomicInteger taken = new AtomicInteger();
        AtomicReference<String> forbidden = new AtomicReference<>();
        CyclicBarrier start = new CyclicBarrier(producers + consumers);
        List<Thread> ts = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int pid = p;
            ts.add(Thread.ofPlatform().start(() -> {
                await(start);
                int i = 0;
                Envelope[] run = new Envelope[3];
                while (i < perProducer) {
                    if (maxRun > 1 && i % 7 == 3 && perProducer - i >= 3) { // raw runs (run mode): no envelopes
                        Object[] raw = {pid * perProducer + i, pid * perProducer + i + 1, pid * perProducer + i + 2};
                        int k;
                        while ((k = ring.offerRaw(raw, 0, 3, "x")) == 0) Thread.yield();
                        i += k;
                        for (int j = k; j < 3; j++) { // the rest one by one, as envelopes
                            Envelope e = new Envelope(raw[j], "x", raw[j]);
                            while (!ring.offer(e, Long.MAX_VALUE)) Thread.yield();
                            i++;
                        }
                    } else if (i % 5 == 0 && perProducer - i >= 3) { // runs of 3 now and then
                        for (int j = 0; j < 3; j++) run[j] = new Envelope(null, "x", pid * perProducer + i + j);
                        int k = ring.offer(run, 0, 3, Long.MAX_VALUE);
                        i += k;
                        if (k < 3) { // the rest is offered one by one
                            for (int j = k; j < 3; j++) { while (!ring.offer(run[j], Long.MAX_VALUE)) Thread.yield(); i++; }
                        }
                    } else {
                        Envelope e = new Envelope(null, "x", pid * perProducer + i);
                        while (!ring.offer(e, Long.MAX_VALUE)) Thread.yield();
                        i++;
                    }
                    int size = ring.size();
                    if (size < 0 || size > capacity) forbidden.compareAndSet(null, "size " + size + " outside [0, " + capacity + "]");
                }
            }));
        }
        for (int c = 0; c < consumers; c++) {
            int cid = c;
            ts.add(Thread.ofPlatform().start(() -> {
                await(start);
                Envelope[] hand = new Envelope[Math.max(2, maxRun)];
                RawRun[] rawHand = cid == 0 && maxRun > 1 ? new RawRun[1] : null; // consumer 1 gets raw runs as envelopes
                long lastPos = -1;
                while (taken.get() < total) {
                    int k = ring.poll(hand, 1 + cid, rawHand);
                    RawRun rr = rawHand != null ? rawHand[0] : null;
                    if (rr != null && rr.count != k) forbidden.compareAndSet(null, "raw run of " + rr.count + " taken as " + k);
                    for (int j = 0; j < k; j++) {
                        Envelope e = rr != null ? rr.envelope(j, rr.item(j)) : hand[j];
                        int v = (Integer) e.value;
                        if (!takenBy.compareAndSet(v, 0, cid + 1)) forbidden.compareAndSet(null, "element " + v + " taken twice");
                        if (e.sequence <= lastPos) forbidden.compareAndSet(null, "consumer " + cid + " saw position " + e.sequence + " after " + lastPos);
                        if (maxRun > 1 && j > 0 && e.sequence / maxRun == lastPos / maxRun && e.sequence != lastPos + 1)
                            forbidden.compareAndSet(null, "a run's items apart: " + lastPos + " then " + e.sequence);
                        lastPos = e.sequence;
                        taken.incrementAndGet();
                    }
                    if (rr != null) rawHand[0] = null;
                    if (k == 0) Thread.yield();
                }
            }));
        }
        for (Thread t : ts) {
            t.join(30_000);
            assertThat(t.isAlive()).as("ring round (capacity %d) finished: an element was lost if not", capacity).isFalse();
        }
        assertThat(forbidden.get()).isNull();
        for (int v = 0; v < total; v++) assertThat(takenBy.get(v)).as("element %d taken", v).isNotZero();
        assertThat(ring.isEmpty()).isTrue();
        assertThat(ring.size()).isZero();
    }

    // ------------------------------------------------------------------ Sleepers handshake

    void sleepersHandshake(long budgetNanos) throws Exception {
        long end = System.nanoTime() + budgetNanos;
        int trials = 0;
        while (System.nanoTime() < end || trials < 100) {
            handshakeTrial(trials % 2 == 0);
            trials++;
        }
    }

    private volatile int flag;

    private void handshakeTrial(boolean virtualSleeper) throws Exception {
        Sleepers sleepers = new Sleepers();
        flag = 0;
        int[] publisherSawCount = {-1};
        int[] sleeperLastSaw = {-1};
        CyclicBarrier start = new CyclicBarrier(2);
        Runnable sleeperBody = () -> {
            await(start);
            Sleepers.Sleeper me = new Sleepers.Sleeper(Thread.currentThread());
            try {
                sleepers.await(me, () -> {
                    int f = flag;
                    sleeperLastSaw[0] = f;
                    return f == 0;
                });
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        };
        Thread sleeper = virtualSleeper ? Thread.ofVirtual().start(sleeperBody) : Thread.ofPlatform().start(sleeperBody);
        Thread publisher = Thread.ofPlatform().start(() -> {
            await(start);
            flag = 1;
            VarHandle.fullFence();
            int c = sleepers.count();
            publisherSawCount[0] = c;
            if (c > 0) sleepers.wakeOne();
        });
        publisher.join();
        sleeper.join(5_000);
        if (sleeper.isAlive()) {
            sleeper.interrupt();
            sleeper.join(5_000);
        }
        assertThat(publisherSawCount[0] == 0 && sleeperLastSaw[0] == 0)
                .as("forbidden: the publisher saw no sleeper and the sleeper saw no flag (a lost wake-up)").isFalse();
        assertThat(sleeper.isAlive()).isFalse();
        assertThat(sleepers.count()).isZero();
    }

    // ------------------------------------------------------------------ RingStageQueue hand-off

    void ringQueueHandOff(long budgetNanos) throws Exception {
        long end = System.nanoTime() + budgetNanos;
        int rounds = 0;
        while (System.nanoTime() < end || rounds < 4) {
            handOffRound(1 + rounds % 2, rounds % 3 == 0 ? new Dispatch.Batched(4, true) : Dispatch.SHARED, rounds % 4 == 1 ? 1 : 3);
            rounds++;
        }
    }

    private void handOffRound(int capacity, Dispatch dispatch, int width) throws Exception {
        TestQueueHost host = new TestQueueHost();
        host.width = width;
        StageQueue q = StageQueue.forStage(StageSpec.named("s").withWidth(3).withQueueCapacity(capacity)
                .withDispatch(dispatch).withAdmission(Admission.BLOCK), false, host);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<StageQueueContractTest.LoggingTaker> takers = StageQueueContractTest.startTakers(q, 3, failure);
        int items = 1_000;
        Thread producer = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; i < items; i++) {
                    q.offer(StageQueueContractTest.item(0, i, 0), true, false);
                    if (i % 7 == 0) { // let it drain now and then, so takers go to sleep between items
                        long deadline = System.nanoTime() + 5_000_000_000L;
                        while (q.depth() > 0 && System.nanoTime() < deadline) Thread.yield();
                        if (q.depth() > 0) throw new AssertionError("forbidden: item " + i + " stranded for 5 s with takers asleep");
                    }
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        });
        producer.join(60_000);
        assertThat(producer.isAlive()).isFalse();
        StageQueueContractTest.stop(host, q, takers);
        assertThat(failure.get()).isNull();
        assertThat(takers.stream().mapToInt(t -> t.log.size()).sum()).isEqualTo(items);
    }

    // ------------------------------------------------------------------ RingStageQueue cancel racing with offers

    void cancelRacingOffers(long budgetNanos) throws Exception {
        long end = System.nanoTime() + budgetNanos;
        int rounds = 0;
        while (System.nanoTime() < end || rounds < 20) {
            cancelRound(rounds % 2 == 0 ? 1 : 2, 200 + (rounds * 37) % 1_500);
            rounds++;
        }
    }

    private void cancelRound(int width, int cancelAfter) throws Exception {
        TestQueueHost host = new TestQueueHost();
        host.width = width;
        StageQueue q = StageQueue.forStage(StageSpec.named("s").withWidth(width).withQueueCapacity(64)
                .withDispatch(Dispatch.SHARED).withAdmission(Admission.BLOCK), false, host);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<StageQueueContractTest.LoggingTaker> takers = StageQueueContractTest.startTakers(q, 2, failure);
        int producers = 2, perProducer = 4_000;
        AtomicInteger offered = new AtomicInteger();
        List<Thread> ps = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int pid = p;
            ps.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < perProducer && !host.closed; i++) {
                        q.offer(StageQueueContractTest.item(pid, i, 0), false, false); // internal: a refused one is ended CANCELLED
                        offered.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
        }
        while (offered.get() < cancelAfter && ps.stream().anyMatch(Thread::isAlive)) Thread.onSpinWait();
        List<Envelope> drained = new ArrayList<>();
        host.closed = true; // as StageRuntime.cancel: close, drain, wake
        q.drain(drained);
        q.wakeAll();
        for (Thread t : ps) t.join(30_000);
        for (StageQueueContractTest.LoggingTaker t : takers) t.thread.join(30_000);
        assertThat(failure.get()).isNull();
        java.util.Map<Envelope, Integer> seen = new java.util.IdentityHashMap<>();
        for (StageQueueContractTest.LoggingTaker t : takers) for (Envelope e : t.log) seen.merge(e, 1, Integer::sum);
        for (Envelope e : drained) seen.merge(e, 1, Integer::sum);
        for (TestQueueHost.Ended x : host.ended) seen.merge(x.e(), 1, Integer::sum);
        assertThat(seen.values()).as("forbidden: an item taken, drained or ended twice").allMatch(n -> n == 1);
        assertThat(seen).as("forbidden: an offered item neither taken, drained nor ended (stranded in the ring after the cancel)")
                .hasSize(offered.get());
        assertThat(q.depth()).as("nothing left in the queue after the cancel").isZero();
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
