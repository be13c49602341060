package io.fanlab.harness.scenario;

import io.fanlab.engine.spec.Check;
import io.fanlab.engine.spec.InvalidField;
import io.fanlab.harness.design.PipelineGraph;
import io.fanlab.harness.fault.FaultSpec;
import io.fanlab.harness.load.LoadSpec;
import io.fanlab.reports.analysis.Gate;
import io.fanlab.reports.compare.Tolerances;
import java.util.List;

/**
 * A resolved scenario: every default explicit. Built from YAML by {@link ScenarioLoader}, written back out into
 * the run directory as {@code scenario.resolved.yaml}. Cross-field rules live in {@link ScenarioRules}.
 *
 * <p>{@code gate}: which points' SLOs fail the run (the rest are findings); {@code compare}: the tolerances of
 * {@code fanlab compare} and {@code nightly} per metric. Both are read by the reports module from results.json.
 */
public record Scenario(String name, String description, long seed, Phases phases, LoadSpec load, KeySpec keys,
                       List<StageConfig> pipeline, DownstreamSpec downstream, List<FaultSpec> faults,
                       List<SloSpec> slos, SweepSpec sweep, Gate gate, Tolerances compare, CaptureSpec capture,
                       PipelineGraph graph) {
    /** A scenario whose stages run in sequence (a linear pipeline). */
    public Scenario(String name, String description, long seed, Phases phases, LoadSpec load, KeySpec keys,
                    List<StageConfig> pipeline, DownstreamSpec downstream, List<FaultSpec> faults,
                    List<SloSpec> slos, SweepSpec sweep, Gate gate, Tolerances compare, CaptureSpec capture) {
        this(name, description, seed, phases, load, keys, pipeline, downstream, faults, slos, sweep, gate, compare, capture, null);
    }

    /** A scenario with the default gate, tolerances and capture. */
    public Scenario(String name, String description, long seed, Phases phases, LoadSpec load, KeySpec keys,
                    List<StageConfig> pipeline, DownstreamSpec downstream, List<FaultSpec> faults,
                    List<SloSpec> slos, SweepSpec sweep) {
        this(name, description, seed, phases, load, keys, pipeline, downstream, faults, slos, sweep, Defaults.GATE, Defaults.COMPARE, Defaults.CAPTURE);
    }

    /** A scenario with the default capture. */
    public Scenario(String name, String description, long seed, Phases phases, LoadSpec load, KeySpec keys,
                    List<StageConfig> pipeline, DownstreamSpec downstream, List<FaultSpec> faults,
                    List<SloSpec> slos, SweepSpec sweep, Gate gate, Tolerances compare) {
        this(name, description, seed, phases, load, keys, pipeline, downstream, faults, slos, sweep, gate, compare, Defaults.CAPTURE);
    }

    /** A scenario with the default gate and tolerances. */
    public Scenario(String name, String description, long seed, Phases phases, LoadSpec load, KeySpec keys,
                    List<StageConfig> pipeline, DownstreamSpec downstream, List<FaultSpec> faults,
                    List<SloSpec> slos, SweepSpec sweep, CaptureSpec capture) {
        this(name, description, seed, phases, load, keys, pipeline, downstream, faults, slos, sweep, Defaults.GATE, Defaults.COMPARE, capture);
    }

    public Scenario {
        if (name == null || name.isBlank()) throw new InvalidField("name", "'" + name + "'", "non-empty");
        Check.notNull("description", description);
        Check.notNull("phases", phases);
        Check.notNull("load", load);
        Check.notNull("keys", keys);
        Check.notNull("downstream", downstream);
        Check.notNull("sweep", sweep);
        Check.notNull("gate", gate);
        Check.notNull("compare", compare);
        if (Check.notNull("pipeline", pipeline).isEmpty()) throw new InvalidField("pipeline", "[]", "at least one stage");
        pipeline = List.copyOf(pipeline);
        faults = List.copyOf(faults);
        slos = List.copyOf(slos);
        Check.notNull("capture", capture);
        if (graph == null) graph = PipelineGraph.linear(pipeline.size());
        if (graph.stageCount() != pipeline.size())
            throw new InvalidField("graph", "a shape over " + graph.stageCount() + " stages", "the " + pipeline.size() + " stages of pipeline");
    }

    /** True when the pipeline has routes or loops (not every design runs those). */
    public boolean isGraph() { return !graph.isLinear(); }

    /** The same scenario capturing {@code c} ({@code --capture} / {@code --no-capture}). */
    public Scenario withCapture(CaptureSpec c) {
        return new Scenario(name, description, seed, phases, load, keys, pipeline, downstream, faults, slos, sweep, gate, compare, c, graph);
    }
}
