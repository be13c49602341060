package io.fanlab.engine.pipeline;

import io.fanlab.engine.Outcome;
import io.fanlab.engine.observe.Tally;
import io.fanlab.engine.spec.ErrorPolicy;
import io.fanlab.engine.spec.StageSpec;
import io.fanlab.engine.spec.ThreadKind;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Work that throws, hangs ignoring interrupts, blocks forever on a lock; close with a deadline; error policies. */
@Timeout(60)
class FailureModeTest {

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void throwingWorkEndsFailedUnderContinue(ThreadKind t) throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("thrower").withWidth(2).withThreads(t), (x, c) -> {
            if (x % 3 == 0) throw new IllegalStateException("boom " + x);
            return x;
        }).then(StageSpec.named("after"), (x, c) -> x).start(rec);
        List<Integer> items = IntStream.range(0, 300).boxed().toList();
        for (int i : items) engine.submit(i);
        ShutdownReport r = engine.close(Duration.ofSeconds(10));
        rec.assertExactlyOnce(Pipeline.MAIN_EXIT, items);
        assertThat(r.tally()).isEqualTo(new Tally(300, 200, 100, 0, 0, 0, 0, 0));
        assertThat(rec.calls).filteredOn(c -> c.outcome() == Outcome.FAILED)
                .allSatisfy(c -> assertThat(c.cause()).hasMessage("boom " + c.item()));
        assertThat(engine.stage("thrower").errors()).isEqualTo(100);
        assertThat(engine.stage("after").in()).isEqualTo(200);
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void deadLettersAreKeptBoundedAndCounted(ThreadKind t) throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("dl").withThreads(t).withOnError(ErrorPolicy.DEAD_LETTER), (x, c) -> {
            if (x % 2 == 0) throw new IllegalArgumentException("even " + x);
            return x;
        }).deadLetterCapacity(10).start(rec);
        for (int i = 0; i < 50; i++) engine.submit(i);
        ShutdownReport r = engine.close(Duration.ofSeconds(10));
        assertThat(r.tally()).isEqualTo(new Tally(50, 25, 0, 0, 0, 0, 25, 0));
        assertThat(engine.deadLetters()).hasSize(10);
        assertThat(engine.droppedDeadLetters()).isEqualTo(15);
        assertThat(engine.deadLetters()).allSatisfy(d -> {
            assertThat(d.stage()).isEqualTo("dl");
            assertThat(d.cause()).hasMessage("even " + d.input());
            assertThat(d.origin()).isEqualTo(d.input());
        });
        assertThat(rec.count(Outcome.DEAD_LETTERED)).isEqualTo(25);
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void failFastFailsTheItemCancelsTheRestAndRefusesInput(ThreadKind t) throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch allIn = new CountDownLatch(1);
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("ff").withWidth(2).withThreads(t).withOnError(ErrorPolicy.FAIL_FAST), (x, c) -> {
            if (x == 0) {
                allIn.await();
                throw new IllegalStateException("first");
            }
            release.await();
            return x;
        }).start(rec);
        for (int i = 0; i < 20; i++) engine.submit(i);
        allIn.countDown();
        awaitState(engine, EngineState.FAILED, EngineState.STOPPED);
        assertThatThrownBy(() -> engine.submit(99)).isInstanceOf(IllegalStateException.class).hasMessageContaining("fail-fast");
        ShutdownReport r = engine.close(Duration.ofSeconds(10));
        assertThat(r.drained()).isFalse();
        rec.assertExactlyOnce(Pipeline.MAIN_EXIT, IntStream.range(0, 20).boxed().toList());
        assertThat(rec.calls).filteredOn(c -> c.item().equals(0)).singleElement().extracting(Recorder.Call::outcome).isEqualTo(Outcome.FAILED);
        assertThat(r.tally()).isEqualTo(new Tally(20, 0, 1, 0, 0, 19, 0, 0));
        assertThat(engine.liveThreads()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void workIgnoringInterruptsIsReportedStuckAndItsLateResultIgnored(ThreadKind t) throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("hang-" + t).withThreads(t), (x, c) -> {
            if (x == 0) {
                started.countDown();
                while (!stop.get()) Thread.onSpinWait(); // ignores interrupt and token
            }
            return x;
        }).start(rec);
        for (int i = 0; i < 5; i++) engine.submit(i);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        long t0 = System.nanoTime();
        ShutdownReport r = engine.cancel(Duration.ofMillis(300));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        assertThat(r.stuck()).singleElement().satisfies(s -> {
            assertThat(s.sequence()).isZero();
            assertThat(s.item()).isEqualTo(0);
            assertThat(s.thread()).isEqualTo("fanlab-hang-" + t + "-0");
        });
        assertThat(r.tally()).isEqualTo(new Tally(5, 0, 0, 0, 0, 5, 0, 0));
        assertThat(engine.liveThreads()).hasSize(1);
        stop.set(true); // the late result must be ignored
        awaitNoThreads(engine);
        rec.assertExactlyOnce(Pipeline.MAIN_EXIT, List.of(0, 1, 2, 3, 4));
        assertThat(rec.outcomes()).containsOnlyKeys(Outcome.CANCELLED);
        assertThat(engine.tally()).isEqualTo(r.tally());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void workBlockedForeverOnALockIsReportedStuck(ThreadKind t) throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        ReentrantLock lock = new ReentrantLock();
        lock.lock();
        try {
            CountDownLatch started = new CountDownLatch(1);
            FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("locked-" + t).withThreads(t), (x, c) -> {
                started.countDown();
                lock.lock(); // uninterruptible
                lock.unlock();
                return x;
            }).start(rec);
            engine.submit(1);
            engine.submit(2);
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            ShutdownReport r = engine.close(Duration.ofMillis(200)); // close with a deadline still returns
            assertThat(r.drained()).isFalse();
            assertThat(r.took()).isLessThan(Duration.ofSeconds(3));
            assertThat(r.stuck()).singleElement().extracting(StuckItem::item).isEqualTo(1);
            assertThat(r.tally()).isEqualTo(new Tally(2, 0, 0, 0, 0, 2, 0, 0));
            lock.unlock();
            awaitNoThreads(engine);
            assertThat(rec.calls).hasSize(2);
        } finally {
            if (lock.isHeldByCurrentThread()) lock.unlock();
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void closeRefusesSubmitAndIsIdempotent(ThreadKind t) throws Exception {
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("c").withThreads(t), (x, c) -> x).start(TerminalListener.ignore());
        engine.submit(1);
        ShutdownReport first = engine.close(Duration.ofSeconds(5));
        assertThat(first.drained()).isTrue();
        assertThatThrownBy(() -> engine.submit(2)).isInstanceOf(IllegalStateException.class).hasMessageContaining("submit is refused");
        assertThatThrownBy(() -> engine.setWidth("c", 2)).isInstanceOf(IllegalStateException.class);
        assertThat(engine.cancel(Duration.ofSeconds(1))).isSameAs(first);
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void producerBlockedOnAFullQueueIsRefusedWhenCloseBegins(ThreadKind t) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("full").withThreads(t).withQueueCapacity(1), (x, c) -> {
            release.await();
            return x;
        }).start(TerminalListener.ignore());
        engine.submit(1); // taken by the worker (or queued)
        engine.submit(2);
        CountDownLatch refused = new CountDownLatch(1);
        Thread producer = Thread.ofPlatform().start(() -> {
            try {
                engine.submit(3);
                engine.submit(4);
            } catch (IllegalStateException e) {
                refused.countDown();
            } catch (InterruptedException ignored) {
            }
        });
        awaitBlocked(producer);
        Thread closer = Thread.ofPlatform().start(() -> engine.close(Duration.ofSeconds(10)));
        assertThat(refused.await(10, TimeUnit.SECONDS)).isTrue();
        release.countDown();
        closer.join(10_000);
        assertThat(engine.state()).isEqualTo(EngineState.STOPPED);
        assertThat(engine.tally().inFlight()).isZero();
        assertThat(engine.tally().completed()).isEqualTo(engine.tally().admitted());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void cancelDuringALongCloseReturnsWithinItsBound(ThreadKind t) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("slowclose-" + t).withThreads(t), (x, c) -> {
            started.countDown();
            never.await();
            return x;
        }).start(TerminalListener.ignore());
        engine.submit(1);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        Thread closer = Thread.ofPlatform().start(() -> engine.close(Duration.ofSeconds(60)));
        awaitState(engine, EngineState.DRAINING);
        long t0 = System.nanoTime();
        ShutdownReport r = engine.cancel(Duration.ofSeconds(1));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(r.drained()).isFalse();
        assertThat(r.tally()).isEqualTo(new Tally(1, 0, 0, 0, 0, 1, 0, 0));
        closer.join(10_000);
        assertThat(closer.isAlive()).isFalse();
        assertThat(engine.liveThreads()).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void virtualWorkersHoldAsManyBlockedItemsAsTheWidth() throws Exception {
        // 300 items can only pass a 300-party barrier if 300 workers are in service at once
        java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(300);
        Recorder<Integer> rec = new Recorder<>();
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("wide").withWidth(300).withThreads(ThreadKind.VIRTUAL)
                .withDispatch(new io.fanlab.engine.spec.Dispatch.Sharded()), (x, c) -> {
            barrier.await(20, TimeUnit.SECONDS);
            return x;
        }).start(rec);
        List<Integer> items = IntStream.range(0, 300).boxed().toList();
        engine.submitAll(items);
        ShutdownReport r = engine.close(Duration.ofSeconds(30));
        assertThat(r.drained()).isTrue();
        assertThat(rec.count(Outcome.COMPLETED)).isEqualTo(300);
        assertThat(engine.stage("wide").workers()).hasSize(300).allSatisfy(w -> assertThat(w.items()).isEqualTo(1));
    }

    static void awaitBlocked(Thread th) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (th.getState() != Thread.State.WAITING && System.nanoTime() < end) Thread.sleep(1); // safety-net poll, not a timing assertion
        assertThat(th.getState()).isEqualTo(Thread.State.WAITING);
    }

    static void awaitState(FanOutEngine<?> engine, EngineState... states) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!List.of(states).contains(engine.state()) && System.nanoTime() < end) Thread.sleep(1);
        assertThat(engine.state()).isIn((Object[]) states);
    }

    static void awaitNoThreads(FanOutEngine<?> engine) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!engine.liveThreads().isEmpty() && System.nanoTime() < end) Thread.sleep(1);
        assertThat(engine.liveThreads()).isEmpty();
    }
}
