package io.fanlab.harness.scenario;

import io.fanlab.engine.spec.Check;
import io.fanlab.engine.spec.InvalidField;
import java.time.Duration;

/**
 * Warmup (not recorded), the measured window, and cooldown (drain; not recorded). Total = sum of the three.
 * {@code cancel} places the point's cancel on that timeline ({@link CancelAt}; default after the cooldown).
 */
public record Phases(Duration warmup, Duration measure, Duration cooldown, CancelAt cancel) {
    public Phases {
        Check.nonNegative("warmup", warmup);
        Check.positive("measure", measure);
        Check.nonNegative("cooldown", cooldown);
        Check.notNull("cancel", cancel);
        if (cancel instanceof CancelAt.At at) {
            if (at.offset().compareTo(warmup) <= 0)
                throw new InvalidField("cancel", String.valueOf(cancel), "after the warmup, > " + Units.formatDuration(warmup));
            if (at.offset().compareTo(warmup.plus(measure).plus(cooldown)) > 0)
                throw new InvalidField("cancel", String.valueOf(cancel), "at most the end of the cooldown, "
                        + Units.formatDuration(warmup.plus(measure).plus(cooldown)));
        }
    }

    public Phases(Duration warmup, Duration measure, Duration cooldown) {
        this(warmup, measure, cooldown, Defaults.CANCEL);
    }

    public Duration total() { return warmup.plus(measure).plus(cooldown); }

    /** The measured window's length: cut short by a cancel placed inside it. */
    public Duration measured() {
        Duration end = cancel.offset(this);
        Duration windowEnd = warmup.plus(measure);
        return end.compareTo(windowEnd) < 0 ? end.minus(warmup) : measure;
    }
}
