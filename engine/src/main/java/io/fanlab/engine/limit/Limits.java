package io.fanlab.engine.limit;

import io.fanlab.engine.spec.LimitSpec;

import java.util.Objects;
import java.util.function.LongSupplier;

/** Builds the {@link Limit} a {@link LimitSpec} describes. */
public final class Limits {
    private Limits() {}

    /**
     * A new, independent limit for {@code spec}.
     *
     * @param nanoClock the clock the stage samples with. The current algorithms are driven by samples alone
     *                  ({@code startNanos} and {@code rttNanos} come from the caller, taken on this clock); it is
     *                  part of the factory so that time-windowed algorithms can be added without changing callers.
     */
    public static Limit of(LimitSpec spec, LongSupplier nanoClock) {
        Objects.requireNonNull(nanoClock, "nanoClock");
        return switch (Objects.requireNonNull(spec, "spec")) {
            case LimitSpec.Fixed f -> new FixedLimit(f.limit());
            case LimitSpec.Aimd a -> new AimdLimit(a);
            case LimitSpec.Gradient g -> new Gradient2Limit(g);
            case LimitSpec.Vegas v -> new VegasLimit(v);
        };
    }
}
