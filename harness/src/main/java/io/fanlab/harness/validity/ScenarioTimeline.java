package io.fanlab.harness.validity;

import io.fanlab.harness.fault.FaultSpec;
import io.fanlab.harness.load.LoadSpec;
import io.fanlab.harness.scenario.Scenario;
import java.util.List;
import java.util.function.Function;

/** What the validity checks need from a scenario: its faults on the point's timeline, and whether its load is steady. */
public final class ScenarioTimeline {
    private ScenarioTimeline() {}

    /** The scenario's faults as timings, named by {@code kind}. */
    public static List<PointValidity.FaultTiming> faults(Scenario s, Function<FaultSpec, String> kind) {
        return s.faults().stream()
                .map(f -> new PointValidity.FaultTiming(kind.apply(f), f.at().toNanos() / 1e9, f.duration().toNanos() / 1e9))
                .toList();
    }

    /**
     * Why the steady-state check does not apply to this scenario's window, or null when it does: a load whose rate
     * changes by design (ramp, steps, spike) or a fault active inside the measured window moves the figures on
     * purpose.
     */
    public static String steadyNotJudged(Scenario s, List<PointValidity.FaultTiming> faults) {
        if (s.load() instanceof LoadSpec.Open o
                && !(o.arrival() instanceof LoadSpec.Arrival.Constant || o.arrival() instanceof LoadSpec.Arrival.Poisson)) {
            return "the arrival rate varies by design";
        }
        double from = s.phases().warmup().toNanos() / 1e9, to = from + s.phases().measure().toNanos() / 1e9;
        for (PointValidity.FaultTiming f : faults) {
            if (f.atS() < to && f.atS() + f.durationS() > from) return "fault " + f.kind() + " is active in the window";
        }
        return null;
    }
}
