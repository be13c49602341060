package io.fanlab.engine.internal;

import io.fanlab.engine.Outcome;
import io.fanlab.engine.spec.Admission;
import io.fanlab.engine.spec.Dispatch;
import io.fanlab.engine.spec.StageSpec;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link StageQueue} contract, run over every implementation and layout (in the manner of JCTools'
 * {@code QueueSanityTest}): nothing lost or doubled under concurrent producers and takers, order where promised,
 * depth, drain, wake-ups, overflow policies, re-entries and resizing.
 */
@Timeout(120)
class StageQueueContractTest {
    static final int WIDTH = 4;

    /** A layout: its name, whether items carry keys, whether it keeps FIFO by sequence, and how to build it. */
    record Layout(String name, boolean keyed, boolean ring, BiFunction<StageSpec, TestQueueHost, StageQueue> build, StageSpec spec) {
        StageQueue make(TestQueueHost host, int capacity, Admission admission) {
            host.width = WIDTH;
            return build.apply(spec.withQueueCapacity(capacity).withAdmission(admission), host);
        }
        @Override public String toString() { return name; }
    }

    static Stream<Arguments> layouts() {
        StageSpec base = StageSpec.named("q").withWidth(WIDTH);
        return Stream.of(
                layout("ring, shared", false, true, base),
                layout("ring, batched 16", false, true, base.withDispatch(new Dispatch.Batched(16, false))),
                layout("ring, adaptive 16", false, true, base.withDispatch(new Dispatch.Batched(16, true))),
                layout("sharded", false, false, base.withDispatch(new Dispatch.Sharded())),
                layout("stealing", false, false, base.withDispatch(new Dispatch.WorkStealing())),
                layout("per-key", true, false, base.withPerKey(true)));
    }

    private static Arguments layout(String name, boolean keyed, boolean ring, StageSpec spec) {
        Layout l = new Layout(name, keyed, ring, (s, h) -> StageQueue.forStage(s, keyed, h), spec);
        return Arguments.of(l);
    }

    static Envelope item(int producer, int index, int keys) {
        Envelope e = new Envelope(null, "out", new int[] {producer, index});
        e.key = keys > 0 ? index % keys : -1;
        return e;
    }

    static int[] id(Envelope e) { return (int[]) e.value; }

    /** A worker that takes until told to stop, logging what it took in order. */
    static final class LoggingTaker implements StageQueue.Taker, Runnable {
        final int index;
        final StageQueue q;
        final Envelope[] hand;
        final List<Envelope> log = new ArrayList<>();
        volatile boolean retired;
        Sleepers.Sleeper sleeper;
        final AtomicReference<Throwable> failure;
        Thread thread;
        /** Odd takers take raw runs whole (as a stage's workers do); even ones get them as envelopes. */
        final RawRun[] raw;

        LoggingTaker(int index, StageQueue q, int handSize, AtomicReference<Throwable> failure) {
            this.index = index;
            this.q = q;
            this.hand = new Envelope[handSize];
            this.failure = failure;
            this.raw = index % 2 == 1 ? new RawRun[1] : null;
        }

        @Override public RawRun[] rawHand() { return raw; }

        @Override public int index() { return index; }
        @Override public Envelope[] hand() { return hand; }
        @Override public boolean retired() { return retired; }
        @Override public Sleepers.Sleeper sleeper() { return sleeper; }
        @Override public void idle() {}

        @Override
        public void run() {
            sleeper = new Sleepers.Sleeper(Thread.currentThread());
            try {
                while (true) {
                    int n = q.take(this);
                    if (n == 0) return;
                    RawRun rr = raw != null ? raw[0] : null;
                    for (int i = 0; i < n; i++) {
                        if (rr != null) {
                            log.add(rr.envelope(i, rr.claim(i)));
                        } else {
                            log.add(hand[i]);
                            hand[i] = null;
                        }
                    }
                    if (rr != null) raw[0] = null;
                    q.finished(this);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }

        LoggingTaker start(boolean virtual) {
            thread = virtual ? Thread.ofVirtual().start(this) : Thread.ofPlatform().daemon().start(this);
            return this;
        }
    }

    static List<LoggingTaker> startTakers(StageQueue q, int n, AtomicReference<Throwable> failure) {
        List<LoggingTaker> ts = new ArrayList<>();
        for (int i = 0; i < n; i++) ts.add(new LoggingTaker(i, q, 16, failure).start(i % 2 == 1));
        return ts;
    }

    static void stop(TestQueueHost host, StageQueue q, List<LoggingTaker> ts) throws InterruptedException {
        host.stopWhenEmpty = true;
        q.wakeAll();
        for (LoggingTaker t : ts) {
            t.thread.join(30_000);
            assertThat(t.thread.isAlive()).as("taker %d returned after stopWhenEmpty + wakeAll", t.index).isFalse();
        }
    }

    // ------------------------------------------------------------------ exactly once, order

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void concurrentProducersAndTakersLoseAndDoubleNothing(Layout layout) throws Exception {
        int producers = 3, perProducer = 15_000, capacity = 64, keys = layout.keyed ? 7 : 0;
        TestQueueHost host = new TestQueueHost();
        StageQueue q = layout.make(host, capacity, Admission.BLOCK);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<LoggingTaker> takers = startTakers(q, WIDTH, failure);
        AtomicInteger maxDepth = new AtomicInteger();
        java.util.concurrent.atomic.AtomicLong rawOffered = new java.util.concurrent.atomic.AtomicLong();
        List<Thread> ps = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int pid = p;
            ps.add(Thread.ofPlatform().start(() -> {
                try {
                    int i = 0;
                    while (i < perProducer) {
                        if (q.acceptsRawRuns() && pid == 1 && i % 4 == 0) { // raw runs of 1..50 from producer 1
                            int n = Math.min(perProducer - i, 1 + i % 50);
                            Object[] raw = new Object[n];
                            for (int j = 0; j < n; j++) raw[j] = new int[] {pid, i + j};
                            assertThat(q.offerAllRaw(raw, "out")).isEqualTo(n);
                            rawOffered.addAndGet(n);
                            i += n;
                        } else if (q.acceptsRuns() && pid == 0 && i % 3 == 0) { // runs of 1..40 from producer 0
                            int n = Math.min(perProducer - i, 1 + i % 40);
                            Envelope[] run = new Envelope[n];
                            for (int j = 0; j < n; j++) run[j] = item(pid, i + j, keys);
                            assertThat(q.offerAll(run)).isEqualTo(n);
                            i += n;
                        } else {
                            q.offer(item(pid, i++, keys), true, false);
                        }
                        if (i % 97 == 0) maxDepth.accumulateAndGet(q.depth(), Math::max);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
        }
        for (Thread p : ps) p.join();
        stop(host, q, takers);
        assertThat(failure.get()).isNull();

        long total = (long) producers * perProducer;
        Set<Long> seen = new HashSet<>();
        long taken = 0;
        for (LoggingTaker t : takers) {
            for (Envelope e : t.log) {
                int[] id = id(e);
                assertThat(seen.add((long) id[0] << 32 | id[1])).as("taken twice: producer %d item %d", id[0], id[1]).isTrue();
                taken++;
            }
        }
        assertThat(taken).as("taken").isEqualTo(total);
        assertThat(host.admitted.get()).as("counted admitted").isEqualTo(total);
        assertThat(host.observed.get()).as("reported admitted (raw runs are not: no observer)").isEqualTo(total - rawOffered.get());
        assertThat(host.ended).as("ended by the queue").isEmpty();
        assertThat(q.depth()).isZero();
        assertThat(maxDepth.get()).as("depth never above capacity").isLessThanOrEqualTo(capacity);

        if (layout.ring) {
            // FIFO by position: each taker's sequences increase (runs are taken from the head), and each
            // producer's items got increasing sequences in the order it offered them
            Map<Integer, Long> lastSeqOfProducer = new HashMap<>();
            List<Envelope> all = new ArrayList<>();
            for (LoggingTaker t : takers) {
                long last = -1;
                for (Envelope e : t.log) {
                    assertThat(e.sequence).as("taker %d takes in position order", t.index).isGreaterThan(last);
                    last = e.sequence;
                    all.add(e);
                }
            }
            all.sort((a, b) -> Long.compare(a.sequence, b.sequence));
            for (Envelope e : all) {
                Long prev = lastSeqOfProducer.put(id(e)[0], (long) id(e)[1]);
                if (prev != null) assertThat((long) id(e)[1]).as("producer %d's items in offer order", id(e)[0]).isGreaterThan(prev);
            }
        }
        if (layout.keyed) {
            // per key: one taker holds a key's items (no resize here), and takes each producer's items of it in order
            Map<Long, Integer> owner = new HashMap<>();
            for (LoggingTaker t : takers) {
                Map<Long, Integer> last = new HashMap<>();
                for (Envelope e : t.log) {
                    Integer o = owner.putIfAbsent(e.key, t.index);
                    assertThat(o == null ? t.index : o).as("key %d has one owner", e.key).isEqualTo(t.index);
                    long pk = (long) id(e)[0] << 32 | e.key;
                    Integer prev = last.put(pk, id(e)[1]);
                    if (prev != null) assertThat(id(e)[1]).as("key %d of producer %d in order", e.key, id(e)[0]).isGreaterThan(prev);
                }
            }
        }
    }

    /**
     * Capacity is in items, whatever a slot holds: a producer offering 3 runs' worth more than fits admits what fits
     * (a run cut to the room left) and waits; the queue never holds more items than its capacity; once a taker
     * runs, everything arrives exactly once. Raw runs the same.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void runsNeverHoldMoreItemsThanTheCapacity(Layout layout) throws Exception {
        TestQueueHost host = new TestQueueHost();
        StageQueue q = layout.make(host, 10, Admission.BLOCK);
        org.junit.jupiter.api.Assumptions.assumeTrue(q.acceptsRuns() && !layout.keyed, "offers runs in one claim");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int n = 26;
        Thread producer = Thread.ofPlatform().start(() -> {
            try {
                Envelope[] run = new Envelope[n / 2];
                for (int j = 0; j < run.length; j++) run[j] = item(0, j, 0);
                assertThat(q.offerAll(run)).isEqualTo(run.length);
                if (q.acceptsRawRuns()) {
                    Object[] raw = new Object[n - n / 2];
                    for (int j = 0; j < raw.length; j++) raw[j] = new int[] {0, n / 2 + j};
                    assertThat(q.offerAllRaw(raw, "out")).isEqualTo(raw.length);
                } else {
                    Envelope[] rest = new Envelope[n - n / 2];
                    for (int j = 0; j < rest.length; j++) rest[j] = item(0, n / 2 + j, 0);
                    assertThat(q.offerAll(rest)).isEqualTo(rest.length);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        });
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (q.depth() < 10 && System.nanoTime() < deadline) Thread.onSpinWait();
        Thread.sleep(50); // the producer is waiting for room now; it must not have pushed past the capacity
        assertThat(q.depth()).as("items held with the producer waiting").isEqualTo(10);
        assertThat(host.admitted.get()).as("counted admitted").isEqualTo(10);
        assertThat(producer.isAlive()).as("producer waiting for room").isTrue();
        List<LoggingTaker> takers = startTakers(q, 2, failure);
        producer.join(30_000);
        stop(host, q, takers);
        assertThat(failure.get()).isNull();
        Set<Integer> seen = new HashSet<>();
        for (LoggingTaker t : takers) for (Envelope e : t.log) assertThat(seen.add(id(e)[1])).as("item %d once", id(e)[1]).isTrue();
        assertThat(seen).hasSize(n);
        assertThat(host.admitted.get()).isEqualTo(n);
    }

    // ------------------------------------------------------------------ depth, drain

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void depthCountsWhatIsQueuedAndDrainReturnsItAll(Layout layout) throws Exception {
        TestQueueHost host = new TestQueueHost();
        StageQueue q = layout.make(host, 256, Admission.BLOCK); // room for 40 however the keys fall on shards
        for (int i = 0; i < 40; i++) {
            q.offer(item(0, i, layout.keyed ? 5 : 0), true, false);
            assertThat(q.depth()).isEqualTo(i + 1);
        }
        List<Envelope> out = new ArrayList<>();
        q.drain(out);
        assertThat(out).hasSize(40);
        assertThat(out.stream().map(e -> id(e)[1]).distinct().count()).isEqualTo(40);
        assertThat(q.depth()).isZero();
        if (layout.ring) assertThat(out).extracting(e -> id(e)[1]).isSorted(); // FIFO
        q.drain(out);
        assertThat(out).hasSize(40);
    }

    // ------------------------------------------------------------------ wake-ups

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void everyWaitingTakerIsWokenByTheOffersThatFeedIt(Layout layout) throws Exception {
        TestQueueHost host = new TestQueueHost();
        StageQueue q = layout.make(host, 64, Admission.BLOCK);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<LoggingTaker> takers = startTakers(q, WIDTH, failure);
        // one item at a time, each waited for: a lost wake-up strands it and the wait below times out
        for (int i = 0; i < 300; i++) {
            q.offer(item(0, i, layout.keyed ? 3 : 0), true, false);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (q.depth() > 0) {
                assertThat(System.nanoTime()).as("item %d taken within 10 s", i).isLessThan(deadline);
                Thread.yield();
            }
        }
        stop(host, q, takers);
        assertThat(takers.stream().mapToInt(t -> t.log.size()).sum()).isEqualTo(300);
        assertThat(failure.get()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void wakeAllReleasesWaitingTakersAndProducersWhenTheStageCloses(Layout layout) throws Exception {
        TestQueueHost host = new TestQueueHost();
        StageQueue q = layout.make(host, WIDTH, Admission.BLOCK); // one slot per shard
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < WIDTH; i++) q.offer(item(0, i, 0), true, false); // one per shard: all full
        CountDownLatch blocked = new CountDownLatch(1);
        AtomicReference<Throwable> producerSaw = new AtomicReference<>();
        Thread producer = Thread.ofPlatform().start(() -> {
            blocked.countDown();
            try {
                for (int i = 0; i < 64; i++) q.offer(item(1, i, 0), true, false);
            } catch (Throwable t) {
                producerSaw.set(t);
            }
        });
        blocked.await();
        host.closed = true;
        q.wakeAll();
        producer.join(30_000);
        assertThat(producer.isAlive()).as("a producer blocked for room returns once the stage closes").isFalse();
        assertThat(producerSaw.get()).isInstanceOf(IllegalStateException.class);
        List<LoggingTaker> takers = startTakers(q, WIDTH, failure);
        for (LoggingTaker t : takers) {
            t.thread.join(30_000);
            assertThat(t.thread.isAlive()).isFalse();
            assertThat(t.log).as("a closed queue hands nothing out").isEmpty();
        }
        assertThat(failure.get()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void aRetiredTakerLeavesAndItsItemsReachTheOthers(Layout layout) throws Exception {
        TestQueueHost host = new TestQueueHost();
        StageQueue q = layout.make(host, 256, Admission.BLOCK);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<LoggingTaker> takers = startTakers(q, WIDTH, failure);
        for (int i = 0; i < 100; i++) q.offer(item(0, i, layout.keyed ? 5 : 0), true, false);
        // shrink to 1, as the stage does: retire, resize, wake
        q.beginResize();
        host.width = 1;
        for (int i = 1; i < WIDTH; i++) takers.get(i).retired = true;
        q.resize(1);
        q.wakeAll();
        q.endResize();
        for (int i = 1; i < WIDTH; i++) {
            takers.get(i).thread.join(30_000);
            assertThat(takers.get(i).thread.isAlive()).as("retired taker %d left", i).isFalse();
        }
        for (int i = 100; i < 200; i++) q.offer(item(0, i, layout.keyed ? 5 : 0), true, false);
        stop(host, q, List.of(takers.get(0)));
        Set<Integer> seen = new HashSet<>();
        for (LoggingTaker t : takers) for (Envelope e : t.log) assertThat(seen.add(id(e)[1])).isTrue();
        assertThat(seen).hasSize(200);
        assertThat(failure.get()).isNull();
    }

    // ------------------------------------------------------------------ resize

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void resizingKeepsEveryQueuedItemAndEachKeysOrder(Layout layout) throws Exception {
        TestQueueHost host = new TestQueueHost();
        StageQueue q = layout.make(host, 240, Admission.BLOCK);
        int keys = layout.keyed ? 5 : 0;
        for (int i = 0; i < 60; i++) q.offer(item(0, i, keys), true, false);
        for (int width : new int[] {2, 6, 1, 3}) {
            q.beginResize();
            host.width = width;
            q.resize(width);
            q.endResize();
            assertThat(q.depth()).as("after resize to %d", width).isEqualTo(60);
        }
        List<Envelope> out = new ArrayList<>();
        q.drain(out);
        assertThat(out.stream().map(e -> id(e)[1]).distinct().count()).isEqualTo(60);
        if (layout.keyed || layout.ring) {
            Map<Long, Integer> last = new HashMap<>();
            for (Envelope e : out) {
                Integer prev = last.put(e.key, id(e)[1]);
                if (prev != null) assertThat(id(e)[1]).as("key %d in order", e.key).isGreaterThan(prev);
            }
        }
    }

    // ------------------------------------------------------------------ admission policies

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void dropNewestShedsArrivalsAtAFullQueue(Layout layout) throws Exception {
        TestQueueHost host = new TestQueueHost();
        StageQueue q = layout.make(host, 16, new Admission(new Admission.Overflow.DropNewest(), Optional.empty()));
        for (int i = 0; i < 16 + 5; i++) q.offer(item(0, i, 0), true, false); // unkeyed: per-key spreads round-robin
        assertThat(q.depth()).isEqualTo(16);
        assertThat(host.endedAs(Outcome.SHED)).isEqualTo(5);
        assertThat(host.admitted.get()).isEqualTo(21);
        if (layout.ring) assertThat(host.ended).extracting(x -> id(x.e())[1]).containsExactly(16, 17, 18, 19, 20);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void dropOldestShedsTheHeadToAdmitTheArrival(Layout layout) throws Exception {
        TestQueueHost host = new TestQueueHost();
        StageQueue q = layout.make(host, 16, new Admission(new Admission.Overflow.DropOldest(), Optional.empty()));
        for (int i = 0; i < 16 + 5; i++) q.offer(item(0, i, 0), true, false);
        assertThat(q.depth()).isEqualTo(16);
        assertThat(host.endedAs(Outcome.SHED)).isEqualTo(5);
        List<Envelope> out = new ArrayList<>();
        q.drain(out);
        assertThat(out).extracting(e -> id(e)[1]).contains(16, 17, 18, 19, 20); // every arrival admitted
        if (layout.ring) assertThat(host.ended).extracting(x -> id(x.e())[1]).containsExactly(0, 1, 2, 3, 4);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void probabilisticSheddingNeverAdmitsPastCapacityAndShedsOnlyAboveTheThreshold(Layout layout) throws Exception {
        TestQueueHost host = new TestQueueHost();
        StageQueue q = layout.make(host, 64, new Admission(new Admission.Overflow.Probabilistic(0.5), Optional.empty()));
        for (int i = 0; i < 32; i++) q.offer(item(0, i, 0), true, false); // below half of every shard: never shed
        assertThat(host.ended).isEmpty();
        for (int i = 32; i < 400; i++) q.offer(item(0, i, 0), true, false);
        assertThat(q.depth()).isLessThanOrEqualTo(64).isGreaterThanOrEqualTo(32);
        assertThat(host.endedAs(Outcome.SHED) + q.depth()).isEqualTo(400);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void aLoopReentryIsAdmittedOverCapacityWithoutBlocking(Layout layout) throws Exception {
        TestQueueHost host = new TestQueueHost();
        StageQueue q = layout.make(host, WIDTH, Admission.BLOCK);
        for (int i = 0; i < WIDTH; i++) q.offer(item(0, i, 0), true, false);
        q.offer(item(1, 0, 0), false, true); // would block if it were not a re-entry
        assertThat(q.depth()).isEqualTo(WIDTH + 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<LoggingTaker> takers = startTakers(q, WIDTH, failure);
        stop(host, q, takers);
        assertThat(takers.stream().mapToInt(t -> t.log.size()).sum()).isEqualTo(WIDTH + 1);
        if (layout.ring) { // the ring's overflow is taken first
            Envelope first = takers.stream().flatMap(t -> t.log.stream()).filter(e -> id(e)[0] == 1).findFirst().orElseThrow();
            assertThat(first.sequence).as("an overflow sequence is above every ring position").isGreaterThan(1L << 61);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void aClosedQueueRefusesOffers(Layout layout) throws Exception {
        TestQueueHost host = new TestQueueHost();
        StageQueue q = layout.make(host, 16, Admission.BLOCK);
        host.externalClosed = true;
        assertThatThrownBy(() -> q.offer(item(0, 0, 0), true, false)).isInstanceOf(IllegalStateException.class);
        q.offer(item(0, 1, 0), false, false); // internal hand-offs still enter while draining
        assertThat(q.depth()).isEqualTo(1);
        if (q.acceptsRuns()) assertThat(q.offerAll(new Envelope[] {item(0, 2, 0)})).isZero();
        host.closed = true;
        q.offer(item(0, 3, 0), false, false); // internal, after cancel: ended CANCELLED by the stage
        assertThat(host.endedAs(Outcome.CANCELLED)).isEqualTo(1);
        assertThat(host.admitted.get()).as("the refused internal one counts (it ends)").isEqualTo(2);
        assertThat(q.depth()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void anInterruptedExternalProducerIsNotAdmitted(Layout layout) throws Exception {
        TestQueueHost host = new TestQueueHost();
        StageQueue q = layout.make(host, WIDTH, Admission.BLOCK);
        for (int i = 0; i < WIDTH; i++) q.offer(item(0, i, 0), true, false);
        AtomicReference<Throwable> saw = new AtomicReference<>();
        Thread p = Thread.ofPlatform().start(() -> {
            try {
                q.offer(item(1, 0, 0), true, false);
            } catch (Throwable t) {
                saw.set(t);
            }
        });
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (p.getState() != Thread.State.WAITING && p.getState() != Thread.State.TIMED_WAITING && p.isAlive()) { // parked for room
            assertThat(System.nanoTime()).as("producer parked for room within 30 s").isLessThan(deadline);
            Thread.yield();
        }
        p.interrupt();
        p.join(30_000);
        assertThat(saw.get()).isInstanceOf(InterruptedException.class);
        assertThat(host.admitted.get()).isEqualTo(WIDTH);
        assertThat(q.depth()).isEqualTo(WIDTH);
    }

    @org.junit.jupiter.api.Test
    void theFactoryPicksTheRingForSharedAndBatchedAndShardsOtherwise() {
        TestQueueHost host = new TestQueueHost();
        StageSpec s = StageSpec.named("q").withWidth(3);
        assertThat(StageQueue.forStage(s, false, host)).isInstanceOf(RingStageQueue.class);
        assertThat(StageQueue.forStage(s.withDispatch(new Dispatch.Batched(8, true)), false, host)).isInstanceOf(RingStageQueue.class);
        assertThat(StageQueue.forStage(s.withPerKey(true), false, host)).as("per-key without a key function").isInstanceOf(RingStageQueue.class);
        assertThat(StageQueue.forStage(s.withPerKey(true), true, host)).isInstanceOf(ShardedStageQueue.class);
        assertThat(StageQueue.forStage(s.withDispatch(new Dispatch.Sharded()), false, host)).isInstanceOf(ShardedStageQueue.class);
        assertThat(StageQueue.forStage(s.withDispatch(new Dispatch.WorkStealing()), false, host)).isInstanceOf(ShardedStageQueue.class);
    }

    /**
     * No wake-up storm: a run published to many sleeping takers wakes one, and the chain of wake-ups stops once the
     * awake takers keep up. 100 runs of 64 items to 16 sleeping takers, each run drained before the next: the rule
     * this replaced woke up to 16 takers per run (1,600); here it must stay far below (the bound is loose: under
     * load an awake taker can be descheduled and the chain go on).
     */
    @org.junit.jupiter.api.Test
    void aRunPublishedToSleepingTakersWakesOneAtATime() throws Exception {
        TestQueueHost host = new TestQueueHost();
        host.width = 16;
        RingStageQueue q = (RingStageQueue) StageQueue.forStage(StageSpec.named("q").withWidth(16).withQueueCapacity(1024)
                .withDispatch(new Dispatch.Batched(64, true)), false, host);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<LoggingTaker> takers = startTakers(q, 16, failure);
        int runs = 100;
        for (int r = 0; r < runs; r++) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (q.sleepingNow() < 16) { // every taker asleep before the run: the worst case for a storm
                assertThat(System.nanoTime()).as("takers asleep").isLessThan(deadline);
                Thread.yield();
            }
            Envelope[] run = new Envelope[64];
            for (int j = 0; j < 64; j++) run[j] = item(0, r * 64 + j, 0);
            assertThat(q.offerAll(run)).isEqualTo(64);
            while (q.depth() > 0) {
                assertThat(System.nanoTime()).as("run %d taken", r).isLessThan(deadline);
                Thread.yield();
            }
        }
        stop(host, q, takers);
        assertThat(failure.get()).isNull();
        assertThat(takers.stream().mapToInt(t -> t.log.size()).sum()).isEqualTo(runs * 64);
        long wakeUps = q.wakeUps() - 16; // the stop's wakeAll woke each once
        assertThat(wakeUps).as("wake-ups for %d runs", runs).isLessThanOrEqualTo(runs * 16 / 3);
    }

    /**
     * Sharded BLOCK admission: a producer whose round-robin shard is full puts an unkeyed item on a shard with room
     * instead of waiting (a wait here would time the test out: nobody takes from the full shard).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void anUnkeyedItemNeverWaitsOnAFullShardWhileAnotherHasRoom(Layout layout) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(layout.ring, "one ring: no shards");
        TestQueueHost host = new TestQueueHost();
        StageQueue q = layout.make(host, WIDTH, Admission.BLOCK); // one slot per shard
        LoggingTaker second = everyShardFullButShard2(q);
        q.offer(item(1, 0, 0), true, false); // round-robin points at shard 0 (full): goes to shard 2
        assertThat(q.depth()).isEqualTo(WIDTH);
        assertThat(host.admitted.get()).isEqualTo(WIDTH + 1);
        assertThat(q.take(second)).isEqualTo(1);
        assertThat(id(second.hand()[0])).as("the new item sits on the shard that had room").containsExactly(1, 0);
    }

    /**
     * Fills a one-slot-per-shard queue round-robin, then has taker 2 take shard 2's item back.
     * @return that taker
     */
    private static LoggingTaker everyShardFullButShard2(StageQueue q) throws InterruptedException {
        for (int i = 0; i < WIDTH; i++) q.offer(item(0, i, 0), true, false); // round-robin: every shard full
        LoggingTaker second = new LoggingTaker(2, q, 1, new AtomicReference<>());
        second.sleeper = new Sleepers.Sleeper(Thread.currentThread());
        assertThat(q.take(second)).isEqualTo(1); // shard 2 has room now
        return second;
    }

    /**
     * A cancel that closes the stage while a producer moves an item from its full shard to one with room: the item
     * is refused (ended CANCELLED), never added behind the cancel's drain, which may have passed that shard already
     * and would leave it stranded, neither taken nor ended. The host closes itself right after the producer's first
     * look at the flag, as a cancel on another thread can. (RandomPipelinePropertiesTest lost an item this way,
     * about once in 3,000 cancelled runs of a sharded stage behind an ordered one.)
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void anItemMovingToAnotherShardWhenTheStageClosesIsRefusedNotStranded(Layout layout) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(layout.ring, "one ring: no shards");
        TestQueueHost host = new TestQueueHost();
        StageQueue q = layout.make(host, WIDTH, Admission.BLOCK); // one slot per shard
        everyShardFullButShard2(q);
        host.readsBeforeClose.set(1); // the offer's first look sees the stage open, every later one closed
        q.offer(item(1, 0, 0), false, false); // round-robin points at a full shard: the item would move
        assertThat(host.endedAs(Outcome.CANCELLED)).as("refused once closed").isEqualTo(1);
        assertThat(q.depth()).as("nothing added after the close").isEqualTo(WIDTH - 1);
    }

    /**
     * Takers that never come back (each holds its item, as a worker blocked in its work or at a gate does): items
     * offered one by one must still all be taken, so no wake-up may count on an awake taker returning. 40
     * rounds of WIDTH takers and WIDTH items; a stall leaves an item queued and times out.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void itemsReachEveryTakerWhenNoTakerComesBack(Layout layout) throws Exception {
        for (int round = 0; round < 40; round++) {
            TestQueueHost host = new TestQueueHost();
            StageQueue q = layout.make(host, 64, Admission.BLOCK);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger took = new AtomicInteger();
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < WIDTH; i++) {
                LoggingTaker t = new LoggingTaker(i, q, 16, new AtomicReference<>());
                ts.add(Thread.ofPlatform().daemon().start(() -> {
                    t.sleeper = new Sleepers.Sleeper(Thread.currentThread());
                    try {
                        took.addAndGet(q.take(t)); // a fixed batch may take several
                        release.await(); // never comes back for more
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            for (int i = 0; i < WIDTH; i++) q.offer(item(0, i, 0), true, false);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (took.get() < WIDTH) {
                assertThat(System.nanoTime()).as("round %d: %d of %d items taken", round, took.get(), WIDTH).isLessThan(deadline);
                Thread.yield();
            }
            assertThat(q.depth()).isZero();
            release.countDown();
            host.stopWhenEmpty = true; // takers still waiting for an item (a fixed batch took several) leave
            q.wakeAll();
            for (Thread t : ts) {
                t.join(10_000);
                assertThat(t.isAlive()).isFalse();
            }
        }
    }
}
