package io.fanlab.harness.design;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The router's window figures count the decisions about items intended in the measured window, whenever the
 * decision falls, and its whole-point figures every decision; a walk through a route and a loop on plain items.
 */
class GraphRouterWindowTest {
    static final PipelineGraph GRAPH = new PipelineGraph(List.of(
            new PipelineGraph.Route("size", new PipelineGraph.Fraction(0.5), List.of(new PipelineGraph.Stage(0)), List.of(new PipelineGraph.Stage(1))),
            new PipelineGraph.Loop("retry", List.of(new PipelineGraph.Stage(2)), 0.5, 2)));

    /** Walks items {@code from..to-1} (intended start = seq, in ns) through the graph; returns {body calls}. */
    static long[] walk(GraphRouter r, long from, long to) throws Exception {
        long[] body = new long[1];
        for (long i = from; i < to; i++) r.walk(new Item(i, i, -1, 0, i), stage -> { if (stage == 2) body[0]++; });
        return body;
    }

    @Test
    void windowFiguresAreTheItemsIntendedInTheWindowAndWholePointFiguresAreEveryItem() throws Exception {
        GraphRouter all = new GraphRouter(GRAPH, 5);
        GraphRouter inside = new GraphRouter(GRAPH, 5);
        all.window(100, 300);
        walk(all, 0, 400);
        inside.window(Long.MIN_VALUE / 2, Long.MAX_VALUE / 2); // the same seed and the window's items only: the reference
        long insidePasses = walk(inside, 100, 300)[0];

        GraphRouter.NodeCount route = all.counts().get(0), loop = all.counts().get(1);
        GraphRouter.NodeCount refRoute = inside.counts().get(0), refLoop = inside.counts().get(1);
        assertThat(route.exits().get("a") + route.exits().get("b")).isEqualTo(400);
        assertThat(route.windowExits()).isEqualTo(refRoute.exits());
        assertThat(route.windowExits().get("a") + route.windowExits().get("b")).isEqualTo(200);
        assertThat(loop.exits().get("done") + loop.exits().get("bound")).isEqualTo(400);
        assertThat(loop.windowExits()).isEqualTo(refLoop.exits());
        assertThat(loop.windowPasses()).isEqualTo(refLoop.passes()).isEqualTo(insidePasses);
        assertThat(loop.passes()).isGreaterThan(loop.windowPasses());
        assertThat(route.passes()).isZero();
        assertThat(route.windowPasses()).isZero();
    }

    @Test
    void beforeTheWindowIsSetNoItemIsInIt() throws Exception {
        GraphRouter r = new GraphRouter(GRAPH, 5);
        walk(r, 0, 50);
        assertThat(r.counts()).allSatisfy(c -> {
            assertThat(c.windowExits().values()).containsOnly(0L);
            assertThat(c.windowPasses()).isZero();
        });
        assertThat(r.counts().get(0).exits().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(50);
    }
}
