package io.fanlab.engine.internal;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The lock-free ring: FIFO positions, capacity and limit honoured, and under concurrency nothing lost or doubled. */
class RingTest {
    private static Envelope env(Object v) { return new Envelope(v, "main", v); }

    @Test
    void holdsExactlyItsCapacityInFifoOrderWithPositionsAsSequences() {
        Ring r = new Ring(5); // array of 8: the logical capacity still binds
        List<Envelope> in = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Envelope e = env(i);
            assertThat(r.offer(e, Long.MAX_VALUE)).isTrue();
            in.add(e);
        }
        assertThat(r.offer(env(5), Long.MAX_VALUE)).isFalse();
        assertThat(r.hasRoom(Long.MAX_VALUE)).isFalse();
        assertThat(r.size()).isEqualTo(5);
        Envelope[] hand = new Envelope[3];
        assertThat(r.poll(hand, 3)).isEqualTo(3);
        assertThat(hand).containsExactly(in.get(0), in.get(1), in.get(2));
        assertThat(hand[2].sequence).isEqualTo(2);
        // wraps around: three more fit, positions continue
        Envelope[] more = {env(5), env(6), env(7), env(8)};
        assertThat(r.offer(more, 0, 4, Long.MAX_VALUE)).isEqualTo(3);
        assertThat(more[2].sequence).isEqualTo(7);
        assertThat(more[3].sequence).isEqualTo(-1); // not admitted, untouched
        Envelope[] all = new Envelope[8];
        assertThat(r.poll(all, 8)).isEqualTo(5);
        assertThat(java.util.Arrays.asList(all).subList(0, 5)).extracting(e -> e.value).containsExactly(3, 4, 5, 6, 7);
        assertThat(r.isEmpty()).isTrue();
        assertThat(r.poll(all, 8)).isZero();
        assertThat(r.pollOne()).isNull();
    }

    /**
     * Run mode: a run is one slot and is taken whole, the bound is in items (a run admits only what fits), sequences
     * are {@code position * maxRun + j}, and a raw run goes to a taker's raw hand whole, or as envelopes without one.
     */
    @Test
    void runSlotsHoldRunsWholeAndTheBoundIsInItems() {
        Ring r = new Ring(10, 4);
        Envelope[] a = {env(0), env(1), env(2), env(3), env(4)};
        assertThat(r.offer(a, 0, 5, Long.MAX_VALUE)).as("a run is at most maxRun").isEqualTo(4);
        assertThat(a[3].sequence).isEqualTo(3);
        assertThat(r.offer(a[4], Long.MAX_VALUE)).isTrue();
        assertThat(a[4].sequence).as("slot 1, first of its slot").isEqualTo(4);
        assertThat(r.size()).as("items, not slots").isEqualTo(5);
        Object[] raw = {10, 11, 12, 13};
        assertThat(r.offerRaw(raw, 0, 4, "main")).isEqualTo(4);
        assertThat(r.size()).isEqualTo(9);
        assertThat(r.offerRaw(new Object[] {20, 21, 22}, 0, 3, "main")).as("only what fits in items").isEqualTo(1);
        assertThat(r.size()).isEqualTo(10);
        assertThat(r.hasRoom(Long.MAX_VALUE)).isFalse();
        assertThat(r.offer(env(30), Long.MAX_VALUE)).as("full in items with 6 of 16 slots free").isFalse();
        assertThat(r.offerRaw(new Object[] {31}, 0, 1, "main")).isZero();

        Envelope[] hand = new Envelope[4];
        RawRun[] rawHand = new RawRun[1];
        assertThat(r.poll(hand, 1, rawHand)).as("a run is taken whole even when more than asked").isEqualTo(4);
        assertThat(hand).containsExactly(a[0], a[1], a[2], a[3]);
        assertThat(r.size()).isEqualTo(6);
        assertThat(r.poll(hand, 4, rawHand)).as("a single, then a raw run ends the take").isEqualTo(1);
        assertThat(hand[0]).isSameAs(a[4]);
        assertThat(rawHand[0]).isNull();
        assertThat(r.poll(hand, 1, rawHand)).as("the raw run, alone, into the raw hand").isEqualTo(4);
        RawRun rr = rawHand[0];
        assertThat(rr.count).isEqualTo(4);
        assertThat(rr.firstSequence).isEqualTo(8);
        assertThat(rr.item(2)).isEqualTo(12);
        assertThat(rr.claim(2)).isEqualTo(12);
        assertThat(rr.claim(2)).as("claimed once").isNull();
        assertThat(rr.envelope(3, rr.item(3)).sequence).isEqualTo(11);
        rawHand[0] = null;
        assertThat(r.poll(hand, 4, null)).as("a single raw item, as an envelope without a raw hand").isEqualTo(1);
        assertThat(hand[0].value).isEqualTo(20);
        assertThat(hand[0].sequence).isEqualTo(12);
        assertThat(r.size()).isZero();
        assertThat(r.isEmpty()).isTrue();

        assertThat(r.offerRaw(new Object[] {40, 41}, 0, 2, "main")).isEqualTo(2);
        assertThat(r.offer(new Envelope[] {env(42), env(43)}, 0, 2, Long.MAX_VALUE)).isEqualTo(2);
        List<Envelope> drained = new ArrayList<>();
        r.drainTo(drained);
        assertThat(drained).extracting(e -> e.value).containsExactly(40, 41, 42, 43);
        assertThat(drained).extracting(e -> e.exit).containsExactly("main", "main", "main", "main");
        assertThat(r.size()).isZero();
    }

    @Test
    void claimsStopAtTheLimit() {
        Ring r = new Ring(16);
        assertThat(r.offer(new Envelope[] {env(0), env(1), env(2)}, 0, 3, 2)).isEqualTo(2);
        assertThat(r.offer(env(3), 2)).isFalse();
        assertThat(r.hasRoom(2)).isFalse();
        assertThat(r.offer(env(3), 3)).isTrue();
        assertThat(r.tail()).isEqualTo(3);
    }

    /**
     * A batch offer that meets a slot whose reader has claimed it (head moved) but not yet released it waits the few
     * instructions for the release instead of cutting the batch there: the ring is logically empty, so both items
     * fit (cutting it shed the second item under SHED policies; RingLincheckTest.stressLong found the history). The
     * reader's claim and its late release are played by hand: head moved past slot 0, slot 0's sequence released
     * 50 ms later.
     */
    @Test
    @Timeout(10)
    void aBatchOfferWaitsForASlotBeingReleasedInsteadOfCuttingTheBatch() throws Exception {
        Ring r = new Ring(2);
        assertThat(r.offer(env(0), Long.MAX_VALUE)).isTrue();
        java.lang.reflect.Field head = Ring.class.getDeclaredField("head");
        head.setAccessible(true);
        head.setLong(r, 1); // a reader claimed position 0 ...
        java.lang.reflect.Field seqField = Ring.class.getDeclaredField("seq");
        seqField.setAccessible(true);
        long[] seq = (long[]) seqField.get(r);
        Thread reader = Thread.ofPlatform().start(() -> {
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
            java.lang.invoke.MethodHandles.arrayElementVarHandle(long[].class).setRelease(seq, 0, 2L); // ... and releases its slot
        });
        int added = r.offer(new Envelope[] {env(1), env(2)}, 0, 2, Long.MAX_VALUE);
        reader.join();
        assertThat(added).as("a logically empty ring of 2 takes a batch of 2").isEqualTo(2);
        assertThat(r.tail()).isEqualTo(3);
    }

    /**
     * Three producers (single and batch offers) and three consumers (random batch sizes) through a ring of 7, so
     * that it wraps and fills thousands of times: every item arrives exactly once, the positions handed out are
     * exactly 0..n-1, and each producer's items got increasing positions in the order it offered them.
     */
    @RepeatedTest(5)
    @Timeout(60)
    void concurrentProducersAndConsumersLoseAndDoubleNothing() throws Exception {
        int producers = 3, consumers = 3, perProducer = 20_000, total = producers * perProducer;
        Ring r = new Ring(7);
        ConcurrentLinkedQueue<Envelope> out = new ConcurrentLinkedQueue<>();
        AtomicInteger taken = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<List<Envelope>> offered = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            List<Envelope> mine = new ArrayList<>();
            for (int i = 0; i < perProducer; i++) mine.add(env(p * perProducer + i));
            offered.add(mine);
            threads.add(Thread.ofPlatform().start(() -> {
                await(start);
                Envelope[] arr = mine.toArray(new Envelope[0]);
                int i = 0;
                while (i < arr.length) {
                    int n = ThreadLocalRandom.current().nextInt(1, 6);
                    int k = n == 1 ? (r.offer(arr[i], Long.MAX_VALUE) ? 1 : 0) : r.offer(arr, i, Math.min(n, arr.length - i), Long.MAX_VALUE);
                    if (k == 0) Thread.yield();
                    i += k;
                }
            }));
        }
        for (int c = 0; c < consumers; c++) {
            threads.add(Thread.ofPlatform().start(() -> {
                await(start);
                Envelope[] hand = new Envelope[4];
                while (taken.get() < total) {
                    int k = r.poll(hand, ThreadLocalRandom.current().nextInt(1, 5));
                    for (int j = 0; j < k; j++) out.add(hand[j]);
                    if (k == 0) Thread.yield();
                    else taken.addAndGet(k);
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) t.join();
        assertThat(out).hasSize(total);
        assertThat(out).extracting(e -> (Integer) e.value).doesNotHaveDuplicates();
        assertThat(out).extracting(e -> e.sequence).containsExactlyInAnyOrderElementsOf(
                java.util.stream.LongStream.range(0, total).boxed().toList());
        for (List<Envelope> mine : offered)
            assertThat(mine).extracting(e -> e.sequence).isSorted();
        assertThat(r.isEmpty()).isTrue();
        assertThat(r.size()).isZero();
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
