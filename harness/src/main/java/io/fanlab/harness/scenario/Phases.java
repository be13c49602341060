package io.fanlab.harness.scenario;

import io.fanlab.engine.spec.Check;
import java.time.Duration;

/** Warmup (not recorded), the measured window, and cooldown (drain; not recorded). Total = sum of the three. */
public record Phases(Duration warmup, Duration measure, Duration cooldown) {
    public Phases {
        Check.nonNegative("warmup", warmup);
        Check.positive("measure", measure);
        Check.nonNegative("cooldown", cooldown);
    }
    public Duration total() { return warmup.plus(measure).plus(cooldown); }
}
