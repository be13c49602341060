package io.fanlab.harness.design.engine;

import io.fanlab.engine.Work;
import io.fanlab.engine.observe.StageStats;
import io.fanlab.engine.observe.jfr.StageWindowEvents;
import io.fanlab.engine.pipeline.CancelToken;
import io.fanlab.engine.pipeline.FanOutEngine;
import io.fanlab.engine.pipeline.ItemTraits;
import io.fanlab.engine.pipeline.Pipeline;
import io.fanlab.engine.pipeline.ShutdownReport;
import io.fanlab.engine.resilience.AttemptLedger;
import io.fanlab.engine.spec.StageSpec;
import io.fanlab.harness.design.Design;
import io.fanlab.harness.design.DesignContext;
import io.fanlab.harness.design.GraphRouter;
import io.fanlab.harness.design.Item;
import io.fanlab.harness.design.PipelineGraph;
import io.fanlab.harness.design.Policy;
import io.fanlab.harness.design.RunningDesign;
import io.fanlab.harness.design.StageWork;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/** The reference engine driven through the design SPI; {@code variant} rewrites each stage spec (identity for {@code engine}). */
final class EngineDesign implements Design {
    private final String name;
    private final String description;
    private final UnaryOperator<StageSpec> variant;
    private final Set<Policy> capabilities;

    EngineDesign(String name, String description, UnaryOperator<StageSpec> variant) {
        this(name, description, variant, EnumSet.allOf(Policy.class));
    }

    /** @param capabilities the policies this variant applies (a variant that drops one says so, and is warned about) */
    EngineDesign(String name, String description, UnaryOperator<StageSpec> variant, Set<Policy> capabilities) {
        this.name = name;
        this.description = description;
        this.variant = variant;
        this.capabilities = Set.copyOf(capabilities);
    }

    @Override public String name() { return name; }
    @Override public String description() { return description; }

    /**
     * The engine applies every stage policy (engine/POLICIES.md), each stage with its own queue and workers, and
     * cancels one item alone through its {@link CancelToken}; a variant that drops a policy (engine-no-hedge) leaves
     * it out.
     */
    @Override public Set<Policy> capabilities() { return capabilities; }

    @Override public RunningDesign start(DesignContext context) {
        List<StageSpec> specs = context.stages().stream().map(variant).toList();
        Pipeline<Item, Item> p = path(Pipeline.<Item>identity(), context.router().graph().nodes(), specs, context);
        FanOutEngine<Item> engine = p.named(name).start((exit, item, outcome, result, cause) -> context.completions().complete(item, outcome, cause));
        String swept = specs.get(context.sweptStage()).name();
        // fanlab.StageWindow JFR events (off unless a recording enables them, as the point's capture does)
        StageWindowEvents.Registration jfr = StageWindowEvents.register(name, engine::stages);
        return new RunningDesign() {
            /** Each item with its own {@link CancelToken}, which the item's cancel handle fires (a join's losers). */
            @Override public void submit(Item item) throws InterruptedException {
                CancelToken token = new CancelToken();
                item.onCancel(token::cancel);
                engine.submit(item, token);
            }

            @Override public Gauges gauges() {
                long queue = 0, inflight = 0, reorder = 0, limit = -1;
                for (StageStats s : engine.stages()) {
                    queue += s.queueDepth();
                    inflight += s.inflight();
                    reorder += s.reorderDepth();
                    if (s.name().equals(swept)) limit = s.currentLimit();
                }
                return new Gauges(queue, inflight, limit, reorder);
            }

            @Override public boolean close(Duration deadline) {
                jfr.close();
                return engine.close(deadline).drained();
            }

            @Override public CancelResult cancel(Duration bound) {
                jfr.close();
                ShutdownReport r = engine.cancel(bound);
                return new CancelResult(r.took(), r.stuck().size());
            }

            @Override public List<StageWorkers> workers() {
                List<StageWorkers> out = new java.util.ArrayList<>();
                for (StageStats s : engine.stages()) {
                    if (s.workers().isEmpty()) continue;
                    out.add(new StageWorkers(s.name(), s.workers().stream().map(w -> w.items()).toList(),
                            s.workers().stream().map(w -> w.busyNanos()).toList()));
                }
                return out;
            }

            @Override public PolicyCounters policyCounters() {
                long retries = 0, hedges = 0, won = 0, losers = 0, byBudget = 0, byLimit = 0;
                AttemptLedger.FireLag fire = null, timer = null;
                for (StageStats s : engine.stages()) {
                    retries += s.retries();
                    hedges += s.hedges();
                    won += s.hedgesWon();
                    AttemptLedger.Snapshot a = s.attempts();
                    losers += a.hedgeLosersCancelled();
                    byBudget += a.hedgesDeniedByBudget();
                    byLimit += a.hedgesDeniedByLimit();
                    fire = merge(fire, a.hedgeFireLag());
                    timer = merge(timer, a.hedgeTimerLag());
                }
                return new PolicyCounters(retries, hedges, won, losers, byBudget, byLimit, view(fire), view(timer));
            }
        };
    }

    private static AttemptLedger.FireLag merge(AttemptLedger.FireLag a, AttemptLedger.FireLag b) {
        if (a == null) return b;
        long[] buckets = a.buckets().clone();
        for (int i = 0; i < buckets.length; i++) buckets[i] += b.buckets()[i];
        return new AttemptLedger.FireLag(a.count() + b.count(), a.sumNanos() + b.sumNanos(), Math.max(a.maxNanos(), b.maxNanos()), buckets);
    }

    private static RunningDesign.HedgeFire view(AttemptLedger.FireLag f) {
        if (f == null) f = AttemptLedger.Snapshot.NONE.hedgeFireLag();
        return new RunningDesign.HedgeFire(f.count(), f.meanNanos() / 1e3, f.maxNanos() / 1e3,
                java.util.Arrays.stream(AttemptLedger.FireLag.BOUNDS_MICROS).boxed().toList(),
                java.util.Arrays.stream(f.buckets()).boxed().toList());
    }

    /**
     * Appends {@code nodes} to {@code p}: a stage as a stage, a route as the engine's diamond ({@link Pipeline#route})
     * and a loop as its bounded loop ({@link Pipeline#loop}), every decision asked of the point's router. The loop's
     * pass count per item lives here, keyed by item identity, from its first pass until the item leaves the loop (an
     * item that fails inside the body leaves its entry behind: at most one small entry per failed item).
     */
    private static Pipeline<Item, Item> path(Pipeline<Item, Item> p, List<PipelineGraph.Node> nodes, List<StageSpec> specs, DesignContext context) {
        GraphRouter router = context.router();
        for (PipelineGraph.Node n : nodes) {
            switch (n) {
                case PipelineGraph.Stage st -> {
                    StageSpec s = specs.get(st.stage());
                    p = p.then(s, asWork(context.work().get(st.stage())), traits(s));
                }
                case PipelineGraph.Route r -> p = p.route(item -> router.takesA(r, item),
                        a -> path(a, r.a(), specs, context), b -> path(b, r.b(), specs, context));
                case PipelineGraph.Loop l -> {
                    Map<Item, Integer> passes = new ConcurrentHashMap<>();
                    p = p.loop(body -> path(body, l.body(), specs, context), item -> {
                        int pass = passes.merge(item, 1, Integer::sum);
                        boolean again = router.again(l, item, pass);
                        if (!again || pass == l.max()) passes.remove(item);
                        if (again && pass == l.max()) router.lastPass(l, item); // the engine runs that pass without asking
                        return again;
                    }, item -> item, l.max());
                }
            }
        }
        return p;
    }

    /**
     * Keys for per-key stages; tenants for bulkheads: the harness draws tenant indexes uniformly over the named
     * shares (sorted by name) plus one "everybody else" tenant, which maps to "" (the unlisted pool).
     */
    static ItemTraits<Item> traits(StageSpec s) {
        ItemTraits<Item> t = ItemTraits.none();
        if (s.perKey()) t = t.withKey(Item::key);
        if (s.bulkhead().isPresent()) {
            List<String> names = s.bulkhead().get().shares().keySet().stream().sorted().toList();
            t = t.withTenant(item -> item.tenant() < names.size() ? names.get(item.tenant()) : "");
        }
        return t;
    }

    private static Work<Item, Item> asWork(StageWork w) {
        return (item, ctx) -> {
            w.run(item, ctx::isCancelled);
            return item;
        };
    }
}
