package io.fanlab.harness.scenario;

import io.fanlab.engine.spec.InvalidField;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text forms of durations ({@code 250ms}, {@code 1.5s}, {@code 2m}, {@code 500us}), rates ({@code 1200/s},
 * {@code 72000/min}), sizes ({@code 64KiB}, {@code 1MiB}, {@code 512B}) and byte rates ({@code 512MiB/s}), as the
 * scenario format writes them. A unit is always required: a bare number is rejected with a message saying so,
 * because {@code timeout: 100} could mean 100 ms or 100 s and a guess would silently change the experiment.
 *
 * <p>Parsers throw {@link InvalidField} with an empty field, the text as value and the rule as what is expected
 * (the caller knows the path). Formatters pick the largest unit that represents the value exactly, so
 * {@code parse(format(x)).equals(x)}. Stateless and thread-safe.
 */
public final class Units {
    private Units() {}

    static final String DURATION_RULE = "a duration with a unit: ns, us, ms, s, m or h, e.g. 250ms";
    static final String RATE_RULE = "a rate with a unit: /s, /min or /h, e.g. 1200/s";
    static final String SIZE_RULE = "a size with a unit: B, KiB, MiB, GiB, KB, MB or GB, e.g. 64KiB";
    static final String BYTE_RATE_RULE = "a byte rate with a unit, e.g. 512MiB/s";

    private static final String NUMBER = "([-+]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?)";
    private static final Pattern BARE = Pattern.compile(NUMBER);
    private static final Pattern DURATION = Pattern.compile(NUMBER + "\\s*(ns|us|µs|ms|s|m|min|h)");
    private static final Pattern RATE = Pattern.compile(NUMBER + "\\s*/\\s*(s|sec|min|m|h)");
    private static final Pattern SIZE = Pattern.compile("([-+]?[0-9]+)\\s*(B|KiB|MiB|GiB|KB|MB|GB)");
    private static final Pattern BYTE_RATE = Pattern.compile("([-+]?[0-9]+)\\s*(B|KiB|MiB|GiB|KB|MB|GB)\\s*/\\s*s");

    /** True when {@code text} is a number without a unit (used to say "a bare number has no unit"). */
    static boolean isBareNumber(String text) { return BARE.matcher(text.trim()).matches(); }

    /** Parses a duration; sub-nanosecond parts are rejected rather than rounded. */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) throw expected(text, DURATION_RULE);
        long unit = switch (m.group(2)) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m", "min" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
        };
        BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit));
        try {
            return Duration.ofNanos(nanos.longValueExact());
        } catch (ArithmeticException e) {
            throw new InvalidField("", List.of(), text, DURATION_RULE + ", a whole number of nanoseconds, at most 292 years");
        }
    }

    /** The shortest exact text for {@code d}: the largest of h, m, s, ms, us, ns that divides it. */
    public static String formatDuration(Duration d) {
        return io.fanlab.engine.spec.Check.show(d);
    }

    /** Parses a rate into items per second (may be zero or negative: the {@code Rate} record decides). */
    public static double parseRatePerSecond(String text) {
        Matcher m = RATE.matcher(text.trim());
        if (!m.matches()) throw expected(text, RATE_RULE);
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "s", "sec" -> v;
            case "min", "m" -> v / 60;
            default -> v / 3600;
        };
    }

    /** Items per second as {@code N/s} with the shortest text that parses back to the same double. */
    public static String formatRate(double perSecond) {
        return (perSecond == Math.rint(perSecond) && Math.abs(perSecond) < 1e15 ? String.valueOf((long) perSecond) : String.valueOf(perSecond)) + "/s";
    }

    /** Parses a size in bytes; KiB/MiB/GiB are powers of 1024, KB/MB/GB powers of 1000. */
    public static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) throw expected(text, SIZE_RULE);
        return bytes(text, m.group(1), m.group(2), SIZE_RULE);
    }

    /** Parses a byte rate ({@code 512MiB/s}) into bytes per second. */
    public static long parseByteRate(String text) {
        Matcher m = BYTE_RATE.matcher(text.trim());
        if (!m.matches()) throw expected(text, BYTE_RATE_RULE);
        return bytes(text, m.group(1), m.group(2), BYTE_RATE_RULE);
    }

    /** The largest binary unit that divides {@code bytes} exactly ({@code 65536} is {@code 64KiB}). */
    public static String formatSize(long bytes) {
        if (bytes != 0) {
            if (bytes % (1L << 30) == 0) return (bytes >> 30) + "GiB";
            if (bytes % (1L << 20) == 0) return (bytes >> 20) + "MiB";
            if (bytes % (1L << 10) == 0) return (bytes >> 10) + "KiB";
        }
        return bytes + "B";
    }

    public static String formatByteRate(long bytesPerSecond) { return formatSize(bytesPerSecond) + "/s"; }

    private static long bytes(String text, String number, String unit, String rule) {
        long mult = switch (unit) {
            case "B" -> 1L;
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            case "KB" -> 1_000L;
            case "MB" -> 1_000_000L;
            default -> 1_000_000_000L;
        };
        try {
            return Math.multiplyExact(Long.parseLong(number), mult);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new InvalidField("", List.of(), text, rule + ", at most 8EiB");
        }
    }

    private static InvalidField expected(String text, String rule) {
        return new InvalidField("", List.of(), text, isBareNumber(text) ? rule + "; a bare number has no unit" : rule);
    }
}
