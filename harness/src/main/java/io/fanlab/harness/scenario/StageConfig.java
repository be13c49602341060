package io.fanlab.harness.scenario;

import io.fanlab.engine.spec.Check;
import io.fanlab.engine.spec.StageSpec;
import io.fanlab.harness.work.WorkSpec;

/**
 * One stage of the scenario's pipeline: the engine's policies (reused as-is, so the YAML names exactly what the
 * engine does) plus the work the stage performs and its intrinsic error rate.
 *
 * @param errorRate probability that an item fails in this stage (drawn from (seed, item, stage)), 0 for none
 */
public record StageConfig(StageSpec spec, WorkSpec work, double errorRate) {
    public StageConfig {
        Check.notNull("spec", spec);
        Check.notNull("work", work);
        Check.share("error_rate", errorRate);
    }
}
