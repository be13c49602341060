package io.fanlab.harness.run;

import io.fanlab.reports.run.PointResult;

import io.fanlab.harness.design.Design;
import io.fanlab.harness.design.Policy;
import io.fanlab.harness.design.RunningDesign;
import io.fanlab.harness.design.StageWork;
import io.fanlab.harness.dist.Distribution;
import io.fanlab.harness.downstream.LoopbackDownstream;
import io.fanlab.harness.fault.FaultListener;
import io.fanlab.harness.fault.FaultSchedule;
import io.fanlab.harness.fault.FaultSpec;
import io.fanlab.harness.fault.FaultState;
import io.fanlab.harness.load.LoadSpec;
import io.fanlab.harness.queueing.ErlangC;
import io.fanlab.harness.scenario.Scenario;
import io.fanlab.harness.scenario.StageConfig;
import io.fanlab.harness.stream.ItemStream;
import io.fanlab.harness.work.Draws;
import io.fanlab.harness.work.WorkModels;
import io.fanlab.harness.work.WorkSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one point runs against, built from the scenario: the item stream (common random numbers), the live fault
 * state, the loopback downstream when a stage does http work, and each stage's work model. Owns the downstream;
 * {@link #close()} stops it.
 */
final class PointEnvironment implements AutoCloseable {
    private final Scenario scenario;
    private final ItemStream stream;
    private final FaultState faults;
    private final LoopbackDownstream downstream;
    private final Draws draws;

    private PointEnvironment(Scenario scenario, List<String> stageNames) {
        this.scenario = scenario;
        List<FaultSpec.HotKey> hot = scenario.faults().stream().filter(f -> f instanceof FaultSpec.HotKey).map(f -> (FaultSpec.HotKey) f).toList();
        this.stream = new ItemStream(scenario.seed(), scenario.keys(), tenants(scenario), hot);
        this.faults = new FaultState(stageNames);
        this.downstream = PointRunner.usesHttp(scenario) ? LoopbackDownstream.start(scenario.downstream(), faults) : null;
        ItemStream.Purpose[] purposes = ItemStream.Purpose.values();
        this.draws = (seq, stage, purpose) -> stream.draw(seq, stage, purposes[purpose]);
    }

    static PointEnvironment create(Scenario scenario, List<String> stageNames) {
        return new PointEnvironment(scenario, stageNames);
    }

    /** Tenants for bulkheads: one per named share plus one for everybody else. */
    static int tenants(Scenario s) {
        int max = 1;
        for (StageConfig c : s.pipeline()) if (c.spec().bulkhead().isPresent()) max = Math.max(max, c.spec().bulkhead().get().shares().size() + 1);
        return max;
    }

    ItemStream stream() { return stream; }

    StageWork work(int stage, StageConfig cfg) {
        return WorkModels.create(cfg.work(), stage, cfg.spec().name(), cfg.errorRate(), draws, faults, downstream, System::nanoTime);
    }

    AutoCloseable startFaults(List<FaultSpec> list, long runStart, EventLog events, String pointId, Runnable onAbort) {
        FaultSchedule schedule = FaultSchedule.start(list, runStart, faults, new FaultListener() {
            @Override public void started(FaultSpec f, long offsetNanos) { events.event("fault_start", pointId, describe(f, offsetNanos)); }
            @Override public void stopped(FaultSpec f, long offsetNanos) { events.event("fault_stop", pointId, describe(f, offsetNanos)); }
        }, () -> {
            // the abort's effect ends this JVM, so its start is logged here, before the effect, not after it
            FaultSpec abort = list.stream().filter(f -> f instanceof FaultSpec.Abort).findFirst().orElse(null);
            if (abort != null) events.event("fault_start", pointId, describe(abort, System.nanoTime() - runStart));
            onAbort.run();
        }, System::nanoTime);
        return schedule::close;
    }

    static Map<String, Object> describe(FaultSpec f, long offsetNanos) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fault", kind(f));
        m.put("point_t_s", offsetNanos / 1e9);
        m.put("at_s", f.at().toNanos() / 1e9);
        m.put("duration_s", f.duration().toNanos() / 1e9);
        String stage = switch (f) {
            case FaultSpec.LatencySpike s -> s.stage().orElse(null);
            case FaultSpec.ErrorInjection s -> s.stage().orElse(null);
            case FaultSpec.WorkerStall s -> s.stage().orElse(null);
            default -> null;
        };
        m.put("stage", stage);
        m.put("detail", f.toString());
        return m;
    }

    static String kind(FaultSpec f) {
        return io.fanlab.harness.fault.FaultKind.of(f).yamlName();
    }

    /**
     * Warnings about the experiment itself: each policy the scenario uses that the design does not declare in
     * {@link Design#capabilities()} (so it will be ignored), by stage, e.g. {@code design tpe ignores s1.timeout};
     * and, with a first or quorum join, a design that cannot cancel the join's losers ({@link Policy#CANCEL}).
     */
    List<String> warnings(Design design) {
        List<String> w = new ArrayList<>();
        List<String> ignored = new ArrayList<>(Policy.ignored(design.capabilities(), scenario.pipeline().stream().map(StageConfig::spec).toList()));
        boolean oneTask = ignored.remove(Policy.PIPELINE.key());
        if (!ignored.isEmpty()) w.add("design " + design.name() + " ignores " + String.join(", ", ignored));
        if (oneTask) w.add("design " + design.name() + " runs all " + scenario.pipeline().size() + " stages in one task at the swept width");
        if (scenario.load().fanout() > 1 && !(scenario.load().join() instanceof LoadSpec.Join.All) && !design.capabilities().contains(Policy.CANCEL))
            w.add("design " + design.name() + " cannot cancel one item (no cancel capability): the join's losers run to their end");
        return w;
    }

    /**
     * The M/M/c prediction when the point is an M/M/c system: one stage of exponential sleep, Poisson arrivals,
     * fanout 1, no faults, no limits; null otherwise.
     */
    PointResult.ErlangC erlangC(int width, double measuredServiceMeanMs) {
        if (scenario.pipeline().size() != 1 || !scenario.faults().isEmpty() || scenario.load().fanout() != 1) return null;
        StageConfig c = scenario.pipeline().get(0);
        if (!(scenario.load() instanceof LoadSpec.Open o) || !(o.arrival() instanceof LoadSpec.Arrival.Poisson p)) return null;
        if (!(c.work() instanceof WorkSpec.Sleep s) || !(s.time() instanceof Distribution.Exponential e)) return null;
        if (c.errorRate() > 0 || c.spec().limit().isPresent() || c.spec().rateLimit().isPresent()) return null;
        ErlangC.Prediction pr = ErlangC.mmc(p.rate().perSecond(), e.meanNanos() / 1e9, width);
        if (!pr.stable()) return null;
        ErlangC.Prediction cal = measuredServiceMeanMs > 0 ? ErlangC.mmc(p.rate().perSecond(), measuredServiceMeanMs / 1e3, width) : null;
        boolean calOk = cal != null && cal.stable();
        return new PointResult.ErlangC(width, pr.lambda(), pr.mu(), pr.meanResponseSec() * 1e3, pr.responseQuantileSec(0.99) * 1e3, pr.waitProbability(),
                calOk ? cal.mu() : null, calOk ? cal.meanResponseSec() * 1e3 : null, calOk ? cal.responseQuantileSec(0.99) * 1e3 : null);
    }

    /** Retry and hedge counters, when the design exposes them (the reference engine does). */
    PointResult.Counters counters(RunningDesign running) {
        RunningDesign.PolicyCounters c = running.policyCounters();
        RunningDesign.HedgeFire f = c.hedgeFire(), t = c.hedgeTimer();
        if (f == null || t == null || c.hedgeLosersCancelled() < 0) return new PointResult.Counters(c.retries(), c.hedges(), c.hedgesWon());
        return new PointResult.Counters(c.retries(), c.hedges(), c.hedgesWon(), c.hedgeLosersCancelled(), c.hedgesDeniedByBudget(),
                c.hedgesDeniedByLimit(), f.meanMicros(), f.percentileUpperMicros(50), f.percentileUpperMicros(99), f.maxMicros(),
                f.shareBelowMicros(200), t.meanMicros(), t.shareBelowMicros(200));
    }

    @Override public void close() {
        if (downstream != null) downstream.close();
    }
}
