package io.fanlab.engine.pipeline;

import io.fanlab.engine.Outcome;
import io.fanlab.engine.observe.Tally;
import io.fanlab.engine.spec.Order;
import io.fanlab.engine.spec.StageSpec;
import io.fanlab.engine.spec.ThreadKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One item cancelled alone: queued it never starts, running it is interrupted; the others and the engine go on. */
@Timeout(60)
class CancelTokenTest {

    @Test
    void anItemCancelledBeforeItStartsNeverRunsAndEndsCancelled() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        Recorder<Integer> rec = new Recorder<>();
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("tok-queued"), (x, c) -> {
            ran.incrementAndGet();
            return x;
        }).start(rec);
        CancelToken token = new CancelToken();
        assertThat(token.cancel()).isTrue();
        assertThat(token.cancel()).as("a second cancel changes nothing").isFalse();
        engine.submit(1, token);
        engine.submit(2);
        ShutdownReport r = engine.close(Duration.ofSeconds(10));
        assertThat(ran.get()).isEqualTo(1);
        assertThat(rec.at(Pipeline.MAIN_EXIT)).extracting(Recorder.Call::item, Recorder.Call::outcome)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(1, Outcome.CANCELLED), org.assertj.core.groups.Tuple.tuple(2, Outcome.COMPLETED));
        assertThat(r.tally()).isEqualTo(new Tally(2, 1, 0, 0, 0, 1, 0, 0));
    }

    @Test
    void aTokenCancelsOneItemOnly() throws Exception {
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("tok-once"), (x, c) -> x).start(new Recorder<>());
        CancelToken token = new CancelToken();
        engine.submit(1, token);
        assertThatThrownBy(() -> engine.submit(2, token)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("one token per submitted item");
        engine.close(Duration.ofSeconds(10));
    }

    /** The cancel interrupts the running item; the next item on the same worker starts with no interrupt pending. */
    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aRunningItemIsInterruptedAndTheInterruptNeverReachesTheNextItem(ThreadKind t) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean nextSawInterrupt = new AtomicBoolean();
        AtomicBoolean sawCancelled = new AtomicBoolean();
        Recorder<Integer> rec = new Recorder<>();
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("tok-run").withThreads(t), (x, c) -> {
            if (x == 1) {
                started.countDown();
                try {
                    new CountDownLatch(1).await();
                } finally {
                    sawCancelled.set(c.isCancelled());
                }
            }
            nextSawInterrupt.compareAndSet(false, Thread.currentThread().isInterrupted());
            return x;
        }).start(rec);
        CancelToken token = new CancelToken();
        engine.submit(1, token);
        engine.submit(2);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(token.cancel()).isTrue();
        ShutdownReport r = engine.close(Duration.ofSeconds(10));
        assertThat(r.drained()).isTrue();
        assertThat(sawCancelled).as("the work saw its context cancelled").isTrue();
        assertThat(nextSawInterrupt).isFalse();
        assertThat(r.tally()).isEqualTo(new Tally(2, 1, 0, 0, 0, 1, 0, 0));
    }

    @Test
    void anOrderedStageSkipsACancelledItemAndKeepsTheRestInOrder() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        Recorder<Integer> rec = new Recorder<>();
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("tok-ordered").withWidth(2)
                .withOrder(new Order.Ordered(8)), (x, c) -> {
            if (x == 0) gate.await();
            return x;
        }).start(rec);
        CancelToken[] tokens = new CancelToken[6];
        for (int i = 0; i < 6; i++) engine.submit(i, tokens[i] = new CancelToken());
        tokens[3].cancel();
        tokens[4].cancel();
        gate.countDown();
        engine.close(Duration.ofSeconds(10));
        List<Object> completed = rec.at(Pipeline.MAIN_EXIT).stream().filter(c -> c.outcome() == Outcome.COMPLETED).map(Recorder.Call::item).toList();
        assertThat(completed).as("in order, without the cancelled ones (unless they had finished)").isSorted();
        assertThat(rec.calls).hasSize(6);
    }

    @Test
    void anItemCancelledBetweenStagesEndsInTheNextOne() throws Exception {
        CountDownLatch firstDone = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        AtomicInteger secondRan = new AtomicInteger();
        Recorder<Integer> rec = new Recorder<>();
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("tok-a"), (x, c) -> x)
                .then(StageSpec.named("tok-b"), (x, c) -> {
                    if (x == 0) { firstDone.countDown(); proceed.await(); }
                    else secondRan.incrementAndGet();
                    return x;
                }).start(rec);
        engine.submit(0); // holds stage b's only worker
        assertThat(firstDone.await(10, TimeUnit.SECONDS)).isTrue();
        CancelToken token = new CancelToken();
        engine.submit(1, token);
        while (engine.stage("tok-b").queueDepth() == 0) Thread.onSpinWait(); // item 1 waits in stage b's queue
        token.cancel();
        proceed.countDown();
        engine.close(Duration.ofSeconds(10));
        assertThat(secondRan.get()).isZero();
        assertThat(rec.count(Outcome.CANCELLED)).isEqualTo(1);
        assertThat(engine.stage("tok-a").tally().completed()).isEqualTo(2);
        assertThat(engine.stage("tok-b").tally().cancelled()).isEqualTo(1);
    }
}
