package io.fanlab.reports.run;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One sweep point as read from the run directory: its typed record ({@code point.json} or the entry in
 * {@code results.json}, read by {@link RunJson#readPoint}) and, when present, its {@code intervals.json}.
 *
 * @param result    the point's record, as the harness wrote it
 * @param intervals {@code intervals.json} content, or null when the file is missing
 */
public record PointRecord(PointResult result, JsonNode intervals) {

    public PointRecord {
        if (result == null) throw new IllegalArgumentException("result: null (expected: the point record)");
        if (result.id() == null || result.id().isBlank()) throw new IllegalArgumentException("id: " + result.id() + " (expected: non-blank)");
        if (result.design() == null || result.design().isBlank()) {
            throw new IllegalArgumentException("design: " + result.design() + " (expected: non-blank)");
        }
        if (result.width() < 1) throw new IllegalArgumentException("width: " + result.width() + " (expected: >= 1)");
        if (result.repeat() < 0) throw new IllegalArgumentException("repeat: " + result.repeat() + " (expected: >= 0)");
    }

    /** Point id, e.g. {@code engine-w8-r0}. */
    public String id() {
        return result.id();
    }

    /** Design name. */
    public String design() {
        return result.design();
    }

    /** Fan-out width (the swept concurrency). */
    public int width() {
        return result.width();
    }

    /** Repeat index, 0-based. */
    public int repeat() {
        return result.repeat();
    }

    /** {@code ok}, {@code failed}, {@code crashed}, {@code aborted}, or {@code unknown} when the record has none. */
    public String status() {
        return result.status() == null ? "unknown" : result.status();
    }

    /** True when the point ran to its end ({@code status == "ok"}). */
    public boolean ok() {
        return PointResult.OK.equals(result.status());
    }

    /** The harness's validity verdict; false when absent. */
    public boolean valid() {
        return result.valid();
    }

    /** Short label used in tables and test names: {@code "engine w=8 r0"}. */
    public String label() {
        return design() + " w=" + width() + " r" + repeat();
    }

    /** Numeric field of a JSON object (interval rows, events), or NaN when absent, null or not a number. */
    public static double num(JsonNode node, String field) {
        JsonNode n = node == null ? null : node.get(field);
        return n == null || !n.isNumber() ? Double.NaN : n.asDouble();
    }

    /** {@code v}, or NaN when null (an optional figure the record does not carry). */
    public static double orNaN(Double v) {
        return v == null ? Double.NaN : v;
    }

    /** {@code f(o)}, or NaN when {@code o} is null (a sub-record the point does not carry, e.g. no latency for a failed point). */
    public static <T> double orNaN(T o, java.util.function.ToDoubleFunction<T> f) {
        return o == null ? Double.NaN : f.applyAsDouble(o);
    }

    /** {@code list}, or an empty list when null. */
    public static <T> java.util.List<T> each(java.util.List<T> list) {
        return list == null ? java.util.List.of() : list;
    }
}
