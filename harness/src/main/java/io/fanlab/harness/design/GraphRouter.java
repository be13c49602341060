package io.fanlab.harness.design;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The decisions of a {@link PipelineGraph} for one point, and the count of every exit they chose: which path of a
 * route an item takes, and whether it goes round a loop again. Every design running a graph asks this object, so
 * the reference engine and the baselines route the same items the same way and the point records per-exit figures
 * whoever ran it.
 *
 * <p>Decisions are pure functions of (seed, item seq, node, pass): the same item takes the same path at every width
 * and design. Counters cover the whole point (warmup, measured window and cooldown). Thread-safe: decisions may be
 * asked from any worker thread; counters are {@link LongAdder}s.
 */
public final class GraphRouter {
    /** Exit figures of one route or loop. For a loop, {@code passes} counts body passes; for a route it is 0. */
    public record NodeCount(String node, String kind, Map<String, Long> exits, long passes) {}

    /** Runs one stage of the flat list on an item (a baseline's way to walk the graph). */
    public interface StageRunner {
        void run(int stage) throws Exception;
    }

    private final PipelineGraph graph;
    private final long seed;
    private final Map<PipelineGraph.Node, LongAdder[]> counters = new LinkedHashMap<>();
    private final Map<PipelineGraph.Node, Long> salts = new LinkedHashMap<>();

    public GraphRouter(PipelineGraph graph, long seed) {
        this.graph = graph;
        this.seed = seed;
        long i = 1;
        for (PipelineGraph.Node n : graph.branchingNodes()) {
            counters.put(n, new LongAdder[] {new LongAdder(), new LongAdder(), new LongAdder()});
            salts.put(n, i++ * 0x9E3779B97F4A7C15L);
        }
    }

    /** A linear graph over {@code stages} stages (nothing to decide). */
    public static GraphRouter linear(int stages) { return new GraphRouter(PipelineGraph.linear(stages), 0); }

    public PipelineGraph graph() { return graph; }

    /** True when {@code item} takes path {@code a} of {@code route}; counted as leaving by that path. */
    public boolean takesA(PipelineGraph.Route route, Item item) {
        boolean a = switch (route.when()) {
            case PipelineGraph.Fraction f -> uniform(route, item.seq(), 0) < f.share();
            case PipelineGraph.KeyBelow k -> item.key() >= 0 && item.key() < k.n();
        };
        counters.get(route)[a ? 0 : 1].increment();
        return a;
    }

    /**
     * Called at the end of pass {@code pass} (1-based) through {@code loop}'s body, only while fewer than
     * {@code loop.max()} rounds were taken ({@code pass <= max}): true sends the item round again. Counts the pass,
     * and the item's exit: {@code done} when it leaves by the draw, {@code bound} when this round is its last allowed.
     */
    public boolean again(PipelineGraph.Loop loop, Item item, int pass) {
        LongAdder[] c = counters.get(loop);
        c[2].increment();
        boolean again = uniform(loop, item.seq(), pass) < loop.again();
        if (!again) c[0].increment();
        else if (pass == loop.max()) c[1].increment();
        return again;
    }

    /** The bound was reached: the pass after the last allowed round, counted as a pass only. */
    public void lastPass(PipelineGraph.Loop loop) { counters.get(loop)[2].increment(); }

    /**
     * Runs {@code item} through the graph on the calling thread, stage by stage (how the baselines run a graph:
     * sequentially per item). A stage that throws ends the walk with that exception.
     */
    public void walk(Item item, StageRunner stage) throws Exception { walk(graph.nodes(), item, stage); }

    private void walk(List<PipelineGraph.Node> path, Item item, StageRunner stage) throws Exception {
        for (PipelineGraph.Node n : path) {
            switch (n) {
                case PipelineGraph.Stage s -> stage.run(s.stage());
                case PipelineGraph.Route r -> walk(takesA(r, item) ? r.a() : r.b(), item, stage);
                case PipelineGraph.Loop l -> {
                    for (int pass = 1; ; pass++) {
                        walk(l.body(), item, stage);
                        if (pass > l.max()) { lastPass(l); break; }
                        if (!again(l, item, pass)) break;
                    }
                }
            }
        }
    }

    /** Exit figures of every route and loop, in document order. */
    public List<NodeCount> counts() {
        List<NodeCount> out = new ArrayList<>();
        for (var e : counters.entrySet()) {
            LongAdder[] c = e.getValue();
            if (e.getKey() instanceof PipelineGraph.Route r) {
                Map<String, Long> m = new LinkedHashMap<>();
                m.put("a", c[0].sum());
                m.put("b", c[1].sum());
                out.add(new NodeCount(r.name(), "route", m, 0));
            } else if (e.getKey() instanceof PipelineGraph.Loop l) {
                Map<String, Long> m = new LinkedHashMap<>();
                m.put("done", c[0].sum());
                m.put("bound", c[1].sum());
                out.add(new NodeCount(l.name(), "loop", m, c[2].sum()));
            }
        }
        return out;
    }

    /** A uniform draw in [0, 1) from (seed, seq, node, pass): SplitMix64's finaliser over their mix. */
    private double uniform(PipelineGraph.Node node, long seq, int pass) {
        long z = seed ^ salts.get(node) ^ (seq * 0xBF58476D1CE4E5B9L) ^ ((long) pass * 0x94D049BB133111EBL);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }
}
