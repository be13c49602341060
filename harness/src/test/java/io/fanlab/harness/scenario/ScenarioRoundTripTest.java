package io.fanlab.harness.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanlab.engine.spec.Admission;
import io.fanlab.engine.spec.Bulkhead;
import io.fanlab.engine.spec.Dispatch;
import io.fanlab.engine.spec.ErrorPolicy;
import io.fanlab.engine.spec.HedgePolicy;
import io.fanlab.engine.spec.LimitSpec;
import io.fanlab.engine.spec.Order;
import io.fanlab.engine.spec.RateLimit;
import io.fanlab.engine.spec.RetryPolicy;
import io.fanlab.engine.spec.StageSpec;
import io.fanlab.engine.spec.ThreadKind;
import io.fanlab.harness.design.PipelineGraph;
import io.fanlab.harness.dist.Distribution;
import io.fanlab.harness.fault.FaultSpec;
import io.fanlab.harness.load.LoadSpec;
import io.fanlab.harness.load.Rate;
import io.fanlab.harness.work.WorkSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * {@code load(write(s)) == s} for generated valid scenarios, covering every variant of every sealed type, and
 * pipelines with routes and loops nested up to {@value #MAX_DEPTH} deep (unique route and loop names, some of them
 * words YAML would read as something else; at most {@value #MAX_STAGES} stages). The graph property also holds
 * the written file to the published JSON Schema: it found route and loop names the loader took and the schema
 * refused ({@code 'q'}, {@code *}); they are now refused by both, like stage names.
 */
class ScenarioRoundTripTest {
    private static final Path FILE = Path.of("/tmp/generated.yaml");

    @Property(tries = 150)
    void writeThenLoadGivesTheSameScenario(@ForAll("scenarios") Scenario s) throws ScenarioException {
        String yaml = ScenarioWriter.toYaml(s);
        assertThat(ScenarioLoader.parse(yaml, FILE, ScenarioFiles.DESIGNS)).as(yaml).isEqualTo(s);
        // the generator must keep producing graphs, nested ones among them, or the property stops covering them
        Statistics.label("graph").collect(s.isGraph());
        Statistics.label("graph").coverage(c -> c.check(true).percentage(p -> p >= 10));
    }

    /** Graph pipelines alone: every scenario has a route or a loop. */
    @Property(tries = 300)
    void writeThenLoadGivesTheSameGraph(@ForAll("graphScenarios") Scenario s) throws ScenarioException {
        String yaml = ScenarioWriter.toYaml(s);
        Scenario back = ScenarioLoader.parse(yaml, FILE, ScenarioFiles.DESIGNS);
        assertThat(back.graph()).as(yaml).isEqualTo(s.graph());
        assertThat(back).as(yaml).isEqualTo(s);
        assertThat(ScenarioWriter.toYaml(back)).isEqualTo(yaml);
        // the published schema accepts the nested paths the writer writes
        Object doc = new org.snakeyaml.engine.v2.api.Load(org.snakeyaml.engine.v2.api.LoadSettings.builder().build()).loadFromString(yaml);
        assertThat(SCHEMA.validate(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(doc))).as(yaml).isEmpty();
        // nesting: a route or loop inside another, and three deep, must keep turning up
        int depth = nested(s.graph().nodes(), 0);
        Statistics.label("nested").collect(depth >= 2);
        Statistics.label("three deep").collect(depth >= 3);
        Statistics.label("nested").coverage(c -> c.check(true).percentage(p -> p >= 20));
        Statistics.label("three deep").coverage(c -> c.check(true).count(n -> n >= 1));
    }

    private static final com.networknt.schema.Schema SCHEMA;
    static {
        try {
            SCHEMA = SchemaAgreementTest.validator();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Deepest nesting of routes and loops in {@code path} below {@code depth}. */
    static int nested(List<PipelineGraph.Node> path, int depth) {
        int max = depth;
        for (PipelineGraph.Node n : path) {
            switch (n) {
                case PipelineGraph.Stage st -> { }
                case PipelineGraph.Route r -> max = Math.max(max, Math.max(nested(r.a(), depth + 1), nested(r.b(), depth + 1)));
                case PipelineGraph.Loop l -> max = Math.max(max, nested(l.body(), depth + 1));
            }
        }
        return max;
    }

    @Property(tries = 100)
    void writingIsStable(@ForAll("scenarios") Scenario s) throws ScenarioException {
        String yaml = ScenarioWriter.toYaml(s);
        assertThat(ScenarioWriter.toYaml(ScenarioLoader.parse(yaml, FILE, ScenarioFiles.DESIGNS))).isEqualTo(yaml);
    }

    // ------------------------------------------------------------------ generators

    static Arbitrary<Duration> durations(long minNanos, long maxNanos) {
        Arbitrary<Duration> exact = Arbitraries.longs().between(minNanos, maxNanos).map(Duration::ofNanos);
        Arbitrary<Duration> round = Arbitraries.longs().between(Math.max(1, minNanos / 1_000_000), Math.max(1, maxNanos / 1_000_000)).map(Duration::ofMillis)
                .filter(d -> d.toNanos() >= minNanos && d.toNanos() <= maxNanos);
        return Arbitraries.oneOf(exact, round);
    }

    static Arbitrary<Double> shares() { return Arbitraries.oneOf(Arbitraries.doubles().between(0, 1).ofScale(10), Arbitraries.of(0.0, 0.5, 1.0, 0.05, 1e-7)); }

    /** Mostly {@code positive}, sometimes exactly 0 (an outage factor, an unskewed Zipf exponent). */
    static Arbitrary<Double> orZero(Arbitrary<Double> positive) {
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, positive), net.jqwik.api.Tuple.of(1, Arbitraries.just(0.0)));
    }

    static Arbitrary<Rate> rates() {
        return Arbitraries.oneOf(Arbitraries.doubles().between(1e-3, 1e7).ofScale(10), Arbitraries.integers().between(1, 100_000).map(Integer::doubleValue)).map(Rate::new);
    }

    static Arbitrary<Distribution> leafDistributions() {
        Arbitrary<Duration> d = durations(1, 10_000_000_000L);
        return Arbitraries.oneOf(
                d.map(Distribution.Constant::new),
                Combinators.combine(d, d).as((a, b) -> a.compareTo(b) <= 0 ? new Distribution.Uniform(a, b) : new Distribution.Uniform(b, a)),
                d.map(Distribution.Exponential::new),
                Combinators.combine(durations(1, 1_000_000_000L), Arbitraries.longs().between(1, 1_000_000_000L))
                        .as((m, extra) -> new Distribution.LogNormal(m, m.plusNanos(extra))),
                Combinators.combine(d, Arbitraries.doubles().between(0.1, 5).ofScale(10)).as(Distribution.Pareto::new));
    }

    static Arbitrary<Distribution> distributions() {
        Arbitrary<Distribution> mixture = Combinators.combine(Arbitraries.integers().between(1, 99), leafDistributions(), leafDistributions())
                .as((pct, a, b) -> new Distribution.Mixture(List.of(new Distribution.Mixture.Component(pct / 100.0, a),
                        new Distribution.Mixture.Component(1 - pct / 100.0, b))))
                .filter(m -> Math.abs(m.components().get(0).weight() + m.components().get(1).weight() - 1) <= 1e-6).map(m -> (Distribution) m);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, leafDistributions()), net.jqwik.api.Tuple.of(1, mixture));
    }

    static Arbitrary<WorkSpec> works() {
        return Arbitraries.oneOf(
                distributions().map(WorkSpec.Cpu::new),
                distributions().map(WorkSpec.Sleep::new),
                Combinators.combine(Arbitraries.longs().between(0, 1L << 40), distributions()).as(WorkSpec.Alloc::new),
                distributions().map(WorkSpec.Http::new));
    }

    static Arbitrary<LimitSpec> limits() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(1, 1000).map(LimitSpec.Fixed::new),
                Combinators.combine(Arbitraries.integers().between(1, 10), Arbitraries.integers().between(0, 100), Arbitraries.doubles().between(0.01, 0.99).ofScale(10), durations(1, 10_000_000_000L))
                        .as((min, span, backoff, t) -> new LimitSpec.Aimd(min + span / 2, min, min + span, backoff, t)),
                Combinators.combine(Arbitraries.integers().between(1, 10), Arbitraries.integers().between(0, 100), Arbitraries.doubles().between(1, 5).ofScale(10), Arbitraries.integers().between(0, 32))
                        .as((min, span, tol, q) -> new LimitSpec.Gradient(min + span, min, min + span, tol, q)),
                Combinators.combine(Arbitraries.integers().between(1, 10), Arbitraries.integers().between(0, 100)).as((min, span) -> new LimitSpec.Vegas(min, min, min + span)));
    }

    static Arbitrary<StageSpec> specs(String name) {
        Arbitrary<Order> order = Arbitraries.oneOf(Arbitraries.just(Order.UNORDERED), Arbitraries.integers().between(1, 4096).map(Order.Ordered::new));
        Arbitrary<Dispatch> dispatch = Arbitraries.oneOf(Arbitraries.of(Dispatch.SHARED, new Dispatch.Sharded(), new Dispatch.WorkStealing()),
                Combinators.combine(Arbitraries.integers().between(1, 512), Arbitraries.of(true, false)).as(Dispatch.Batched::new));
        Arbitrary<Admission.Overflow> overflow = Arbitraries.oneOf(Arbitraries.of(new Admission.Overflow.Block(), new Admission.Overflow.DropNewest(), new Admission.Overflow.DropOldest()),
                shares().map(Admission.Overflow.Probabilistic::new));
        Arbitrary<Admission> admission = Combinators.combine(overflow, durations(1, 10_000_000_000L).optional()).as(Admission::new);
        Arbitrary<RetryPolicy> retry = Arbitraries.oneOf(Arbitraries.just(RetryPolicy.NONE),
                Combinators.combine(Arbitraries.integers().between(1, 10), durations(0, 1_000_000_000L), Arbitraries.longs().between(0, 1_000_000_000L), shares(), shares())
                        .as((n, b, extra, j, bud) -> new RetryPolicy(n, b, b.plusNanos(extra), j, bud)));
        Arbitrary<HedgePolicy> hedge = Arbitraries.oneOf(
                Combinators.combine(durations(1, 1_000_000_000L), shares()).as((d, b) -> new HedgePolicy(Optional.of(d), Defaults.HEDGE_PERCENTILE, b)),
                Combinators.combine(Arbitraries.doubles().between(1, 99.9).ofScale(10), shares()).as((p, b) -> new HedgePolicy(Optional.empty(), p, b)));
        Arbitrary<RateLimit> rateLimit = Combinators.combine(rates(), Arbitraries.integers().between(1, 10_000)).as((r, b) -> new RateLimit(r.perSecond(), b));
        Arbitrary<Bulkhead> bulkhead = Combinators.combine(Arbitraries.integers().between(1, 50), Arbitraries.integers().between(1, 50), Arbitraries.of(true, false))
                .as((a, b, burst) -> new Bulkhead(Map.of("gold", a / 100.0, "silver tier", b / 100.0), burst));
        List<Arbitrary<Object>> parts = List.of(
                Arbitraries.integers().between(2, 256).asGeneric(), Arbitraries.of(ThreadKind.class).asGeneric(), Arbitraries.integers().between(1, 100_000).asGeneric(),
                order.asGeneric(), dispatch.asGeneric(), admission.asGeneric(), Arbitraries.of(ErrorPolicy.class).asGeneric(),
                durations(1, 10_000_000_000L).optional().asGeneric(), retry.asGeneric(), hedge.optional().asGeneric(),
                limits().optional().asGeneric(), rateLimit.optional().asGeneric(), bulkhead.optional().asGeneric());
        return Combinators.combine(parts)
                .as(v -> {
                    Dispatch d = (Dispatch) v.get(4);
                    return new StageSpec(name, (Integer) v.get(0), (ThreadKind) v.get(1), (Integer) v.get(2), (Order) v.get(3), d, (Admission) v.get(5),
                            (ErrorPolicy) v.get(6), cast(v.get(7)), (RetryPolicy) v.get(8), cast(v.get(9)), cast(v.get(10)), cast(v.get(11)), cast(v.get(12)), false);
                });
    }

    @SuppressWarnings("unchecked")
    private static <T> Optional<T> cast(Object o) { return (Optional<T>) o; }

    static Arbitrary<LoadSpec> loads() {
        Arbitrary<LoadSpec.Arrival> arrival = Arbitraries.oneOf(
                rates().map(LoadSpec.Arrival.Constant::new),
                rates().map(LoadSpec.Arrival.Poisson::new),
                Combinators.combine(rates(), rates(), durations(1, 60_000_000_000L)).as(LoadSpec.Arrival.Ramp::new),
                Combinators.combine(rates(), durations(1, 5_000_000_000L)).as(LoadSpec.Arrival.Steps.Step::new).list().ofMinSize(1).ofMaxSize(4).map(LoadSpec.Arrival.Steps::new),
                Combinators.combine(rates(), orZero(Arbitraries.doubles().between(0.1, 20).ofScale(10)), durations(0, 1_000_000_000L), durations(1, 1_000_000_000L)).as(LoadSpec.Arrival.Spike::new));
        Arbitrary<Integer> fanout = Arbitraries.integers().between(1, 16);
        return Combinators.combine(arrival, fanout, Arbitraries.integers().between(0, 3), Arbitraries.integers().between(1, 1000), leafDistributions(), Arbitraries.of(true, false))
                .as((a, f, joinKind, users, think, open) -> {
                    LoadSpec.Join join = switch (joinKind) {
                        case 0 -> new LoadSpec.Join.All();
                        case 1 -> new LoadSpec.Join.First();
                        default -> new LoadSpec.Join.Quorum(1 + (joinKind * 7) % f);
                    };
                    return open ? new LoadSpec.Open(a, f, join) : new LoadSpec.Closed(users, think, f, join);
                });
    }

    static Arbitrary<KeySpec> keySpecs() {
        return Arbitraries.oneOf(Arbitraries.just(new KeySpec.None()), Arbitraries.integers().between(1, 100_000).map(KeySpec.Uniform::new),
                Combinators.combine(Arbitraries.integers().between(1, 100_000), orZero(Arbitraries.doubles().between(0.01, 3).ofScale(10))).as(KeySpec.Zipf::new),
                Combinators.combine(Arbitraries.integers().between(2, 100_000), shares()).as(KeySpec.HotKey::new));
    }

    static Arbitrary<FaultSpec> faults(Duration total, List<String> stages) {
        long t = total.toNanos();
        Arbitrary<Duration> at = durations(0, t / 2);
        Arbitrary<Duration> len = durations(1, t / 2);
        Arbitrary<Optional<String>> stage = Arbitraries.of(stages).optional();
        Arbitrary<Double> factor = Arbitraries.doubles().between(0.5, 50).ofScale(10);
        Arbitrary<Duration> added = durations(0, 1_000_000_000L);
        return Arbitraries.oneOf(
                Combinators.combine(at, len, factor, added, shares().filter(x -> x > 0), stage).as(FaultSpec.LatencySpike::new),
                Combinators.combine(at, len, shares(), stage).as(FaultSpec.ErrorInjection::new),
                Combinators.combine(at, len, shares()).as(FaultSpec.HotKey::new),
                Combinators.combine(at, len, shares()).as(FaultSpec.Downstream503::new),
                Combinators.combine(at, len, factor, added).as(FaultSpec.DownstreamSlow::new),
                Combinators.combine(at, len, stage, Arbitraries.integers().between(1, 2)).as(FaultSpec.WorkerStall::new),
                Combinators.combine(at, len, Arbitraries.longs().between(1, 1L << 34)).as(FaultSpec.GcPressure::new),
                Combinators.combine(at, len, Arbitraries.integers().between(1, 4)).as(FaultSpec.CpuHog::new),
                Combinators.combine(at, len, orZero(factor)).as(FaultSpec.LoadSpike::new),
                durations(0, t).map(a -> new FaultSpec.Abort(a, Duration.ZERO)));
    }

    static Arbitrary<SloSpec> slos() {
        return Arbitraries.oneOf(
                Combinators.combine(Arbitraries.of(SloSpec.Metric.class), Arbitraries.doubles().between(0.1, 100).ofScale(10), durations(1, 10_000_000_000L)).as(SloSpec.Latency::new),
                shares().map(SloSpec.ErrorRate::new), shares().map(SloSpec.ShedRate::new), rates().map(SloSpec.ThroughputFloor::new),
                Arbitraries.just(new SloSpec.NothingLost()), Arbitraries.just(new SloSpec.NoLeakedThreads()),
                durations(1, 10_000_000_000L).map(SloSpec.CancellationLatency::new));
    }

    // ------------------------------------------------------------------ pipeline shapes (routes and loops)

    /** The shape of a path before stages and names are drawn: stages are placeholders, numbered in document order later. */
    sealed interface Shape {}
    record StageShape() implements Shape {}
    record RouteShape(PipelineGraph.When when, List<Shape> a, List<Shape> b) implements Shape {}
    record LoopShape(List<Shape> body, double again, int max) implements Shape {}

    static final int MAX_DEPTH = 3, MAX_STAGES = 10;

    /**
     * A path: 1-3 steps at the top, 1-2 below; a step is a stage, or (above {@code MAX_DEPTH} levels of nesting) a
     * route or a loop whose paths are drawn the same way. {@code graphs} weighs routes and loops against stages.
     */
    static Arbitrary<List<Shape>> paths(int depth, int graphs) {
        Arbitrary<Shape> stage = Arbitraries.just(new StageShape());
        Arbitrary<Shape> step = depth >= MAX_DEPTH ? stage : Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, stage),
                net.jqwik.api.Tuple.of(graphs, Arbitraries.lazy(() -> Combinators.combine(whens(), paths(depth + 1, graphs), paths(depth + 1, graphs))
                        .as(RouteShape::new))),
                net.jqwik.api.Tuple.of(graphs, Arbitraries.lazy(() -> Combinators.combine(paths(depth + 1, graphs), shares(), Arbitraries.integers().between(1, 10))
                        .as(LoopShape::new))));
        return step.list().ofMinSize(1).ofMaxSize(depth == 0 ? 3 : 2);
    }

    static Arbitrary<PipelineGraph.When> whens() {
        return Arbitraries.oneOf(shares().map(PipelineGraph.Fraction::new), Arbitraries.longs().between(1, 100_000).map(PipelineGraph.KeyBelow::new));
    }

    static int stages(List<Shape> path) {
        int n = 0;
        for (Shape s : path) {
            n += switch (s) {
                case StageShape x -> 1;
                case RouteShape r -> stages(r.a()) + stages(r.b());
                case LoopShape l -> stages(l.body());
            };
        }
        return n;
    }

    static int branches(List<Shape> path) {
        int n = 0;
        for (Shape s : path) {
            n += switch (s) {
                case StageShape x -> 0;
                case RouteShape r -> 1 + branches(r.a()) + branches(r.b());
                case LoopShape l -> 1 + branches(l.body());
            };
        }
        return n;
    }

    /** Numbers the shape's stages in document order (a route's a before its b, as the loader reads them) and names its routes and loops. */
    static List<PipelineGraph.Node> nodes(List<Shape> path, int[] nextStage, java.util.Iterator<String> names) {
        List<PipelineGraph.Node> out = new ArrayList<>();
        for (Shape s : path) {
            out.add(switch (s) {
                case StageShape x -> new PipelineGraph.Stage(nextStage[0]++);
                case RouteShape r -> {
                    String name = names.next();
                    List<PipelineGraph.Node> a = nodes(r.a(), nextStage, names);
                    yield new PipelineGraph.Route(name, r.when(), a, nodes(r.b(), nextStage, names));
                }
                case LoopShape l -> {
                    String name = names.next();
                    yield new PipelineGraph.Loop(name, nodes(l.body(), nextStage, names), l.again(), l.max());
                }
            });
        }
        return out;
    }

    /** Stages (named {@code stage-i} in document order) and the graph over them. */
    record Pipeline(List<StageConfig> stages, PipelineGraph graph) {}

    /** Pipelines with routes and loops weighted {@code graphs} against 6 for a stage (0: linear pipelines only). */
    static Arbitrary<Pipeline> pipelines(int graphs) {
        Arbitrary<String> nodeNames = Arbitraries.oneOf(Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(10),
                Arbitraries.of("true", "null", "1.5", "1e3", "0x1F", "no", "-", ".", "_", "stage-0", "route", "-x"));
        return paths(0, graphs).filter(p -> stages(p) <= MAX_STAGES).flatMap(shape -> {
            int n = stages(shape);
            List<Arbitrary<StageConfig>> stages = new ArrayList<>();
            for (int i = 0; i < n; i++) stages.add(Combinators.combine(specs("stage-" + i), works(), shares()).as(StageConfig::new));
            return Combinators.combine(Combinators.combine(stages).as(List::copyOf), nodeNames.list().uniqueElements().ofSize(branches(shape)))
                    .as((st, names) -> new Pipeline(st, new PipelineGraph(nodes(shape, new int[1], names.iterator()))));
        });
    }

    @Provide
    Arbitrary<Scenario> graphScenarios() {
        return scenarios(pipelines(3).filter(p -> !p.graph().isLinear()));
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        return scenarios(pipelines(2));
    }

    Arbitrary<Scenario> scenarios(Arbitrary<Pipeline> pipelines) {
        Arbitrary<Phases> phases = Combinators.combine(durations(0, 2_000_000_000L), durations(2_000_000_001L, 20_000_000_000L), durations(0, 2_000_000_000L)).as(Phases::new);
        Arbitrary<String> names = Arbitraries.oneOf(Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12), Arbitraries.of("true", "null", "1.5", "a: b", "#x", "*"));
        Arbitrary<String> descriptions = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(40).filter(x -> x.chars().allMatch(c -> c >= 0x20 && c < 0x7f || c == '\n')),
                Arbitraries.of("", "multi\nline", "  padded  ", "none"));
        return Combinators.combine(names, descriptions, Arbitraries.longs(), phases, loads(), keySpecs(), pipelines,
                        Combinators.combine(Arbitraries.integers().between(1, 1024), shares()).as(DownstreamSpec::new))
                .flatAs((name, desc, seed, ph, load, keys, pipeline, down) -> {
                    List<StageConfig> stages = pipeline.stages();
                    List<String> stageNames = stages.stream().map(c -> c.spec().name()).toList();
                    Arbitrary<SweepSpec> sweep = Combinators.combine(Arbitraries.of(stageNames), Arbitraries.integers().between(2, 512).set().ofMinSize(1).ofMaxSize(6),
                                    Arbitraries.of(ScenarioFiles.DESIGNS).set().ofMinSize(1).ofMaxSize(3), Arbitraries.integers().between(1, 5))
                            .as((st, w, d, r) -> new SweepSpec(st, List.copyOf(w), List.copyOf(d), r));
                    return Combinators.combine(faults(ph.total(), stageNames).list().ofMaxSize(4), slos().list().ofMaxSize(4), sweep)
                            .as((fs, ss, sw) -> new Scenario(name, desc, seed, ph, load, keys, stages, down, fs, ss, sw, Defaults.GATE, Defaults.COMPARE,
                                    Defaults.CAPTURE, pipeline.graph()));
                })
                .filter(s -> ScenarioRules.check(s, ScenarioFiles.DESIGNS).isEmpty());
    }
}
