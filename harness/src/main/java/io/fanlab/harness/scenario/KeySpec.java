package io.fanlab.harness.scenario;

/** How item keys are drawn (a function of seed and item index). */
public sealed interface KeySpec {
    /** Items have no key. */
    record None() implements KeySpec {}
    /** Keys uniform over [0, n). */
    record Uniform(int n) implements KeySpec {}
    /** Zipf over [0, n) with exponent s (key 0 hottest). */
    record Zipf(int n, double s) implements KeySpec {}
    /** {@code share} of items get key 0, the rest uniform over [1, n). */
    record HotKey(int n, double share) implements KeySpec {}
}
