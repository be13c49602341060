package io.fanlab.harness.scenario;

import io.fanlab.engine.spec.Check;
import io.fanlab.engine.spec.InvalidField;
import io.fanlab.harness.load.Rate;
import java.time.Duration;

/** A service-level objective checked per sweep point. */
public sealed interface SloSpec {
    /** Which latency a percentile bound refers to. */
    enum Metric { RESPONSE, SERVICE, REQUEST }

    /** {@code metric} p{@code percentile} <= {@code max}. */
    record Latency(Metric metric, double percentile, Duration max) implements SloSpec {
        public Latency {
            Check.notNull("metric", metric);
            if (!(percentile > 0 && percentile <= 100)) throw new InvalidField("percentile", String.valueOf(percentile), "0 < p <= 100");
            Check.positive("max", max);
        }
    }
    /** (failed + timed out + dead-lettered) / offered <= max. */
    record ErrorRate(double max) implements SloSpec {
        public ErrorRate { Check.share("error_rate", max); }
    }
    /** Shed / offered <= max. */
    record ShedRate(double max) implements SloSpec {
        public ShedRate { Check.share("shed_rate", max); }
    }
    /** Completed throughput in the measured window >= min. */
    record ThroughputFloor(Rate min) implements SloSpec {
        public ThroughputFloor { Check.notNull("throughput_floor", min); }
    }
    /** Conservation holds: every offered item ended in exactly one terminal state. */
    record NothingLost() implements SloSpec {}
    /** No thread started by the design is alive after it closed. */
    record NoLeakedThreads() implements SloSpec {}
    /** Cancel returned within {@code max}. */
    record CancellationLatency(Duration max) implements SloSpec {
        public CancellationLatency { Check.positive("cancellation_latency", max); }
    }
}
