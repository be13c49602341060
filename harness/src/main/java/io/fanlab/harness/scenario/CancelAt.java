package io.fanlab.harness.scenario;

import io.fanlab.engine.spec.InvalidField;
import java.time.Duration;

/**
 * When a point cancels its design ({@code phases.cancel}). The harness always ends a point with a cancel; where it
 * falls decides what {@code cancel_ms} measures:
 * <ul>
 *   <li>{@code after_cooldown} (the default): after the cooldown drain, or as soon as nothing is left in flight;
 *       cancels what is stuck, usually nothing: it measures cancellation of an idle design.</li>
 *   <li>{@code end_of_measure}: at the end of the measured window, the load still arriving: cancellation under
 *       load (items in flight end CANCELLED; the point's {@code cancellation} record counts them).</li>
 *   <li>a duration: that time on the point's timeline (from the start of the warmup), after the warmup and at most
 *       the end of the cooldown; the load stops there and, if it falls inside the measured window, the window ends
 *       there.</li>
 * </ul>
 */
public sealed interface CancelAt {
    record AfterCooldown() implements CancelAt {
        @Override public String toString() { return "after_cooldown"; }
    }

    record EndOfMeasure() implements CancelAt {
        @Override public String toString() { return "end_of_measure"; }
    }

    /** @param offset time since the point's start (its warmup) */
    record At(Duration offset) implements CancelAt {
        public At {
            if (offset == null || offset.isNegative() || offset.isZero())
                throw new InvalidField("cancel", io.fanlab.engine.spec.Check.show(offset), "> 0s");
        }
        @Override public String toString() { return Units.formatDuration(offset); }
    }

    CancelAt AFTER_COOLDOWN = new AfterCooldown();
    CancelAt END_OF_MEASURE = new EndOfMeasure();

    /** The cancel's offset from the point's start, given its phases. */
    default Duration offset(Phases p) {
        return switch (this) {
            case AfterCooldown a -> p.total();
            case EndOfMeasure e -> p.warmup().plus(p.measure());
            case At at -> at.offset();
        };
    }
}
