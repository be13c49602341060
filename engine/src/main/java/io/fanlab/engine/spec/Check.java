package io.fanlab.engine.spec;

import java.time.Duration;
import java.util.List;

/**
 * Argument checks whose complaints name field, value and rule, in one style for every spec record. Each throws an
 * {@link InvalidField}; a {@code field} given as a plain string is a key directly below the record being built, the
 * overloads taking an {@code owner} name the record for messages ({@code stage.api}) while keeping the key apart.
 */
public final class Check {
    private Check() {}

    public static int atLeast(String field, int value, int min) { return atLeast("", field, value, min); }

    public static int atLeast(String owner, String key, int value, int min) {
        if (value < min) throw new InvalidField(owner, List.of(key), String.valueOf(value), ">= " + min);
        return value;
    }

    public static double share(String field, double value) { return share("", field, value); }

    public static double share(String owner, String key, double value) {
        if (!(value >= 0.0 && value <= 1.0)) throw new InvalidField(owner, List.of(key), String.valueOf(value), "0..1");
        return value;
    }

    public static double positive(String field, double value) { return positive("", field, value); }

    public static double positive(String owner, String key, double value) {
        if (!(value > 0.0) || Double.isInfinite(value)) throw new InvalidField(owner, List.of(key), String.valueOf(value), "> 0");
        return value;
    }

    public static Duration positive(String field, Duration value) { return positive("", field, value); }

    public static Duration positive(String owner, String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) throw new InvalidField(owner, List.of(key), show(value), "> 0ms");
        return value;
    }

    public static Duration nonNegative(String field, Duration value) { return nonNegative("", field, value); }

    public static Duration nonNegative(String owner, String key, Duration value) {
        if (value == null || value.isNegative()) throw new InvalidField(owner, List.of(key), show(value), ">= 0ms");
        return value;
    }

    public static <T> T notNull(String field, T value) { return notNull("", field, value); }

    public static <T> T notNull(String owner, String key, T value) {
        if (value == null) throw new InvalidField(owner, List.of(key), "null", "a value");
        return value;
    }

    /**
     * A duration as the scenario format writes it: the largest unit that divides it exactly ({@code 1500ms},
     * {@code 2m}, {@code 0ms}); {@code null} for null; beyond 2^63 ns, seconds or ISO-8601.
     */
    public static String show(Duration d) {
        if (d == null) return "null";
        if (d.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L || d.getSeconds() <= Long.MIN_VALUE / 1_000_000_000L)
            return d.getNano() == 0 ? d.getSeconds() + "s" : d.toString(); // beyond 2^63 ns: only in messages about it
        long n = d.toNanos();
        if (n == 0) return "0ms";
        long[] units = {3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L};
        String[] names = {"h", "m", "s", "ms", "us", "ns"};
        for (int i = 0; i < units.length; i++) if (n % units[i] == 0) return (n / units[i]) + names[i];
        throw new AssertionError();
    }
}
