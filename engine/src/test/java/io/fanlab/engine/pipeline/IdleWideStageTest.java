package io.fanlab.engine.pipeline;

import io.fanlab.engine.spec.StageSpec;
import io.fanlab.engine.spec.ThreadKind;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Waking every parked worker of a wide idle stage ends: each woken worker re-checks and parks again, so a waker
 * that woke "until nobody sleeps" would chase them forever (a livelock seen once with 1024 platform workers). Width
 * changes and close on an idle stage of 256 workers must return, drained and with no thread left.
 */
@Timeout(120)
class IdleWideStageTest {

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void wideIdleStageShrinksGrowsAndClosesPromptly(ThreadKind threads) throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("idle").withWidth(256).withThreads(threads), (x, c) -> x)
                .start(rec);
        List<Integer> items = IntStream.range(0, 2000).boxed().toList();
        for (Integer i : items.subList(0, 1000)) engine.submit(i);
        engine.setWidth("idle", 8);   // wakes every sleeper: the retired ones leave, the others sleep again
        engine.setWidth("idle", 256);
        for (Integer i : items.subList(1000, 2000)) engine.submit(i);
        ShutdownReport r = engine.close(Duration.ofSeconds(30));
        assertThat(r.drained()).as("%s", r).isTrue();
        assertThat(r.took()).isLessThan(Duration.ofSeconds(30));
        rec.assertExactlyOnce(Pipeline.MAIN_EXIT, items);
        assertThat(engine.liveThreads()).isEmpty();
    }
}
