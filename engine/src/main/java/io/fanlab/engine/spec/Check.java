package io.fanlab.engine.spec;

import java.time.Duration;

/** Argument checks whose messages name field, value and rule, in one style for every spec record. */
public final class Check {
    private Check() {}

    public static int atLeast(String field, int value, int min) {
        if (value < min) throw new IllegalArgumentException(field + ": " + value + " (expected: >= " + min + ")");
        return value;
    }

    public static double share(String field, double value) {
        if (!(value >= 0.0 && value <= 1.0)) throw new IllegalArgumentException(field + ": " + value + " (expected: 0..1)");
        return value;
    }

    public static double positive(String field, double value) {
        if (!(value > 0.0) || Double.isInfinite(value)) throw new IllegalArgumentException(field + ": " + value + " (expected: > 0)");
        return value;
    }

    public static Duration positive(String field, Duration value) {
        if (value == null || value.isNegative() || value.isZero())
            throw new IllegalArgumentException(field + ": " + value + " (expected: > 0ms)");
        return value;
    }

    public static Duration nonNegative(String field, Duration value) {
        if (value == null || value.isNegative()) throw new IllegalArgumentException(field + ": " + value + " (expected: >= 0ms)");
        return value;
    }

    public static <T> T notNull(String field, T value) {
        if (value == null) throw new IllegalArgumentException(field + ": null (expected: a value)");
        return value;
    }
}
