package io.fanlab.harness.load;

import io.fanlab.engine.spec.Check;
import io.fanlab.engine.spec.InvalidField;
import io.fanlab.harness.dist.Distribution;
import java.time.Duration;
import java.util.List;

/**
 * How requests arrive. Open models schedule intended start times independent of the system (latency is measured
 * from the intended start, so coordinated omission cannot hide queueing); closed models have {@code users} that
 * each wait for their previous request and a think time.
 *
 * <p>A request is {@code fanout} items (scatter-gather, joined by {@code join}); fanout 1 is a plain item stream.
 */
public sealed interface LoadSpec {
    int fanout();
    Join join();

    record Open(Arrival arrival, int fanout, Join join) implements LoadSpec {
        public Open { Check.notNull("arrival", arrival); Check.atLeast("fanout", fanout, 1); Check.notNull("join", join); }
    }
    record Closed(int users, Distribution think, int fanout, Join join) implements LoadSpec {
        public Closed { Check.atLeast("users", users, 1); Check.notNull("think", think); Check.atLeast("fanout", fanout, 1); Check.notNull("join", join); }
    }

    /** How a scatter-gather request completes. */
    sealed interface Join {
        record All() implements Join {}
        record First() implements Join {}
        record Quorum(int q) implements Join {
            public Quorum { Check.atLeast("quorum", q, 1); }
        }
    }

    /** Arrival shapes of the open model; every time is relative to the start of the run (warmup included). */
    sealed interface Arrival {
        /** Evenly spaced arrivals. */
        record Constant(Rate rate) implements Arrival {
            public Constant { Check.notNull("rate", rate); }
        }
        /** Exponential inter-arrival times with the given mean rate. */
        record Poisson(Rate rate) implements Arrival {
            public Poisson { Check.notNull("rate", rate); }
        }
        /** Rate moving linearly from {@code from} to {@code to} over {@code over}, then staying at {@code to}. */
        record Ramp(Rate from, Rate to, Duration over) implements Arrival {
            public Ramp { Check.notNull("from", from); Check.notNull("to", to); Check.positive("over", over); }
        }
        /** Piecewise-constant rates; the last step lasts until the end. */
        record Steps(List<Step> steps) implements Arrival {
            public Steps {
                steps = List.copyOf(Check.notNull("steps", steps));
                if (steps.isEmpty()) throw new InvalidField("steps", "[]", "at least one step");
            }
            public record Step(Rate rate, Duration duration) {
                public Step { Check.notNull("rate", rate); Check.positive("duration", duration); }
            }
        }
        /**
         * {@code base} rate, multiplied by {@code factor} during [at, at+duration); {@code factor} is finite and
         * {@code >= 0} (0: no arrivals in the window, an outage).
         */
        record Spike(Rate base, double factor, Duration at, Duration duration) implements Arrival {
            public Spike {
                Check.notNull("rate", base);
                if (!(factor >= 0) || Double.isInfinite(factor)) throw new InvalidField("factor", String.valueOf(factor), "finite >= 0");
                Check.nonNegative("at", at);
                Check.positive("duration", duration);
            }
        }
        /**
         * Replays recorded arrivals ({@code load: {trace: file.csv, speed: 1.0}}): arrival {@code i} at
         * {@code trace.offsetNanos(i) / speed} from the start of the run (warmup included), with the trace's key when
         * it has one; nothing after the last row. {@code speed} 2 replays twice as fast.
         */
        record Trace(RecordedTrace trace, double speed) implements Arrival {
            public Trace {
                Check.notNull("trace", trace);
                if (!(speed > 0) || Double.isInfinite(speed)) throw new InvalidField("speed", String.valueOf(speed), "finite > 0");
            }
        }
    }
}
