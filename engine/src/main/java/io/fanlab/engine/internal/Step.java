package io.fanlab.engine.internal;

import io.fanlab.engine.Work;
import io.fanlab.engine.spec.StageSpec;

import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/** A step of a pipeline description, as recorded by the builder; compiled into nodes by {@link PipelineRuntime}. */
public sealed interface Step {
    /** A stage; {@code key}, {@code tenant} and {@code weight} are null when not given. */
    record StageStep(StageSpec spec, Work<?, ?> work, ToLongFunction<?> key, Function<?, String> tenant,
                     ToIntFunction<?> weight) implements Step {
        public StageStep(StageSpec spec, Work<?, ?> work, ToLongFunction<?> key) {
            this(spec, work, key, null, null);
        }
    }

    record BranchStep(String exit, List<Step> side) implements Step {}

    record RouteStep(Predicate<?> predicate, List<Step> a, List<Step> b) implements Step {}

    record LoopStep(List<Step> body, Predicate<?> again, Function<?, ?> back, int maxLaps) implements Step {}
}
