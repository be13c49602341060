package io.fanlab.harness.fault;

import io.fanlab.engine.spec.Check;
import io.fanlab.engine.spec.InvalidField;
import java.time.Duration;
import java.util.Optional;

/**
 * One fault on the run's timeline, active in [at, at + duration) measured from the start of the run (warmup
 * included). Every start and stop is written to the event log with its time. Faults are revocable: when the
 * window ends, or the run ends early, the fault is undone.
 */
public sealed interface FaultSpec {
    Duration at();
    Duration duration();

    /** Service time of affected items multiplied by {@code factor} and/or increased by {@code added}. */
    record LatencySpike(Duration at, Duration duration, double factor, Duration added, double fraction, Optional<String> stage) implements FaultSpec {
        public LatencySpike { Check.nonNegative("at", at); Check.positive("duration", duration); Check.positive("factor", factor); Check.nonNegative("added", added); Check.positive("fraction", fraction); Check.share("fraction", fraction); Check.notNull("stage", stage); }
    }
    /** Affected items fail with probability {@code rate}. */
    record ErrorInjection(Duration at, Duration duration, double rate, Optional<String> stage) implements FaultSpec {
        public ErrorInjection { Check.nonNegative("at", at); Check.positive("duration", duration); Check.share("rate", rate); Check.notNull("stage", stage); }
    }
    /** {@code share} of items get the hot key. */
    record HotKey(Duration at, Duration duration, double share) implements FaultSpec {
        public HotKey { Check.nonNegative("at", at); Check.positive("duration", duration); Check.share("share", share); }
    }
    /** The downstream answers 503 with probability {@code rate}. */
    record Downstream503(Duration at, Duration duration, double rate) implements FaultSpec {
        public Downstream503 { Check.nonNegative("at", at); Check.positive("duration", duration); Check.share("rate", rate); }
    }
    /** The downstream's latency is multiplied by {@code factor} and increased by {@code added}. */
    record DownstreamSlow(Duration at, Duration duration, double factor, Duration added) implements FaultSpec {
        public DownstreamSlow { Check.nonNegative("at", at); Check.positive("duration", duration); Check.positive("factor", factor); Check.nonNegative("added", added); }
    }
    /** {@code workers} workers of a stage freeze (stop taking items) for the window. */
    record WorkerStall(Duration at, Duration duration, Optional<String> stage, int workers) implements FaultSpec {
        public WorkerStall { Check.nonNegative("at", at); Check.positive("duration", duration); Check.notNull("stage", stage); Check.atLeast("workers", workers, 1); }
    }
    /** A background allocation storm of {@code bytesPerSecond}. */
    record GcPressure(Duration at, Duration duration, long bytesPerSecond) implements FaultSpec {
        public GcPressure { Check.nonNegative("at", at); Check.positive("duration", duration); if (bytesPerSecond < 1) throw new InvalidField("rate", bytesPerSecond + "B/s", ">= 1B/s"); }
    }
    /** {@code threads} busy threads steal CPU. */
    record CpuHog(Duration at, Duration duration, int threads) implements FaultSpec {
        public CpuHog { Check.nonNegative("at", at); Check.positive("duration", duration); Check.atLeast("threads", threads, 1); }
    }
    /**
     * Offered rate multiplied by {@code factor} (open load) during the window; {@code factor} is finite and
     * {@code >= 0}: 0 is an outage (no arrivals in the window), below 1 a dip, above 1 a surge.
     */
    record LoadSpike(Duration at, Duration duration, double factor) implements FaultSpec {
        public LoadSpike {
            Check.nonNegative("at", at);
            Check.positive("duration", duration);
            if (!(factor >= 0) || Double.isInfinite(factor)) throw new InvalidField("factor", String.valueOf(factor), "finite >= 0");
        }
    }
    /** The point's JVM is killed at {@code at} (tests that finished points survive); duration is zero. */
    record Abort(Duration at, Duration duration) implements FaultSpec {
        public Abort { Check.nonNegative("at", at); if (duration == null || !duration.isZero()) throw new InvalidField("duration", io.fanlab.engine.spec.Check.show(duration), "0ms, an abort is instantaneous"); }
    }
}
