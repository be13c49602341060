package io.fanlab.harness.design.engine;

import io.fanlab.engine.spec.Dispatch;
import io.fanlab.engine.spec.StageSpec;
import io.fanlab.engine.spec.ThreadKind;
import io.fanlab.harness.design.Design;
import io.fanlab.harness.design.DesignProvider;
import io.fanlab.harness.design.Policy;
import java.util.EnumSet;
import java.util.List;
import java.util.function.UnaryOperator;

/** ServiceLoader provider of the reference engine and its variants. */
public final class ReferenceEngineDesigns implements DesignProvider {
    @Override public List<Design> designs() {
        return List.of(
                new EngineDesign("engine", "reference engine, every stage as the scenario configures it", UnaryOperator.identity()),
                new EngineDesign("engine-sharded", "reference engine, per-worker queues filled round-robin", dispatch(new Dispatch.Sharded())),
                new EngineDesign("engine-stealing", "reference engine, per-worker queues with work stealing", dispatch(new Dispatch.WorkStealing())),
                new EngineDesign("engine-batched", "reference engine, adaptive batched hand-off (up to 64 items)", dispatch(new Dispatch.Batched(64, true))),
                new EngineDesign("engine-virtual", "reference engine, virtual-thread workers on every stage", s -> s.withThreads(ThreadKind.VIRTUAL)),
                new EngineDesign("engine-no-hedge", "reference engine with every stage's hedge policy removed (the baseline of a hedging run)",
                        s -> s.withHedge(null), EnumSet.complementOf(EnumSet.of(Policy.HEDGE))));
    }

    private static UnaryOperator<StageSpec> dispatch(Dispatch d) {
        return s -> s.perKey() ? s : s.withDispatch(d);
    }
}
