package io.fanlab.engine.pipeline;

import io.fanlab.engine.spec.Dispatch;
import io.fanlab.engine.spec.StageSpec;
import io.fanlab.engine.spec.ThreadKind;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression (found by the benchmark): a wide work-stealing stage did not stop after close had drained every item.
 * A worker whose own shard was empty released its lock to try stealing, and went back to wait without checking the
 * drain flag; when close's wake-up fell in that gap the worker slept on, and close waited out its deadline
 * (drained=false with nothing in flight). Many idle workers make the gap likely, so a few rounds at width 64 hit it.
 */
@Timeout(120)
class WorkStealingCloseTest {

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void wideWorkStealingStageStopsAsSoonAsItIsDrained(ThreadKind threads) throws Exception {
        for (int round = 0; round < 25; round++) {
            Recorder<Integer> rec = new Recorder<>();
            FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("steal-" + round).withWidth(64)
                    .withThreads(threads).withQueueCapacity(4096).withDispatch(new Dispatch.WorkStealing()), (x, c) -> { Thread.yield(); return x; }).start(rec);
            for (int i = 0; i < 2000; i++) engine.submit(i);
            ShutdownReport r = engine.close(Duration.ofSeconds(20));
            assertThat(r.drained()).as("round %d: %s", round, r).isTrue();
            assertThat(r.tally().completed()).isEqualTo(2000);
            assertThat(r.took()).as("round %d: close waits for the drain, never for its deadline", round)
                    .isLessThan(Duration.ofSeconds(20));
            assertThat(engine.liveThreads()).isEmpty();
        }
    }
}
