package io.fanlab.engine.spec;

import java.time.Duration;
import java.util.List;

/**
 * Concurrency limit of a stage: how many attempts may be in service at once. A stage without timeout, retry or hedge
 * makes one attempt per item, so this counts items (at most the width). With those policies every attempt holds a
 * permit while its work runs: a retry waits for one, a hedge is sent only if one is free at once (otherwise it is not
 * sent), and an attempt abandoned by a timeout or a lost hedge race keeps its permit until its work really returns.
 * So hedges and retries never take a downstream past the limit. Each attempt is one sample of an adaptive limit.
 */
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
