package io.fanlab.engine.pipeline;

import io.fanlab.engine.Outcome;
import io.fanlab.engine.spec.StageSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTest {
    @Test
    void twoStagesCompleteEveryItem() throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named("a").withWidth(2), (x, c) -> x + 1)
                .then(StageSpec.named("b").withWidth(3), (x, c) -> x * 2)
                .start(rec);
        List<Integer> items = IntStream.range(0, 1000).boxed().toList();
        for (int i : items) engine.submit(i);
        ShutdownReport r = engine.close(Duration.ofSeconds(10));
        assertThat(r.drained()).isTrue();
        rec.assertExactlyOnce(Pipeline.MAIN_EXIT, items);
        assertThat(rec.calls).allSatisfy(c -> assertThat(c.result()).isEqualTo(((Integer) c.item() + 1) * 2));
        assertThat(r.tally().completed()).isEqualTo(1000);
        assertThat(engine.liveThreads()).isEmpty();
        assertThat(rec.count(Outcome.COMPLETED)).isEqualTo(1000);
    }
}
