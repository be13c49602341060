package io.fanlab.harness.scenario;

import io.fanlab.engine.spec.Check;
import io.fanlab.harness.fault.FaultSpec;
import io.fanlab.harness.load.LoadSpec;
import java.util.List;

/**
 * A resolved scenario: every default explicit. Built from YAML by {@link ScenarioLoader}, written back out into
 * the run directory as {@code scenario.resolved.yaml}. Cross-field rules live in {@link ScenarioRules}.
 */
public record Scenario(String name, String description, long seed, Phases phases, LoadSpec load, KeySpec keys,
                       List<StageConfig> pipeline, DownstreamSpec downstream, List<FaultSpec> faults,
                       List<SloSpec> slos, SweepSpec sweep, CaptureSpec capture) {
    public Scenario {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("name: '" + name + "' (expected: non-empty)");
        Check.notNull("description", description);
        Check.notNull("phases", phases);
        Check.notNull("load", load);
        Check.notNull("keys", keys);
        Check.notNull("downstream", downstream);
        Check.notNull("sweep", sweep);
        if (Check.notNull("pipeline", pipeline).isEmpty()) throw new IllegalArgumentException("pipeline: [] (expected: at least one stage)");
        pipeline = List.copyOf(pipeline);
        faults = List.copyOf(faults);
        slos = List.copyOf(slos);
        Check.notNull("capture", capture);
    }

    /** A scenario without a {@code capture} section: the embedded {@link Defaults#CAPTURE}. */
    public Scenario(String name, String description, long seed, Phases phases, LoadSpec load, KeySpec keys,
                    List<StageConfig> pipeline, DownstreamSpec downstream, List<FaultSpec> faults,
                    List<SloSpec> slos, SweepSpec sweep) {
        this(name, description, seed, phases, load, keys, pipeline, downstream, faults, slos, sweep, Defaults.CAPTURE);
    }

    /** The same scenario capturing {@code c} ({@code --capture} / {@code --no-capture}). */
    public Scenario withCapture(CaptureSpec c) {
        return new Scenario(name, description, seed, phases, load, keys, pipeline, downstream, faults, slos, sweep, c);
    }
}
