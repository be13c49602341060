package io.fanlab.harness.design;

import io.fanlab.engine.spec.Check;
import io.fanlab.engine.spec.InvalidField;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The shape of a scenario's pipeline: stages in sequence, diamonds ({@link Route}) and bounded retry loops
 * ({@link Loop}), nested as the user drew them. Stages are indexes into the flat stage list of
 * {@link DesignContext#stages()} (document order), each used exactly once, so per-stage figures stay per stage.
 *
 * <p>A linear pipeline is {@link #linear(int)}. The shape is a tree by construction: the only way back is a
 * declared {@link Loop}, whose bound {@code max} is required, so no item can circle forever.
 *
 * @param nodes the top-level path, in order (never empty)
 */
public record PipelineGraph(List<Node> nodes) {
    public PipelineGraph {
        nodes = List.copyOf(Check.notNull("nodes", nodes));
        if (nodes.isEmpty()) throw new InvalidField("pipeline", "[]", "at least one stage");
        List<Integer> stages = new ArrayList<>();
        Set<String> names = new HashSet<>();
        collect(nodes, stages, names);
        List<Integer> sorted = stages.stream().sorted().toList();
        if (!sorted.equals(IntStream.range(0, stages.size()).boxed().toList()))
            throw new InvalidField("pipeline", "stage indexes " + stages, "each stage 0.." + (stages.size() - 1) + " exactly once");
    }

    /** What a route or loop name may hold (the same rule as a stage name's): it names figures in point.json and the report. */
    public static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]+");
    public static final String NAME_RULE = "letters, digits, '_', '-' or '.'";

    /** One step of a path. */
    public sealed interface Node {}

    /** A stage, by its index in the flat stage list. */
    public record Stage(int stage) implements Node {
        public Stage { Check.atLeast("stage", stage, 0); }
    }

    /**
     * A diamond: each item takes path {@code a} when {@code when} holds for it, else path {@code b}; both merge after.
     *
     * @param name unique among routes and loops (names its exits in the point's figures)
     */
    public record Route(String name, When when, List<Node> a, List<Node> b) implements Node {
        public Route {
            Check.notNull("name", name);
            Check.notNull("when", when);
            a = List.copyOf(a);
            b = List.copyOf(b);
            if (a.isEmpty()) throw new InvalidField("a", "[]", "at least one stage on each path of a route");
            if (b.isEmpty()) throw new InvalidField("b", "[]", "at least one stage on each path of a route");
        }
    }

    /**
     * A retry loop: items run {@code body}; at its end an item goes back to the body's start with probability
     * {@code again}, at most {@code max} times, then continues after the loop. Passes per item are
     * {@code 1 + min(Geometric(again), max)}; the mean is {@code (1 - again^(max+1)) / (1 - again)}.
     */
    public record Loop(String name, List<Node> body, double again, int max) implements Node {
        public Loop {
            Check.notNull("name", name);
            body = List.copyOf(body);
            if (body.isEmpty()) throw new InvalidField("body", "[]", "at least one stage in a loop's body");
            Check.share("probability", again); // the file's again.probability
            Check.atLeast("max", max, 1);
        }

        /** Mean passes through the body per item entering the loop. */
        public double meanPasses() {
            double s = 0, p = 1;
            for (int k = 0; k <= max; k++) { s += p; p *= again; }
            return s;
        }
    }

    /** Which path of a route an item takes. */
    public sealed interface When {}

    /** Path {@code a} for a deterministic pseudo-random share of the items (a function of seed, item and route). */
    public record Fraction(double share) implements When {
        public Fraction { Check.share("fraction", share); }
    }

    /** Path {@code a} for items whose key is in {@code [0, n)}; others (and items without a key) take {@code b}. */
    public record KeyBelow(long n) implements When {
        public KeyBelow { if (n < 1) throw new InvalidField("key_below", String.valueOf(n), ">= 1"); }
    }

    /** Stages {@code 0..n-1} in sequence. */
    public static PipelineGraph linear(int n) {
        return new PipelineGraph(IntStream.range(0, n).<Node>mapToObj(Stage::new).toList());
    }

    /** True when there is no route and no loop. */
    public boolean isLinear() { return nodes.stream().allMatch(n -> n instanceof Stage); }

    /** How many stages the graph uses. */
    public int stageCount() {
        List<Integer> s = new ArrayList<>();
        collect(nodes, s, new HashSet<>());
        return s.size();
    }

    /** Routes and loops in document order (depth first). */
    public List<Node> branchingNodes() {
        List<Node> out = new ArrayList<>();
        branching(nodes, out);
        return out;
    }

    private static void branching(List<Node> path, List<Node> out) {
        for (Node n : path) {
            switch (n) {
                case Stage s -> { }
                case Route r -> { out.add(r); branching(r.a(), out); branching(r.b(), out); }
                case Loop l -> { out.add(l); branching(l.body(), out); }
            }
        }
    }

    private static void name(String name, Set<String> names) {
        if (!NAME.matcher(name).matches()) throw new InvalidField("name", "'" + name + "'", NAME_RULE);
        if (!names.add(name)) throw new InvalidField("name", name, "a name no other route or loop has");
    }

    private static void collect(List<Node> path, List<Integer> stages, Set<String> names) {
        for (Node n : path) {
            switch (n) {
                case Stage s -> stages.add(s.stage());
                case Route r -> {
                    name(r.name(), names);
                    collect(r.a(), stages, names);
                    collect(r.b(), stages, names);
                }
                case Loop l -> {
                    name(l.name(), names);
                    collect(l.body(), stages, names);
                }
            }
        }
    }
}
