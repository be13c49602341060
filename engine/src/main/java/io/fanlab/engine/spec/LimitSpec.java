package io.fanlab.engine.spec;

import java.time.Duration;
import java.util.List;

/** Concurrency limit of a stage: how many items may be in service at once (at most the width). */
public sealed interface LimitSpec {
    /** A constant limit. */
    record Fixed(int limit) implements LimitSpec {
        public Fixed { Check.atLeast("limit", "limit", limit, 1); }
    }
    /** Additive increase (+1 per window without drops), multiplicative decrease (x backoff on a drop or timeout). */
    record Aimd(int initial, int min, int max, double backoff, Duration timeout) implements LimitSpec {
        public Aimd {
            Check.atLeast("limit", "min", min, 1);
            Check.atLeast("limit", "max", max, min);
            if (initial < min || initial > max) throw new InvalidField("limit", List.of("initial"), String.valueOf(initial), min + ".." + max);
            if (!(backoff > 0 && backoff < 1)) throw new InvalidField("limit", List.of("backoff"), String.valueOf(backoff), "0 < b < 1");
            Check.positive("limit", "timeout", timeout);
        }
    }
    /** Netflix Gradient2: compares short-term to long-term RTT and grows by a queue-size allowance. */
    record Gradient(int initial, int min, int max, double tolerance, int queueSize) implements LimitSpec {
        public Gradient {
            Check.atLeast("limit", "min", min, 1);
            Check.atLeast("limit", "max", max, min);
            if (initial < min || initial > max) throw new InvalidField("limit", List.of("initial"), String.valueOf(initial), min + ".." + max);
            if (!(tolerance >= 1.0)) throw new InvalidField("limit", List.of("tolerance"), String.valueOf(tolerance), ">= 1.0");
            Check.atLeast("limit", "queue_size", queueSize, 0);
        }
    }
    /** TCP Vegas: estimates queueing from RTT over min RTT, steps by alpha/beta thresholds. */
    record Vegas(int initial, int min, int max) implements LimitSpec {
        public Vegas {
            Check.atLeast("limit", "min", min, 1);
            Check.atLeast("limit", "max", max, min);
            if (initial < min || initial > max) throw new InvalidField("limit", List.of("initial"), String.valueOf(initial), min + ".." + max);
        }
    }
}
