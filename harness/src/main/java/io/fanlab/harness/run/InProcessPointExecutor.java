package io.fanlab.harness.run;

import io.fanlab.reports.run.PointResult;

import io.fanlab.harness.design.Design;
import io.fanlab.harness.load.LoadSpec;
import io.fanlab.harness.scenario.Scenario;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs points in this JVM, one after another ({@code --in-process}): quick, but JIT and heap state carry over
 * between points and a design that calls {@code System.exit} ends the whole run. An abort fault ends the point as
 * ABORTED instead of killing the JVM.
 */
public final class InProcessPointExecutor implements PointExecutor {
    private final Scenario scenario;
    private final Map<String, Design> designs;

    public InProcessPointExecutor(Scenario scenario, Map<String, Design> designs) {
        this.scenario = scenario;
        this.designs = designs;
    }

    /** Thrown on the point's thread when an abort fault fires in-process. */
    static final class Aborted extends RuntimeException {
        Aborted() { super("abort fault", null, false, false); }
    }

    @Override
    public PointResult execute(PointRequest req, Progress.Listener progress) throws InterruptedException {
        EventLog events = new EventLog(req.runDir().resolve("events.jsonl"), req.runStartEpochMs());
        Thread pointThread = Thread.currentThread();
        boolean[] aborted = new boolean[1];
        try {
            return new PointRunner(scenario, designs.get(req.design()), req, events, progress, () -> {
                aborted[0] = true;
                pointThread.interrupt();
            }).run();
        } catch (InterruptedException e) {
            if (aborted[0]) return PointResult.failedPoint(req.id(), req.design(), req.width(), req.repeat(), PointResult.ABORTED, "abort fault fired (in-process)");
            throw e;
        } catch (Exception e) {
            if (aborted[0]) return PointResult.failedPoint(req.id(), req.design(), req.width(), req.repeat(), PointResult.ABORTED, "abort fault fired (in-process)");
            return PointResult.failedPoint(req.id(), req.design(), req.width(), req.repeat(), PointResult.CRASHED, e.toString());
        }
    }

    /** The {@code load} object of results.json. */
    public static Map<String, Object> loadInfo(Scenario s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", s.load() instanceof LoadSpec.Open ? "open" : "closed");
        Double rate = null;
        if (s.load() instanceof LoadSpec.Open o) {
            rate = switch (o.arrival()) {
                case LoadSpec.Arrival.Constant c -> c.rate().perSecond();
                case LoadSpec.Arrival.Poisson p -> p.rate().perSecond();
                case LoadSpec.Arrival.Ramp r -> r.to().perSecond();
                case LoadSpec.Arrival.Steps st -> st.steps().get(st.steps().size() - 1).rate().perSecond();
                case LoadSpec.Arrival.Spike sp -> sp.base().perSecond();
                case LoadSpec.Arrival.Trace tr -> tr.trace().durationNanos() == 0 ? (double) tr.trace().size() // mean rate of the replay
                        : tr.trace().size() / (tr.trace().durationNanos() / 1e9 / tr.speed());
            };
            rate = rate * s.load().fanout();
        }
        m.put("offered_rate", rate);
        m.put("fanout", s.load().fanout());
        if (s.load() instanceof LoadSpec.Closed c) m.put("users", c.users());
        return m;
    }

    /** {@link #loadInfo} as the typed {@code load} of the results.json header. */
    public static io.fanlab.reports.run.RunHeader.Load load(Scenario s) {
        return io.fanlab.reports.run.RunJson.MAPPER.convertValue(loadInfo(s), io.fanlab.reports.run.RunHeader.Load.class);
    }

    public static List<String> sloNames(Scenario s) {
        return s.slos().stream().map(SloEvaluator::name).toList();
    }
}
