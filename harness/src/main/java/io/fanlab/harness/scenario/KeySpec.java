package io.fanlab.harness.scenario;

import io.fanlab.engine.spec.Check;
import io.fanlab.engine.spec.InvalidField;

/** How item keys are drawn (a function of seed and item index). */
public sealed interface KeySpec {
    /** Items have no key. */
    record None() implements KeySpec {}
    /** Keys uniform over [0, n). */
    record Uniform(int n) implements KeySpec {
        public Uniform { Check.atLeast("uniform", n, 1); }
    }
    /** Zipf over [0, n) with exponent s, finite and {@code >= 0} (key 0 hottest; s = 0 is uniform, the no-skew baseline). */
    record Zipf(int n, double s) implements KeySpec {
        public Zipf {
            Check.atLeast("n", n, 1);
            if (!(s >= 0) || Double.isInfinite(s)) throw new InvalidField("s", String.valueOf(s), "finite >= 0");
        }
    }
    /** {@code share} of items get key 0, the rest uniform over [1, n). */
    record HotKey(int n, double share) implements KeySpec {
        public HotKey { Check.atLeast("n", n, 2); Check.share("share", share); }
    }
}
