package io.fanlab.harness.load;

import static org.assertj.core.api.Assertions.*;

import io.fanlab.harness.design.Item;
import io.fanlab.harness.dist.Distribution;
import io.fanlab.harness.scenario.KeySpec;
import io.fanlab.harness.stream.ItemStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Safety nets (end offsets, joins, the class timeout) are generous and never what a test asserts on. */
@Timeout(60)
class ClosedLoadGeneratorTest {
    static final long MS = 1_000_000L;
    static final ItemStream STREAM = new ItemStream(1, new KeySpec.None(), 1, List.of());

    static Item item(long seq, long intended) { return new Item(seq, seq, -1, 0, intended); }

    @Test
    void eachUserHasAtMostOneItemOutstandingAndNoUserThreadOutlivesTheRun() throws Exception {
        int users = 4;
        var gen = new ClosedLoadGenerator(users, new Distribution.Constant(Duration.ofMillis(1)), STREAM);
        Map<Thread, AtomicInteger> outstanding = new ConcurrentHashMap<>();
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        List<Long> seqs = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger violations = new AtomicInteger();
        long start = System.nanoTime();
        // ends by stop() once every user has been seen and 200 items went round; the 20 s end offset is a safety net
        GeneratorStats s = gen.run(start, 20_000 * MS, ClosedLoadGeneratorTest::item, it -> {
            Thread me = Thread.currentThread();
            seen.add(me);
            seqs.add(it.seq());
            if (outstanding.computeIfAbsent(me, t -> new AtomicInteger()).incrementAndGet() != 1) violations.incrementAndGet();
            if (seen.size() == users && seqs.size() >= 200) gen.stop();
            // complete from another thread, as a design would
            Thread.ofVirtual().start(() -> { outstanding.get(me).decrementAndGet(); gen.completed(it); });
        }, System::nanoTime);
        assertThat(System.nanoTime() - start).isLessThan(20_000 * MS);
        assertThat(violations.get()).isZero();
        assertThat(seen).hasSize(users).allSatisfy(t -> {
            assertThat(t.isVirtual()).isTrue();
            assertThat(t.getName()).startsWith(ClosedLoadGenerator.THREAD_NAME_PREFIX);
            assertThat(t.isAlive()).isFalse();
        });
        assertThat(s.offered()).isEqualTo(seqs.size()).isGreaterThanOrEqualTo(users);
        assertThat(seqs).doesNotHaveDuplicates();
        assertThat(Collections.max(seqs)).isEqualTo(seqs.size() - 1); // gap-free
        assertThat(s.lagP99Us()).isZero();
        assertThat(s.missedStarts()).isZero();
    }

    @Test
    void completionReportedInsideSubmitIsNotLost() throws Exception {
        var gen = new ClosedLoadGenerator(2, new Distribution.Constant(Duration.ZERO), STREAM);
        var threads = ConcurrentHashMap.<Thread>newKeySet();
        GeneratorStats s = gen.run(System.nanoTime(), 50 * MS, ClosedLoadGeneratorTest::item,
                it -> { threads.add(Thread.currentThread()); gen.completed(it); }, System::nanoTime); // e.g. shed at admission
        assertThat(s.offered()).isGreaterThan(2); // users went round the loop, not stuck on their first item
        assertThat(threads).noneMatch(Thread::isAlive);
    }

    @Test
    void thinkTimeSeparatesAUsersRequests() throws Exception {
        var gen = new ClosedLoadGenerator(1, new Distribution.Constant(Duration.ofMillis(20)), STREAM);
        List<Long> starts = Collections.synchronizedList(new ArrayList<>());
        long t0 = System.nanoTime();
        gen.run(t0, 20_000 * MS, ClosedLoadGeneratorTest::item, it -> {
            starts.add(it.intendedStartNanos());
            if (starts.size() == 5) gen.stop();
            gen.completed(it);
        }, System::nanoTime);
        assertThat(starts).hasSize(5);
        assertThat(starts.get(0)).isGreaterThanOrEqualTo(t0); // intended start = the user's clock when it built the item
        for (int i = 1; i < starts.size(); i++) assertThat(starts.get(i) - starts.get(i - 1)).isGreaterThanOrEqualTo(20 * MS);
    }

    @Test
    void usersWaitingForCompletionsThatNeverComeStopAtTheEnd() throws Exception {
        int users = 3;
        var gen = new ClosedLoadGenerator(users, new Distribution.Constant(Duration.ZERO), STREAM);
        Map<Thread, AtomicInteger> submits = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        GeneratorStats s = gen.run(start, 300 * MS, ClosedLoadGeneratorTest::item,
                it -> submits.computeIfAbsent(Thread.currentThread(), t -> new AtomicInteger()).incrementAndGet(), System::nanoTime);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(300 * MS);
        // a user that started in time (on a loaded machine not all may) submitted once and then waited until the end
        assertThat(s.offered()).isEqualTo(submits.size()).isBetween(0L, (long) users);
        assertThat(submits.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(submits.keySet()).noneMatch(Thread::isAlive);
    }

    @Test
    void stopFreesUsersBlockedInSubmit() throws Exception {
        int users = 3;
        var gen = new ClosedLoadGenerator(users, new Distribution.Constant(Duration.ZERO), STREAM);
        var blocked = new CountDownLatch(users);
        var threads = ConcurrentHashMap.<Thread>newKeySet();
        var result = new AtomicReference<GeneratorStats>();
        Thread caller = Thread.ofPlatform().start(() -> {
            try {
                // only stop() can end this run before the safety nets
                result.set(gen.run(System.nanoTime(), 3_600_000 * MS, ClosedLoadGeneratorTest::item, it -> {
                    threads.add(Thread.currentThread());
                    blocked.countDown();
                    new CountDownLatch(1).await(); // back-pressure forever
                }, System::nanoTime));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        assertThat(blocked.await(30, TimeUnit.SECONDS)).isTrue();
        gen.stop();
        caller.join(TimeUnit.SECONDS.toMillis(30)); // safety net only
        assertThat(caller.isAlive()).isFalse();
        assertThat(result.get().offered()).isZero(); // no submit returned normally
        assertThat(threads).hasSize(users).noneMatch(Thread::isAlive);
    }

    @Test
    void sinkFailureIsRethrownAfterAllUsersEnded() {
        var gen = new ClosedLoadGenerator(2, new Distribution.Constant(Duration.ZERO), STREAM);
        var threads = ConcurrentHashMap.<Thread>newKeySet();
        assertThatThrownBy(() -> gen.run(System.nanoTime(), 3_600_000 * MS, ClosedLoadGeneratorTest::item, it -> {
            threads.add(Thread.currentThread());
            if (it.seq() == 5) throw new IllegalStateException("design broke");
            gen.completed(it);
        }, System::nanoTime)).isInstanceOf(IllegalStateException.class).hasMessage("design broke");
        assertThat(threads).noneMatch(Thread::isAlive);
    }

    @Test
    void invalidUsersNameTheField() {
        assertThatThrownBy(() -> new ClosedLoadGenerator(0, new Distribution.Constant(Duration.ZERO), STREAM))
                .hasMessage("load.closed.users: 0 (expected: >= 1)");
    }
}
