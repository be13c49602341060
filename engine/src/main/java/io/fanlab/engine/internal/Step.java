package io.fanlab.engine.internal;

import io.fanlab.engine.Work;
import io.fanlab.engine.spec.StageSpec;

import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/** A step of a pipeline description, as recorded by the builder; compiled into nodes by {@link PipelineRuntime}. */
public sealed interface Step {
    record StageStep(StageSpec spec, Work<?, ?> work, ToLongFunction<?> key) implements Step {}

    record BranchStep(String exit, List<Step> side) implements Step {}

    record RouteStep(Predicate<?> predicate, List<Step> a, List<Step> b) implements Step {}

    record LoopStep(List<Step> body, Predicate<?> again, Function<?, ?> back, int maxLaps) implements Step {}
}
