package io.fanlab.harness.design;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanlab.engine.Outcome;
import io.fanlab.engine.spec.StageSpec;
import io.fanlab.engine.spec.ThreadKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every shipped design runs a scenario's graph, not its stage list: a diamond sends each item down exactly one
 * path (the one the router chose, the same for every design), a loop runs its body once per pass and stops at the
 * bound, and each item is reported once. Work is a no-op, so the figures are exact counts, not timings.
 */
class GraphDesignsTest {
    static final int N = 3000;
    static final Map<String, Design> DESIGNS = Designs.discover();

    /** parse -> route(size: 20% a: large | b: small) -> loop(retry: body call, again 0.3, max 3) -> respond. */
    static PipelineGraph graph() {
        return new PipelineGraph(List.of(new PipelineGraph.Stage(0),
                new PipelineGraph.Route("size", new PipelineGraph.Fraction(0.2), List.of(new PipelineGraph.Stage(1)), List.of(new PipelineGraph.Stage(2))),
                new PipelineGraph.Loop("retry", List.of(new PipelineGraph.Stage(3)), 0.3, 3),
                new PipelineGraph.Stage(4)));
    }

    record Run(GraphRouter router, AtomicLongArray calls, Map<Long, List<Outcome>> outcomes, Map<Long, Integer> path) {}

    static Run run(String design) throws Exception {
        GraphRouter router = new GraphRouter(graph(), 42);
        AtomicLongArray calls = new AtomicLongArray(5);
        Map<Long, List<Outcome>> outcomes = new ConcurrentHashMap<>();
        Map<Long, Integer> path = new ConcurrentHashMap<>();
        List<StageSpec> stages = new ArrayList<>();
        List<StageWork> work = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            stages.add(StageSpec.named("s" + i).withWidth(2).withQueueCapacity(64).withThreads(ThreadKind.PLATFORM));
            int stage = i;
            work.add((item, cancelled) -> {
                calls.incrementAndGet(stage);
                if (stage == 1 || stage == 2) path.merge(item.seq(), stage, (a, b) -> -1); // -1: took both paths
            });
        }
        RunningDesign d = DESIGNS.get(design).start(new DesignContext(stages, work,
                (item, outcome, cause) -> outcomes.computeIfAbsent(item.seq(), k -> new CopyOnWriteArrayList<>()).add(outcome), 0, router));
        for (int i = 0; i < N; i++) d.submit(new Item(i, i, i % 7, 0, System.nanoTime()));
        assertThat(d.close(Duration.ofSeconds(30))).as(design + " drained").isTrue();
        return new Run(router, calls, outcomes, path);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"engine", "engine-sharded", "tpe", "vt-per-item"})
    void everyItemTakesOnePathAndTheLoopKeepsItsBound(String design) throws Exception {
        Run r = run(design);
        assertThat(r.outcomes()).hasSize(N);
        assertThat(r.outcomes().values()).allSatisfy(o -> assertThat(o).containsExactly(Outcome.COMPLETED));
        assertThat(r.path().values()).as("no item took both paths").doesNotContain(-1).hasSize(N);

        var counts = r.router().counts();
        assertThat(counts).extracting(GraphRouter.NodeCount::node).containsExactly("size", "retry");
        long a = counts.get(0).exits().get("a"), b = counts.get(0).exits().get("b");
        assertThat(a + b).as("every item leaves the route once").isEqualTo(N);
        assertThat(r.calls().get(1)).isEqualTo(a);
        assertThat(r.calls().get(2)).isEqualTo(b);
        assertThat((double) a / N).as("the declared fraction").isCloseTo(0.2, org.assertj.core.data.Offset.offset(0.03));

        long done = counts.get(1).exits().get("done"), bound = counts.get(1).exits().get("bound"), passes = counts.get(1).passes();
        assertThat(done + bound).as("every item leaves the loop once").isEqualTo(N);
        assertThat(r.calls().get(3)).as("the body runs once per pass").isEqualTo(passes);
        assertThat(passes).as("at most 1 + max passes per item").isLessThanOrEqualTo(4L * N);
        assertThat((double) passes / N).as("mean passes (1 - 0.3^4) / 0.7 = 1.417").isCloseTo(1.417, org.assertj.core.data.Offset.offset(0.06));
        assertThat((double) bound / N).as("0.3^3 leave by the bound").isCloseTo(0.027, org.assertj.core.data.Offset.offset(0.015));
        assertThat(r.calls().get(0)).isEqualTo(N);
        assertThat(r.calls().get(4)).isEqualTo(N);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"engine", "tpe", "vt-per-item"})
    void everyDesignRoutesTheSameItemsTheSameWay(String design) throws Exception {
        Set<Long> engineA = largeSeqs(run("engine-stealing"));
        assertThat(largeSeqs(run(design))).isEqualTo(engineA);
    }

    private static Set<Long> largeSeqs(Run r) {
        return r.path().entrySet().stream().filter(e -> e.getValue() == 1).map(Map.Entry::getKey).collect(Collectors.toSet());
    }
}
