package io.fanlab.bench;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every design the benchmarks measure does the work once per item: nothing lost, nothing duplicated, over several
 * ops, and closes cleanly. A design that dropped or repeated items would make its score meaningless.
 */
class DesignContractTest {
    static Stream<String> designs() {
        List<String> all = new ArrayList<>(Designs.ENGINE_VARIANTS);
        all.addAll(Designs.SUBMITALL_VARIANTS);
        all.addAll(Designs.CPU_PEERS);
        all.addAll(List.of("reactor-flatmap-elastic", "disruptor-yielding", "engine-batched1-platform", "engine-batched256-virtual",
                "vt-loop"));
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("designs")
    void everyItemIsWorkedOnExactlyOncePerOp(String design) throws Exception {
        int items = 3_000;
        ConcurrentHashMap<Integer, AtomicInteger> seen = new ConcurrentHashMap<>();
        ItemWork counting = x -> {
            seen.computeIfAbsent(x, k -> new AtomicInteger()).incrementAndGet();
            return x;
        };
        try (FanOutRun run = new FanOutRun(design, 3, counting, items)) {
            run.op();
            run.op();
        }
        assertThat(seen).hasSize(items);
        assertThat(seen.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(2));
    }

    @ParameterizedTest
    @MethodSource("designs")
    void engineNamesParseAndPeersAreKnown(String design) throws Exception {
        if (design.startsWith("engine-")) {
            var spec = Designs.engineSpec(design, 4);
            assertThat(spec.width()).isEqualTo(4);
            assertThat(spec.order() instanceof io.fanlab.engine.spec.Order.Ordered).isEqualTo(design.endsWith("-ordered"));
            assertThat(spec.threads().name().toLowerCase()).isEqualTo(design.split("-")[2]);
        } else {
            try (FanOutDesign d = Designs.create(design, 1, ItemWork.cpu(0), new CompletionGate())) {
                assertThat(d).isNotNull();
            }
        }
    }
}
