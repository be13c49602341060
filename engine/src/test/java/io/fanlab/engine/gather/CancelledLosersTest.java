package io.fanlab.engine.gather;

import io.fanlab.engine.observe.Tally;
import io.fanlab.engine.spec.StageSpec;
import io.fanlab.engine.spec.ThreadKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** FIRST and QUORUM joins cancel their losers: queued ones never start, running ones stop; each is counted once. */
@Timeout(120)
class CancelledLosersTest {

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void firstCancelsTheLosersThatBlockAndTheyEndCancelled(ThreadKind t) throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch losersStarted = new CountDownLatch(3);
        ScatterGather<Integer, Integer> sg = ScatterGather.start(StageSpec.named("sg-cancel").withWidth(4).withThreads(t), (x, c) -> {
            if (x != 1) {
                losersStarted.countDown();
                never.await(); // interruptible: the cancel interrupts it
                return -x;
            }
            losersStarted.await(); // the winner ends once every loser is in service
            return x;
        });
        Gathered<Integer> g = sg.submit(List.of(1, 2, 3, 4), Join.FIRST).get(30, TimeUnit.SECONDS);
        assertThat(g.results()).containsExactly(1);
        var report = sg.close(Duration.ofSeconds(30));
        assertThat(report.drained()).as("the losers stopped; nothing was left to cancel at close").isTrue();
        assertThat(sg.cancelledLosers()).isEqualTo(3);
        assertThat(sg.losersFinished()).isZero();
        assertThat(sg.tally()).isEqualTo(new Tally(4, 1, 0, 0, 0, 3, 0, 0));
    }

    @Test
    void queuedLosersNeverStart() throws Exception {
        AtomicInteger started = new AtomicInteger();
        ScatterGather<Integer, Integer> sg = ScatterGather.start(StageSpec.named("sg-queued").withWidth(1), (x, c) -> {
            started.incrementAndGet();
            return x;
        });
        Gathered<Integer> g = sg.submit(List.of(1, 2, 3, 4, 5), Join.FIRST).get(30, TimeUnit.SECONDS);
        assertThat(g.results()).containsExactly(1); // one worker, FIFO: item 1 ends first
        sg.close(Duration.ofSeconds(30));
        assertThat(started.get()).as("only the winner ran").isEqualTo(1);
        assertThat(sg.cancelledLosers()).isEqualTo(4);
        assertThat(sg.tally().cancelled()).isEqualTo(4);
    }

    @Test
    void aLoserThatIgnoresTheCancelFinishesAnywayAndIsCountedSo() throws Exception {
        AtomicBoolean release = new AtomicBoolean();
        CountDownLatch loserStarted = new CountDownLatch(1);
        ScatterGather<Integer, Integer> sg = ScatterGather.start(StageSpec.named("sg-stubborn").withWidth(2), (x, c) -> {
            if (x == 2) {
                loserStarted.countDown();
                while (!release.get()) Thread.onSpinWait(); // neither polls the token nor blocks interruptibly
                return x;
            }
            loserStarted.await();
            return x;
        });
        CompletableFuture<Gathered<Integer>> f = sg.submit(List.of(1, 2), Join.FIRST);
        assertThat(f.get(30, TimeUnit.SECONDS).results()).containsExactly(1);
        release.set(true);
        sg.close(Duration.ofSeconds(30));
        assertThat(sg.losersFinished()).isEqualTo(1);
        assertThat(sg.cancelledLosers()).isZero();
        assertThat(sg.tally().completed()).isEqualTo(2);
    }

    @Test
    void quorumCancelsWhatItNoLongerNeedsAndAStageWithTimeoutsCancelsItsAttempts() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        ScatterGather<Integer, Integer> sg = ScatterGather.start(StageSpec.named("sg-quorum").withWidth(4).withTimeout(Duration.ofSeconds(60)), (x, c) -> {
            if (x > 2) never.await();
            return x;
        });
        Gathered<Integer> g = sg.submit(List.of(1, 2, 3, 4), new Join.Quorum(2)).get(30, TimeUnit.SECONDS);
        assertThat(g.satisfied()).isTrue();
        var report = sg.close(Duration.ofSeconds(30));
        assertThat(report.drained()).isTrue();
        assertThat(sg.cancelledLosers()).isEqualTo(2);
        assertThat(sg.tally().cancelled()).isEqualTo(2);
        assertThat(sg.engine().liveThreads()).as("no attempt thread left behind").isEmpty();
    }

    /**
     * Many requests at once, losers stopping in every way (blocked, polling the token, finishing anyway, failing):
     * every item is counted exactly once (in its join or as a loser), the tallies agree, and no cancel's interrupt
     * ever reaches another item (each item checks its thread's interrupt status when it starts).
     */
    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void underLoadEveryItemIsCountedOnceAndNoInterruptLeaksIntoAnotherItem(ThreadKind t) throws Exception {
        AtomicInteger leaked = new AtomicInteger();
        ScatterGather<Integer, Integer> sg = ScatterGather.start(StageSpec.named("sg-load").withWidth(8).withThreads(t).withQueueCapacity(64), (x, c) -> {
            // an interrupt pending while this item is not itself cancelled came from another item's cancel
            if (Thread.currentThread().isInterrupted() && !c.isCancelled()) leaked.incrementAndGet();
            switch (x % 5) {
                case 0 -> Thread.sleep(0, 200_000);                                  // blocks briefly
                case 1 -> { for (int i = 0; i < 2_000 && !c.isCancelled(); i++) Thread.onSpinWait(); } // polls the token
                case 2 -> { for (int i = 0; i < 500; i++) Thread.onSpinWait(); }     // ignores it
                case 3 -> { if (ThreadLocalRandom.current().nextInt(4) == 0) throw new IllegalStateException("boom"); }
                default -> { }
            }
            return x;
        });
        int requests = 600, k = 5;
        List<CompletableFuture<Gathered<Integer>>> fs = new ArrayList<>();
        for (int r = 0; r < requests; r++) {
            List<Integer> items = new ArrayList<>();
            for (int i = 0; i < k; i++) items.add(ThreadLocalRandom.current().nextInt(1000));
            Join join = r % 3 == 0 ? Join.FIRST : r % 3 == 1 ? new Join.Quorum(3) : Join.ALL;
            fs.add(sg.submit(items, join));
        }
        int inJoins = 0;
        for (CompletableFuture<Gathered<Integer>> f : fs) {
            Gathered<Integer> g = f.get(60, TimeUnit.SECONDS);
            inJoins += g.results().size() + g.failedParts();
        }
        var report = sg.close(Duration.ofSeconds(60));
        assertThat(report.drained()).isTrue();
        assertThat(leaked.get()).as("items that started with an interrupt pending").isZero();
        assertThat(inJoins + sg.lateParts()).as("every item counted once: in its join or as a loser").isEqualTo(requests * k);
        Tally tally = sg.tally();
        assertThat(tally.admitted()).isEqualTo(requests * k);
        assertThat(tally.inFlight()).isZero();
        assertThat(tally.cancelled()).as("only losers end cancelled").isEqualTo(sg.cancelledLosers());
        assertThat(sg.cancelledLosers()).as("some losers were cancelled").isPositive();
        assertThat(sg.loserNanosAfterJoin()).isNotNegative();
    }
}
