package io.fanlab.harness.scenario;

import io.fanlab.harness.design.PipelineGraph;
import io.fanlab.engine.spec.Admission;
import io.fanlab.engine.spec.Dispatch;
import io.fanlab.engine.spec.HedgePolicy;
import io.fanlab.engine.spec.LimitSpec;
import io.fanlab.engine.spec.Order;
import io.fanlab.engine.spec.RetryPolicy;
import io.fanlab.engine.spec.StageSpec;
import io.fanlab.harness.dist.Distribution;
import io.fanlab.harness.fault.FaultSpec;
import io.fanlab.harness.load.LoadSpec;
import io.fanlab.harness.work.WorkSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * Writes a resolved scenario in the format {@link ScenarioLoader} reads, with every default explicit (the run
 * directory's {@code scenario.resolved.yaml}). For any scenario that passes {@link ScenarioRules},
 * {@code ScenarioLoader.parse(toYaml(s), ...)} equals {@code s}; the one normalisation is that a hedge with a fixed
 * delay is written without its (unused) percentile, which reads back as {@link Defaults#HEDGE_PERCENTILE}.
 * Empirical distributions are written with the path they were loaded from (absolute after loading).
 * Stateless and thread-safe.
 */
public final class ScenarioWriter {
    private ScenarioWriter() {}

    /** The YAML text of {@code s}. */
    public static String toYaml(Scenario s) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("name", s.name());
        root.put("description", s.description());
        root.put("seed", s.seed());
        root.put("phases", map("warmup", d(s.phases().warmup()), "measure", d(s.phases().measure()), "cooldown", d(s.phases().cooldown()),
                "cancel", s.phases().cancel().toString()));
        root.put("load", load(s.load()));
        root.put("keys", keys(s.keys()));
        root.put("pipeline", path(s.graph().nodes(), s.pipeline()));
        root.put("downstream", map("connections", s.downstream().connections(), "error_rate", s.downstream().errorRate()));
        root.put("faults", s.faults().stream().map(ScenarioWriter::fault).toList());
        root.put("slos", s.slos().stream().map(ScenarioWriter::slo).toList());
        root.put("sweep", map("stage", s.sweep().stage(), "widths", s.sweep().widths(), "designs", s.sweep().designs(), "repeats", s.sweep().repeats(),
                "abort_on_fail", s.sweep().abortOnFail()));
        root.put("gate", s.gate().mode() == io.fanlab.reports.analysis.Gate.Mode.WIDTHS ? map("widths", s.gate().widths()) : s.gate().mode().key());
        Map<String, Object> tol = new LinkedHashMap<>();
        s.compare().byMetric().forEach((m, t) -> tol.put(m.key(), Double.isInfinite(t) ? "off" : (Object) t));
        root.put("compare", tol);
        root.put("capture", map("jfr", s.capture().jfr(), "profiler", s.capture().profiler().stream().map(e -> e.key).toList(),
                "interval", d(s.capture().interval()), "required", s.capture().required()));
        DumpSettings settings = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setWidth(120).build();
        return "# Resolved scenario: every default explicit. Format: scenarios/README.md\n" + new Dump(settings).dumpToString(distinct(root));
    }

    /** The YAML key of a fault kind ({@code latency_spike}, ...), from {@link io.fanlab.harness.fault.FaultKind}. */
    public static String faultName(FaultSpec f) {
        return io.fanlab.harness.fault.FaultKind.of(f).yamlName();
    }

    private static Object load(LoadSpec l) {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (l) {
            case LoadSpec.Open o when o.arrival() instanceof LoadSpec.Arrival.Trace t -> {
                m.put("trace", t.trace().file().toString());
                m.put("speed", t.speed());
            }
            case LoadSpec.Open o -> m.put("open", arrival(o.arrival()));
            case LoadSpec.Closed c -> m.put("closed", map("users", c.users(), "think", dist(c.think())));
        }
        m.put("fanout", l.fanout());
        m.put("join", switch (l.join()) {
            case LoadSpec.Join.All a -> "all";
            case LoadSpec.Join.First f -> "first";
            case LoadSpec.Join.Quorum q -> "quorum(" + q.q() + ")";
        });
        return m;
    }

    private static Object arrival(LoadSpec.Arrival a) {
        return switch (a) {
            case LoadSpec.Arrival.Constant c -> map("arrival", "constant", "rate", rate(c.rate().perSecond()));
            case LoadSpec.Arrival.Poisson p -> map("arrival", "poisson", "rate", rate(p.rate().perSecond()));
            case LoadSpec.Arrival.Ramp r -> map("arrival", "ramp", "from", rate(r.from().perSecond()), "to", rate(r.to().perSecond()), "over", d(r.over()));
            case LoadSpec.Arrival.Steps st -> map("arrival", "steps", "steps",
                    st.steps().stream().map(x -> map("rate", rate(x.rate().perSecond()), "duration", d(x.duration()))).toList());
            case LoadSpec.Arrival.Trace t -> throw new IllegalArgumentException("load.trace: written at load level, not under open");
            case LoadSpec.Arrival.Spike sp -> map("arrival", "spike", "rate", rate(sp.base().perSecond()), "factor", sp.factor(), "at", d(sp.at()), "duration", d(sp.duration()));
        };
    }

    private static Object keys(KeySpec k) {
        return switch (k) {
            case KeySpec.None n -> "none";
            case KeySpec.Uniform u -> map("uniform", u.n());
            case KeySpec.Zipf z -> map("zipf", map("n", z.n(), "s", z.s()));
            case KeySpec.HotKey h -> map("hot_key", map("n", h.n(), "share", h.share()));
        };
    }

    /** A path of the graph: stages as mappings, routes and loops nested as the user drew them. */
    private static List<Object> path(List<PipelineGraph.Node> nodes, List<StageConfig> stages) {
        List<Object> out = new ArrayList<>();
        for (PipelineGraph.Node n : nodes) {
            switch (n) {
                case PipelineGraph.Stage st -> out.add(stage(stages.get(st.stage())));
                case PipelineGraph.Route r -> out.add(map("route", map("name", r.name(),
                        "when", switch (r.when()) {
                            case PipelineGraph.Fraction fr -> map("fraction", fr.share());
                            case PipelineGraph.KeyBelow kb -> map("key_below", kb.n());
                        },
                        "a", path(r.a(), stages), "b", path(r.b(), stages))));
                case PipelineGraph.Loop l -> out.add(map("loop", map("name", l.name(), "body", path(l.body(), stages),
                        "again", map("probability", l.again(), "max", l.max()))));
            }
        }
        return out;
    }

    private static Object stage(StageConfig c) {
        StageSpec s = c.spec();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("width", s.width());
        m.put("threads", s.threads().name().toLowerCase(Locale.ROOT));
        m.put("queue", s.queueCapacity());
        m.put("order", switch (s.order()) {
            case Order.Unordered u -> "unordered";
            case Order.Ordered o -> map("ordered", map("window", o.window()));
        });
        m.put("dispatch", switch (s.dispatch()) {
            case Dispatch.SharedQueue x -> "shared";
            case Dispatch.Sharded x -> "sharded";
            case Dispatch.WorkStealing x -> "work_stealing";
            case Dispatch.Batched b -> map("batched", map("size", b.size(), "adaptive", b.adaptive()));
        });
        m.put("admission", map("overflow", switch (s.admission().overflow()) {
            case Admission.Overflow.Block x -> "block";
            case Admission.Overflow.DropNewest x -> "drop_newest";
            case Admission.Overflow.DropOldest x -> "drop_oldest";
            case Admission.Overflow.Probabilistic p -> map("probabilistic", map("threshold", p.threshold()));
        }, "queue_deadline", s.admission().queueDeadline().map(ScenarioWriter::d).orElse("none")));
        m.put("on_error", s.onError().name().toLowerCase(Locale.ROOT));
        m.put("timeout", s.timeout().map(ScenarioWriter::d).orElse("none"));
        RetryPolicy r = s.retry();
        m.put("retry", r.equals(RetryPolicy.NONE) ? "none"
                : map("max_attempts", r.maxAttempts(), "backoff", d(r.backoff()), "max_backoff", d(r.maxBackoff()), "jitter", r.jitter(), "budget", r.budget()));
        m.put("hedge", s.hedge().map(ScenarioWriter::hedge).orElse("none"));
        m.put("limit", s.limit().map(ScenarioWriter::limit).orElse("none"));
        m.put("rate_limit", s.rateLimit().<Object>map(rl -> map("rate", rate(rl.ratePerSecond()), "burst", rl.burst())).orElse("none"));
        m.put("bulkhead", s.bulkhead().<Object>map(b -> map("shares", new TreeMap<>(b.shares()), "burst", b.burst())).orElse("none"));
        m.put("per_key", s.perKey());
        m.put("work", work(c.work()));
        m.put("error_rate", c.errorRate());
        return m;
    }

    private static Object hedge(HedgePolicy h) {
        return h.fixedDelay().isPresent() ? map("delay", d(h.fixedDelay().get()), "budget", h.budget()) : map("percentile", h.percentile(), "budget", h.budget());
    }

    private static Object limit(LimitSpec l) {
        return switch (l) {
            case LimitSpec.Fixed f -> map("fixed", f.limit());
            case LimitSpec.Aimd a -> map("aimd", map("initial", a.initial(), "min", a.min(), "max", a.max(), "backoff", a.backoff(), "timeout", d(a.timeout())));
            case LimitSpec.Gradient g -> map("gradient", map("initial", g.initial(), "min", g.min(), "max", g.max(), "tolerance", g.tolerance(), "queue_size", g.queueSize()));
            case LimitSpec.Vegas v -> map("vegas", map("initial", v.initial(), "min", v.min(), "max", v.max()));
        };
    }

    private static Object work(WorkSpec w) {
        return switch (w) {
            case WorkSpec.Cpu c -> map("cpu", dist(c.time()));
            case WorkSpec.Sleep s -> map("sleep", dist(s.time()));
            case WorkSpec.Alloc a -> map("alloc", map("bytes", Units.formatSize(a.bytesPerItem()), "time", dist(a.time())));
            case WorkSpec.Http h -> map("http", dist(h.latency()));
        };
    }

    /** A distribution in the format's {@code {kind: ...}} form. */
    static Map<String, Object> dist(Distribution d) {
        return switch (d) {
            case Distribution.Constant c -> map("constant", d(c.value()));
            case Distribution.Uniform u -> map("uniform", map("min", d(u.min()), "max", d(u.max())));
            case Distribution.Exponential e -> map("exponential", d(e.mean()));
            case Distribution.LogNormal l -> map("lognormal", map("median", d(l.median()), "p99", d(l.p99())));
            case Distribution.Pareto p -> map("pareto", map("scale", d(p.scale()), "shape", p.shape()));
            case Distribution.Mixture mx -> {
                List<Object> cs = new ArrayList<>();
                for (var c : mx.components()) {
                    Map<String, Object> cm = new LinkedHashMap<>();
                    cm.put("weight", c.weight());
                    cm.putAll(dist(c.distribution()));
                    cs.add(cm);
                }
                yield map("mixture", cs);
            }
            case Distribution.Empirical e -> map("empirical", e.file().toString());
        };
    }

    private static Object fault(FaultSpec f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", d(f.at()));
        if (!(f instanceof FaultSpec.Abort)) m.put("duration", d(f.duration()));
        switch (f) {
            case FaultSpec.LatencySpike x -> { m.put("factor", x.factor()); m.put("added", d(x.added())); m.put("fraction", x.fraction()); m.put("stage", x.stage().orElse(Defaults.ALL_STAGES)); }
            case FaultSpec.ErrorInjection x -> { m.put("rate", x.rate()); m.put("stage", x.stage().orElse(Defaults.ALL_STAGES)); }
            case FaultSpec.HotKey x -> m.put("share", x.share());
            case FaultSpec.Downstream503 x -> m.put("rate", x.rate());
            case FaultSpec.DownstreamSlow x -> { m.put("factor", x.factor()); m.put("added", d(x.added())); }
            case FaultSpec.WorkerStall x -> { m.put("stage", x.stage().orElse(Defaults.ALL_STAGES)); m.put("workers", x.workers()); }
            case FaultSpec.GcPressure x -> m.put("rate", Units.formatByteRate(x.bytesPerSecond()));
            case FaultSpec.CpuHog x -> m.put("threads", x.threads());
            case FaultSpec.LoadSpike x -> m.put("factor", x.factor());
            case FaultSpec.Abort x -> { }
        }
        return map(faultName(f), m);
    }

    private static Object slo(SloSpec s) {
        return switch (s) {
            case SloSpec.Latency l -> map("latency", map("metric", l.metric().name().toLowerCase(Locale.ROOT), "percentile", l.percentile(), "max", d(l.max())));
            case SloSpec.ErrorRate e -> map("error_rate", e.max());
            case SloSpec.ShedRate e -> map("shed_rate", e.max());
            case SloSpec.ThroughputFloor t -> map("throughput_floor", rate(t.min().perSecond()));
            case SloSpec.NothingLost n -> "nothing_lost";
            case SloSpec.NoLeakedThreads n -> "no_leaked_threads";
            case SloSpec.CancellationLatency c -> map("cancellation_latency", d(c.max()));
        };
    }

    private static String d(Duration d) { return Units.formatDuration(d); }

    private static String rate(double perSecond) { return Units.formatRate(perSecond); }

    /**
     * A copy in which no collection instance appears twice: the dumper writes a shared instance (two empty
     * {@code List.of()}s are one object) as an anchor and an alias, which makes the same scenario print two ways.
     */
    private static Object distinct(Object o) {
        if (o instanceof Map<?, ?> m) {
            Map<Object, Object> c = new LinkedHashMap<>();
            m.forEach((k, v) -> c.put(k, distinct(v)));
            return c;
        }
        if (o instanceof List<?> l) {
            List<Object> c = new ArrayList<>();
            for (Object v : l) c.add(distinct(v));
            return c;
        }
        return o;
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
