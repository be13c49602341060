package io.fanlab.engine.internal;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The lock-free reorder buffer: results leave in sequence order, one emitter at a time, within the window. */
@Timeout(60)
class ReorderBufferTest {
    /** Records emits; fails if two threads emit at once. */
    static final class Recording implements ReorderBuffer.Sink {
        final List<Long> emitted = Collections.synchronizedList(new ArrayList<>());
        final List<Envelope> cancelled = new CopyOnWriteArrayList<>();
        final AtomicInteger emitting = new AtomicInteger();
        volatile boolean overlapped;
        /** Yield in every emit: an emitter holds its claimed run longer, so a close more often races with it. */
        volatile boolean slow;

        @Override
        public void emit(Envelope e) {
            if (emitting.incrementAndGet() > 1) overlapped = true;
            if (slow) Thread.yield();
            emitted.add((Long) e.value);
            emitting.decrementAndGet();
        }

        @Override public void cancelled(Envelope e) { cancelled.add(e); }
    }

    private static Envelope env(long seq) {
        Envelope e = new Envelope(seq, "main", seq);
        e.sequence = seq;
        return e;
    }

    @Test
    void emitsRunsInOrderAndSkipsFreeSlots() throws Exception {
        ReorderBuffer b = new ReorderBuffer(4);
        Recording out = new Recording();
        for (int i = 0; i < 4; i++) assertThat(b.acquire(true)).isEqualTo(i);
        b.finish(2, env(2), out);
        assertThat(out.emitted).isEmpty();
        assertThat(b.depth()).isEqualTo(1);
        b.finish(0, env(0), out);
        assertThat(out.emitted).containsExactly(0L);
        b.skip(1, out);
        assertThat(out.emitted).containsExactly(0L, 2L);
        assertThat(b.limit()).isEqualTo(3 + 4);
        b.finish(3, env(3), out);
        assertThat(out.emitted).containsExactly(0L, 2L, 3L);
        assertThat(b.depth()).isZero();
    }

    @Test
    void aFullWindowHoldsTheProducerUntilTheHeadLeaves() throws Exception {
        ReorderBuffer b = new ReorderBuffer(2);
        Recording out = new Recording();
        b.acquire(true);
        b.acquire(true);
        b.finish(1, env(1), out); // the window is full: 0 is missing
        long[] got = {-2};
        Thread producer = Thread.ofPlatform().start(() -> {
            try {
                got[0] = b.acquire(true);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (producer.getState() != Thread.State.WAITING && System.nanoTime() < deadline) Thread.onSpinWait();
        assertThat(producer.getState()).isEqualTo(Thread.State.WAITING);
        b.finish(0, env(0), out);
        producer.join(10_000);
        assertThat(got[0]).isEqualTo(2);
        assertThat(out.emitted).containsExactly(0L, 1L);
    }

    @Test
    void closeReturnsWhatIsHeldAndRefusesLaterResults() throws Exception {
        ReorderBuffer b = new ReorderBuffer(8);
        Recording out = new Recording();
        for (int i = 0; i < 3; i++) b.acquire(false);
        Envelope two = env(2);
        b.finish(2, two, out);
        assertThat(b.close()).containsExactly(two);
        Envelope one = env(1);
        b.finish(1, one, out);
        assertThat(out.cancelled).containsExactly(one);
        assertThat(out.emitted).isEmpty();
        assertThat(b.acquire(false)).isEqualTo(-1);
    }

    /**
     * A producer takes sequences (waiting on the window), four workers finish them in scrambled order and skip about
     * one in ten: every finished result is emitted exactly once, in increasing order, never by two threads at once.
     */
    @RepeatedTest(5)
    void concurrentFinishersEmitEverythingInOrder() throws Exception {
        int n = 50_000, workers = 4;
        ReorderBuffer b = new ReorderBuffer(32);
        Recording out = new Recording();
        List<LinkedBlockingQueue<Long>> queues = new ArrayList<>();
        ConcurrentLinkedQueue<Long> expected = new ConcurrentLinkedQueue<>();
        List<Thread> ts = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            LinkedBlockingQueue<Long> q = new LinkedBlockingQueue<>();
            queues.add(q);
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    while (true) {
                        long s = q.take();
                        if (s < 0) return;
                        if (ThreadLocalRandom.current().nextInt(10) == 0) b.skip(s, out);
                        else {
                            expected.add(s);
                            b.finish(s, env(s), out);
                        }
                    }
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }));
        }
        for (int i = 0; i < n; ) {
            long run = ThreadLocalRandom.current().nextBoolean() ? b.acquireRun(5) : (b.acquire(true) << 16 | 1);
            long first = run >>> 16;
            int count = (int) (run & 0xFFFF);
            for (int j = 0; j < count && i < n; j++, i++) queues.get(ThreadLocalRandom.current().nextInt(workers)).add(first + j);
            for (int j = (int) Math.min(count, n - (i - count)); j < count; j++) b.skip(first + j, out); // past n: free them
        }
        for (LinkedBlockingQueue<Long> q : queues) q.add(-1L);
        for (Thread t : ts) t.join();
        assertThat(out.overlapped).isFalse();
        List<Long> emitted = new ArrayList<>(out.emitted);
        assertThat(emitted).isSorted().doesNotHaveDuplicates();
        assertThat(emitted).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(b.depth()).isZero();
    }

    /**
     * Workers deposit (batched, then flush) and finish results in scrambled order while a cancel closes the buffer
     * mid-way: every result leaves exactly once, emitted in order, ended cancelled, or returned by close.
     */
    @RepeatedTest(20)
    void closeRacingWithEmittersLosesAndDoublesNothing() throws Exception {
        int n = 20_000, workers = 3;
        ReorderBuffer b = new ReorderBuffer(64);
        Recording out = new Recording();
        out.slow = true;
        List<LinkedBlockingQueue<long[]>> queues = new ArrayList<>();
        ConcurrentLinkedQueue<Long> results = new ConcurrentLinkedQueue<>();
        List<Throwable> died = new CopyOnWriteArrayList<>();
        List<Thread> ts = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            LinkedBlockingQueue<long[]> q = new LinkedBlockingQueue<>();
            queues.add(q);
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    while (true) {
                        long[] run = q.take();
                        if (run.length == 0) return;
                        boolean batched = ThreadLocalRandom.current().nextBoolean();
                        for (long s : run) {
                            boolean skip = ThreadLocalRandom.current().nextInt(10) == 0;
                            if (!skip) results.add(s);
                            if (batched) b.deposit(s, skip ? ReorderBuffer.SKIP : env(s), out);
                            else b.finish(s, skip ? ReorderBuffer.SKIP : env(s), out);
                        }
                        if (batched) b.flush(out);
                    }
                } catch (Throwable e) {
                    died.add(e); // e.g. an emit of a slot a close took: the test fails on it below
                }
            }));
        }
        List<Envelope> closedWith = new ArrayList<>();
        int closeAt = ThreadLocalRandom.current().nextInt(n / 10, n / 2);
        for (int i = 0; i < n; ) {
            long run = b.acquireRun(1 + ThreadLocalRandom.current().nextInt(8));
            if (run < 0) break; // closed
            long first = run >>> 16;
            int count = (int) (run & 0xFFFF);
            long[] seqs = new long[count];
            for (int j = 0; j < count; j++) seqs[j] = first + j;
            queues.get(ThreadLocalRandom.current().nextInt(workers)).add(seqs);
            i += count;
            if (i >= closeAt && closedWith.isEmpty()) closedWith.addAll(b.close());
        }
        if (closedWith.isEmpty()) closedWith.addAll(b.close());
        for (LinkedBlockingQueue<long[]> q : queues) q.add(new long[0]);
        for (Thread t : ts) t.join();
        assertThat(died).isEmpty();
        assertThat(out.overlapped).isFalse();
        List<Long> emitted = new ArrayList<>(out.emitted);
        assertThat(emitted).isSorted();
        List<Long> ended = new ArrayList<>(emitted);
        for (Envelope e : out.cancelled) ended.add((Long) e.value);
        for (Envelope e : closedWith) ended.add((Long) e.value);
        assertThat(ended).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(results);
    }
}
