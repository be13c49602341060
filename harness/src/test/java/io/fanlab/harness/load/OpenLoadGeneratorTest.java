package io.fanlab.harness.load;

import static org.assertj.core.api.Assertions.*;

import io.fanlab.harness.design.Item;
import io.fanlab.harness.load.LoadSpec.Arrival;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class OpenLoadGeneratorTest {
    static final long MS = 1_000_000L;

    /** A manual clock that ticks 100 ns per read (so spinning ends) and jumps by whatever the generator parks. */
    static final class ManualClock {
        final AtomicLong now = new AtomicLong(1_000 * MS);
        long read() { return now.addAndGet(100); }
        void advance(long nanos) { now.addAndGet(nanos); }
    }

    static ArrivalSchedule constant(double perSecond) {
        return ArrivalSchedule.of(new Arrival.Constant(new Rate(perSecond)), 1, List.of());
    }

    @Test
    void itemsCarryTheirIntendedStartAndArriveOnTimeOnAManualClock() throws Exception {
        var clock = new ManualClock();
        var gen = new OpenLoadGenerator(Duration.ofMillis(1), clock::advance);
        long runStart = clock.now.get() + 3 * MS;
        List<Item> got = new ArrayList<>();
        List<Long> submittedAt = new ArrayList<>();
        GeneratorStats s = gen.run(constant(1000), runStart, 100 * MS,
                (seq, intended) -> new Item(seq, seq, -1, 0, intended),
                item -> { got.add(item); submittedAt.add(clock.now.get()); }, clock::read);
        assertThat(s.offered()).isEqualTo(100);
        assertThat(got).hasSize(100);
        for (int i = 0; i < 100; i++) {
            assertThat(got.get(i).seq()).isEqualTo(i);
            assertThat(got.get(i).intendedStartNanos()).isEqualTo(runStart + i * MS);
            // never early, and late only by the few clock ticks of the spin loop
            assertThat(submittedAt.get(i) - got.get(i).intendedStartNanos()).isBetween(0L, 1_000L);
        }
        assertThat(s.missedStarts()).isZero();
        assertThat(s.lagMaxUs()).isLessThanOrEqualTo(1.0);
        assertThat(s.fellBehind()).isFalse();
        assertThat(s.intendedRatePerSec()).isCloseTo(1000, within(1e-9));
    }

    @Test
    void lagDuringTheWarmupIsNotJudged() throws Exception {
        var clock = new ManualClock();
        var gen = new OpenLoadGenerator(Duration.ofMillis(1), clock::advance).judgeLagFrom(20 * MS);
        long runStart = clock.now.get();
        // the first 5 items (the "warmup") each stall 2 ms, 10 ms behind; the rest are cheap and catch up by ~10 ms
        GeneratorStats s = gen.run(constant(1000), runStart, 100 * MS,
                (seq, intended) -> new Item(seq, seq, -1, 0, intended),
                item -> { if (item.seq() < 5) clock.advance(2 * MS); }, clock::read);
        assertThat(s.offered()).isEqualTo(100);
        assertThat(s.missedStarts()).isZero();
        assertThat(s.fellBehind()).isFalse();
        // judged from 0, the same run falls behind
        var clock2 = new ManualClock();
        GeneratorStats all = new OpenLoadGenerator(Duration.ofMillis(1), clock2::advance).run(constant(1000), clock2.now.get(), 100 * MS,
                (seq, intended) -> new Item(seq, seq, -1, 0, intended),
                item -> { if (item.seq() < 5) clock2.advance(2 * MS); }, clock2::read);
        assertThat(all.fellBehind()).isTrue();
    }

    @Test
    void aSlowSinkMakesLagAndTheDeadlineCountsWhatItCouldNotStart() throws Exception {
        var clock = new ManualClock();
        var gen = new OpenLoadGenerator(Duration.ofMillis(1), clock::advance);
        long runStart = clock.now.get();
        List<Item> got = new ArrayList<>();
        List<Long> submittedAt = new ArrayList<>();
        // each submit blocks for 3 ms of clock time while arrivals are 1 ms apart: the generator falls ever further behind
        GeneratorStats s = gen.run(constant(1000), runStart, 50 * MS,
                (seq, intended) -> new Item(seq, seq, -1, 0, intended),
                item -> { got.add(item); submittedAt.add(clock.now.get()); clock.advance(3 * MS); }, clock::read);
        // item i is handed over at about 3i ms, i.e. 2i ms late, while the clock is before the deadline (50 ms + the 1 ms
        // missed-start threshold): i <= 16
        assertThat(s.offered()).isEqualTo(17);
        assertThat(s.notStarted()).isEqualTo(33);
        assertThat(s.offered() + s.notStarted()).as("every arrival of the schedule is offered or counted").isEqualTo(50);
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i).intendedStartNanos()).isEqualTo(runStart + i * MS);
            assertThat(submittedAt.get(i)).isLessThan(runStart + 51 * MS);
        }
        // items 1..16 exceed the 1 ms threshold
        assertThat(s.missedStarts()).isEqualTo(16);
        assertThat(s.lagMaxUs()).isCloseTo(32_000, within(100.0));
        assertThat(s.fellBehind()).isTrue();
        assertThat(s.summary()).contains("not_started=33");
    }

    @Test
    void aGeneratorOnTimeStartsEveryArrival() throws Exception {
        var clock = new ManualClock();
        GeneratorStats s = new OpenLoadGenerator(Duration.ofMillis(1), clock::advance).run(constant(1000), clock.now.get(), 50 * MS,
                (seq, intended) -> new Item(seq, seq, -1, 0, intended), item -> clock.advance(MS / 2), clock::read);
        assertThat(s.offered()).isEqualTo(50);
        assertThat(s.notStarted()).isZero();
    }

    @Test
    void stopEndsTheRunAndKeepsWhatWasOffered() throws Exception {
        var clock = new ManualClock();
        var gen = new OpenLoadGenerator(Duration.ofMillis(1), clock::advance);
        GeneratorStats s = gen.run(constant(1000), clock.now.get(), 1_000 * MS,
                (seq, intended) -> new Item(seq, seq, -1, 0, intended),
                item -> { if (item.seq() == 9) gen.stop(); }, clock::read);
        assertThat(s.offered()).isEqualTo(10);
        assertThatThrownBy(() -> gen.run(constant(1), 0, 1, (seq, t) -> null, item -> {}, clock::read))
                .isInstanceOf(IllegalStateException.class).hasMessage("run: already called (expected: once per generator)");
    }

    @Test
    void runsOnOneDedicatedPlatformThreadAndRethrowsSinkFailures() {
        var clock = new ManualClock();
        var gen = new OpenLoadGenerator(Duration.ofMillis(1), clock::advance);
        List<Thread> threads = new ArrayList<>();
        assertThatThrownBy(() -> gen.run(constant(1000), clock.now.get(), 100 * MS,
                (seq, intended) -> { threads.add(Thread.currentThread()); return new Item(seq, seq, -1, 0, intended); },
                item -> { if (item.seq() == 4) throw new IllegalStateException("boom"); }, clock::read))
                .isInstanceOf(IllegalStateException.class).hasMessage("boom");
        assertThat(threads).hasSize(5);
        assertThat(threads).allSatisfy(t -> {
            assertThat(t).isSameAs(threads.get(0));
            assertThat(t.getName()).isEqualTo(OpenLoadGenerator.THREAD_NAME);
            assertThat(t.isVirtual()).isFalse();
        });
        assertThat(threads.get(0).isAlive()).isFalse();
    }

    @Test
    void seqOnlyFactoryGetsTheScheduledIntendedStart() throws Exception {
        var clock = new ManualClock();
        var gen = new OpenLoadGenerator(Duration.ofMillis(1), clock::advance);
        long runStart = clock.now.get();
        List<Item> got = new ArrayList<>();
        gen.run(constant(100), runStart, 50 * MS, (long seq) -> new Item(seq, seq, 7, 1, 0), got::add, clock::read);
        assertThat(got).extracting(Item::intendedStartNanos).containsExactly(runStart, runStart + 10 * MS, runStart + 20 * MS,
                runStart + 30 * MS, runStart + 40 * MS);
        assertThat(got).extracting(Item::key).containsOnly(7L);
    }

    @Test
    void realClockOffersTheWholeScheduleWithExactIntendedStarts() throws Exception {
        var gen = new OpenLoadGenerator();
        long runStart = System.nanoTime() + MS;
        List<Item> got = new ArrayList<>();
        GeneratorStats s = gen.run(constant(2000), runStart, 100 * MS, (seq, intended) -> new Item(seq, seq, -1, 0, intended),
                got::add, System::nanoTime);
        // on a busy machine the last arrivals may miss the deadline (window end + 1 ms); they are counted, not lost
        assertThat(s.offered() + s.notStarted()).isEqualTo(200);
        assertThat(got).hasSize((int) s.offered());
        for (int i = 0; i < got.size(); i++) assertThat(got.get(i).intendedStartNanos()).isEqualTo(runStart + i * 500_000L);
        assertThat(System.nanoTime()).isGreaterThanOrEqualTo(runStart + (got.size() - 1) * 500_000L); // nothing was sent early
    }

    @Test
    void interruptingTheCallerStopsTheGeneratorThread() throws Exception {
        var gen = new OpenLoadGenerator();
        var firstSubmit = new CountDownLatch(1);
        var generatorThread = new AtomicReference<Thread>();
        var result = new AtomicReference<GeneratorStats>();
        var callerInterrupted = new AtomicReference<Boolean>();
        Thread caller = Thread.ofPlatform().start(() -> {
            try {
                result.set(gen.run(constant(100), System.nanoTime(), 60_000 * MS,
                        (seq, intended) -> new Item(seq, seq, -1, 0, intended),
                        item -> { generatorThread.set(Thread.currentThread()); firstSubmit.countDown(); }, System::nanoTime));
                callerInterrupted.set(Thread.currentThread().isInterrupted());
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        assertThat(firstSubmit.await(30, TimeUnit.SECONDS)).isTrue();
        caller.interrupt();
        caller.join(TimeUnit.SECONDS.toMillis(30)); // safety net only
        assertThat(caller.isAlive()).isFalse();
        assertThat(result.get().offered()).isGreaterThanOrEqualTo(1).isLessThan(6000);
        assertThat(callerInterrupted.get()).isTrue();
        assertThat(generatorThread.get().isAlive()).isFalse();
    }
}
