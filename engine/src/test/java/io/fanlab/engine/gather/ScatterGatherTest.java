package io.fanlab.engine.gather;

import io.fanlab.engine.spec.StageSpec;
import io.fanlab.engine.spec.ThreadKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class ScatterGatherTest {

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void allJoinsWhenEveryItemEndedAndLatencyIsTheJoinTime(ThreadKind t) throws Exception {
        AtomicLong clock = new AtomicLong(1_000);
        CountDownLatch release = new CountDownLatch(1);
        try (ScatterGather<Integer, Integer> sg = ScatterGather.start(StageSpec.named("sg-all").withWidth(3).withThreads(t), (x, c) -> {
            release.await();
            if (x == 2) throw new IllegalStateException("part 2");
            return x * 10;
        }, clock::get)) {
            CompletableFuture<Gathered<Integer>> f = sg.submit(List.of(1, 2, 3), Join.ALL);
            clock.addAndGet(500);
            release.countDown();
            Gathered<Integer> g = f.get(10, TimeUnit.SECONDS);
            assertThat(g.results()).containsExactlyInAnyOrder(10, 30);
            assertThat(g.failedParts()).isEqualTo(1);
            assertThat(g.satisfied()).isFalse();
            assertThat(g.latencyNanos()).isEqualTo(500);
            assertThat(sg.lateParts()).isZero();
        }
    }

    @Test
    void firstJoinsAtTheFirstResultAndTheRestIsCountedOnceAsLate() throws Exception {
        CountDownLatch slow = new CountDownLatch(1);
        ScatterGather<Integer, Integer> sg = ScatterGather.start(StageSpec.named("sg-first").withWidth(4), (x, c) -> {
            if (x != 1) slow.await();
            return x;
        }, System::nanoTime, ScatterGather.Losers.LET_FINISH);
        Gathered<Integer> g = sg.submit(List.of(1, 2, 3, 4), Join.FIRST).get(10, TimeUnit.SECONDS);
        assertThat(g.results()).containsExactly(1);
        assertThat(g.satisfied()).isTrue();
        slow.countDown();
        sg.close(Duration.ofSeconds(10));
        assertThat(sg.lateParts()).isEqualTo(3);
        assertThat(sg.losersFinished()).isEqualTo(3);
        assertThat(sg.cancelledLosers()).isZero();
        assertThat(sg.tally().completed()).isEqualTo(4);
        assertThat(sg.tally().inFlight()).isZero();
    }

    @Test
    void quorumJoinsAtQResultsOrWhenItBecomesImpossible() throws Exception {
        ScatterGather<Integer, Integer> sg = ScatterGather.start(StageSpec.named("sg-q").withWidth(2), (x, c) -> {
            if (x < 0) throw new IllegalArgumentException("negative");
            return x;
        }, System::nanoTime, ScatterGather.Losers.LET_FINISH);
        Gathered<Integer> ok = sg.submit(List.of(1, 2, 3, -4, 5), new Join.Quorum(3)).get(10, TimeUnit.SECONDS);
        assertThat(ok.satisfied()).isTrue();
        assertThat(ok.results()).hasSize(3);
        Gathered<Integer> no = sg.submit(List.of(1, -2, -3), new Join.Quorum(2)).get(10, TimeUnit.SECONDS);
        assertThat(no.satisfied()).isFalse();
        assertThat(no.failedParts()).isEqualTo(2);
        sg.close(Duration.ofSeconds(10));
        assertThat(sg.tally().admitted()).isEqualTo(8);
        assertThat(sg.tally().failed()).isEqualTo(3);
        assertThat(ok.results().size() + ok.failedParts() + no.results().size() + no.failedParts() + sg.lateParts())
                .as("every item counted exactly once: in its join or as late").isEqualTo(8);
    }

    @Test
    void quorumLargerThanTheRequestIsRefused() {
        ScatterGather<Integer, Integer> sg = ScatterGather.start(StageSpec.named("sg-bad"), (x, c) -> x);
        assertThatThrownBy(() -> sg.submit(List.of(1, 2), new Join.Quorum(3))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("join.quorum: 3 (expected: <= items 2)");
        sg.close(Duration.ofSeconds(5));
    }
}
