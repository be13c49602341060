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
 * and design. Two sets of counters: the whole point's (warmup, measured window and cooldown), and the window's: the
 * decisions about items whose intended start lies in the measured window set by {@link #window} (the population of
 * the point's {@code response_ms}), whenever the decision falls. Before {@code window} is called no item is in it.
 * Thread-safe: decisions may be asked from any worker thread; counters are {@link LongAdder}s.
 */
public final class GraphRouter {
    /**
     * Exit figures of one route or loop. For a loop, {@code passes} counts body passes; for a route it is 0.
     * {@code exits} and {@code passes} cover the whole point; {@code windowExits} and {@code windowPasses} the items
     * intended in the measured window (the same keys).
     */
    public record NodeCount(String node, String kind, Map<String, Long> exits, long passes, Map<String, Long> windowExits, long windowPasses) {}

    /** Runs one stage of the flat list on an item (a baseline's way to walk the graph). */
    public interface StageRunner {
        void run(int stage) throws Exception;
    }

    private final PipelineGraph graph;
    private final long seed;
    private final Map<PipelineGraph.Node, LongAdder[]> counters = new LinkedHashMap<>();
    private final Map<PipelineGraph.Node, Long> salts = new LinkedHashMap<>();
    /** The measured window [start, end) in nanoTime; {@code windowSet} is written last and read first. */
    private volatile long windowStart, windowEnd;
    private volatile boolean windowSet;

    public GraphRouter(PipelineGraph graph, long seed) {
        this.graph = graph;
        this.seed = seed;
        long i = 1;
        for (PipelineGraph.Node n : graph.branchingNodes()) {
            // [0..2]: the whole point's first exit, second exit, passes; [3..5]: the same for the window's items
            LongAdder[] c = new LongAdder[6];
            for (int j = 0; j < c.length; j++) c[j] = new LongAdder();
            counters.put(n, c);
            salts.put(n, i++ * 0x9E3779B97F4A7C15L);
        }
    }

    /** A linear graph over {@code stages} stages (nothing to decide). */
    public static GraphRouter linear(int stages) { return new GraphRouter(PipelineGraph.linear(stages), 0); }

    public PipelineGraph graph() { return graph; }

    /**
     * Sets the measured window: from now on a decision about an item whose intended start lies in
     * [{@code startNanos}, {@code endNanos}) (System.nanoTime()) is also counted in the window's figures. Call once,
     * before the first such item is submitted.
     */
    public void window(long startNanos, long endNanos) {
        windowStart = startNanos;
        windowEnd = endNanos;
        windowSet = true;
    }

    private boolean inWindow(Item item) {
        if (!windowSet) return false;
        long t = item.intendedStartNanos();
        return t - windowStart >= 0 && t - windowEnd < 0;
    }

    /** Counts one event {@code i} (0..2) of {@code item} at a node: the whole point's, and the window's when the item is in it. */
    private void count(LongAdder[] c, int i, Item item) {
        c[i].increment();
        if (inWindow(item)) c[i + 3].increment();
    }

    /** True when {@code item} takes path {@code a} of {@code route}; counted as leaving by that path. */
    public boolean takesA(PipelineGraph.Route route, Item item) {
        boolean a = switch (route.when()) {
            case PipelineGraph.Fraction f -> uniform(route, item.seq(), 0) < f.share();
            case PipelineGraph.KeyBelow k -> item.key() >= 0 && item.key() < k.n();
        };
        count(counters.get(route), a ? 0 : 1, item);
        return a;
    }

    /**
     * Called at the end of pass {@code pass} (1-based) through {@code loop}'s body, only while fewer than
     * {@code loop.max()} rounds were taken ({@code pass <= max}): true sends the item round again. Counts the pass,
     * and the item's exit: {@code done} when it leaves by the draw, {@code bound} when this round is its last allowed.
     */
    public boolean again(PipelineGraph.Loop loop, Item item, int pass) {
        LongAdder[] c = counters.get(loop);
        count(c, 2, item);
        boolean again = uniform(loop, item.seq(), pass) < loop.again();
        if (!again) count(c, 0, item);
        else if (pass == loop.max()) count(c, 1, item);
        return again;
    }

    /** The bound was reached: {@code item}'s pass after the last allowed round, counted as a pass only. */
    public void lastPass(PipelineGraph.Loop loop, Item item) { count(counters.get(loop), 2, item); }

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
                        if (pass > l.max()) { lastPass(l, item); break; }
                        if (!again(l, item, pass)) break;
                    }
                }
            }
        }
    }

    /** Exit figures of every route and loop, in document order: the whole point's and the window's. */
    public List<NodeCount> counts() {
        List<NodeCount> out = new ArrayList<>();
        for (var e : counters.entrySet()) {
            LongAdder[] c = e.getValue();
            boolean route = e.getKey() instanceof PipelineGraph.Route;
            String first = route ? "a" : "done", second = route ? "b" : "bound";
            String name = switch (e.getKey()) {
                case PipelineGraph.Route r -> r.name();
                case PipelineGraph.Loop l -> l.name();
                case PipelineGraph.Stage s -> throw new IllegalStateException("a stage has no exits: " + s);
            };
            out.add(new NodeCount(name, route ? "route" : "loop", exits(first, c[0], second, c[1]), route ? 0 : c[2].sum(),
                    exits(first, c[3], second, c[4]), route ? 0 : c[5].sum()));
        }
        return out;
    }

    private static Map<String, Long> exits(String first, LongAdder a, String second, LongAdder b) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put(first, a.sum());
        m.put(second, b.sum());
        return m;
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
