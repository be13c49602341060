package io.fanlab.engine.pipeline;

import io.fanlab.engine.spec.Dispatch;
import io.fanlab.engine.spec.Order;
import io.fanlab.engine.spec.StageSpec;
import io.fanlab.engine.spec.ThreadKind;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Width changes while items flow lose nothing, duplicate nothing, keep order where promised and leave no thread. */
@Timeout(60)
class WidthChangeTest {
    static Stream<Arguments> settings() {
        List<Arguments> out = new ArrayList<>();
        for (Dispatch d : Variants.DISPATCHES)
            for (Order o : Variants.ORDERS)
                for (ThreadKind t : Variants.THREADS) out.add(Arguments.of(d, o, t));
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("settings")
    void widthChangesMidRunLoseNothing(Dispatch d, Order o, ThreadKind t) throws Exception {
        Recorder<Integer> rec = new Recorder<>();
        String name = "resize-" + System.nanoTime();
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(StageSpec.named(name).withWidth(2).withQueueCapacity(32)
                .withDispatch(d).withOrder(o).withThreads(t), (x, c) -> {
            if (x % 3 == 0) Thread.yield();
            return x;
        }).start(rec);
        List<Integer> items = IntStream.range(0, 4000).boxed().toList();
        Thread resizer = Thread.ofPlatform().start(() -> {
            int[] widths = {5, 1, 3, 8, 2, 4, 1, 6};
            for (int i = 0; i < 40; i++) {
                engine.setWidth(name, widths[i % widths.length]);
                Thread.yield();
            }
        });
        for (int i : items) engine.submit(i);
        resizer.join(30_000);
        assertThat(resizer.isAlive()).isFalse();
        int finalWidth = engine.stage(name).width();
        ShutdownReport r = engine.close(Duration.ofSeconds(20));
        assertThat(r.drained()).isTrue();
        rec.assertExactlyOnce(Pipeline.MAIN_EXIT, items);
        assertThat(r.tally().completed()).isEqualTo(items.size());
        if (o instanceof Order.Ordered)
            assertThat(rec.calls.stream().map(c -> (Integer) c.item()).toList()).isSorted();
        assertThat(finalWidth).isEqualTo(6);
        assertThat(engine.liveThreads()).isEmpty();
        StageContractTest.assertNoThreadNamed("fanlab-" + name);
    }
}
