package io.fanlab.harness.design;

import io.fanlab.engine.spec.StageSpec;
import java.util.List;

/**
 * What the harness gives a design when starting it for one sweep point.
 *
 * @param stages      resolved stage specs in pipeline order; the swept stage already carries the point's width
 * @param work        the work of each stage, same order as {@code stages}
 * @param completions where every item's terminal state goes
 * @param sweptStage  index of the stage whose width is swept
 * @param router      the pipeline's shape over {@code stages} (routes and loops) and its per-point decisions; a
 *                    design runs the graph, asking the router at every route and loop end, or refuses a non-linear
 *                    graph in {@link Design#start}
 */
public record DesignContext(List<StageSpec> stages, List<StageWork> work, Completions completions, int sweptStage, GraphRouter router) {
    public DesignContext {
        stages = List.copyOf(stages);
        work = List.copyOf(work);
        if (stages.size() != work.size() || stages.isEmpty())
            throw new IllegalArgumentException("stages/work: " + stages.size() + "/" + work.size() + " (expected: same size >= 1)");
        if (router == null) router = GraphRouter.linear(stages.size());
        if (router.graph().stageCount() != stages.size())
            throw new IllegalArgumentException("router: a graph over " + router.graph().stageCount() + " stages (expected: " + stages.size() + ")");
    }

    /** Stages in sequence (a linear pipeline). */
    public DesignContext(List<StageSpec> stages, List<StageWork> work, Completions completions, int sweptStage) {
        this(stages, work, completions, sweptStage, null);
    }

    /** Width of the swept stage. */
    public int width() { return stages.get(sweptStage).width(); }
}
