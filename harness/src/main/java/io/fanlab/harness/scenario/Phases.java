package io.fanlab.harness.scenario;

import java.time.Duration;

/** Warmup (not recorded), the measured window, and cooldown (drain; not recorded). Total = sum of the three. */
public record Phases(Duration warmup, Duration measure, Duration cooldown) {
    public Duration total() { return warmup.plus(measure).plus(cooldown); }
}
