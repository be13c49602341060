package io.fanlab.reports.run;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One sweep point as read from the run directory: the point record ({@code point.json} or the entry in
 * {@code results.json}) and, when present, its {@code intervals.json}.
 *
 * @param id        point id, e.g. {@code engine-w8-r0}
 * @param design    design name
 * @param width     fan-out width (the swept concurrency)
 * @param repeat    repeat index, 0-based
 * @param status    {@code ok}, {@code failed}, {@code crashed} or {@code aborted}
 * @param raw       the full point record (snake_case fields as in RESULTS.md)
 * @param intervals {@code intervals.json} content, or null when the file is missing
 */
public record PointRecord(String id, String design, int width, int repeat, String status, JsonNode raw, JsonNode intervals) {

    public PointRecord {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("id: " + id + " (expected: non-blank)");
        if (design == null || design.isBlank()) throw new IllegalArgumentException("design: " + design + " (expected: non-blank)");
        if (width < 1) throw new IllegalArgumentException("width: " + width + " (expected: >= 1)");
        if (repeat < 0) throw new IllegalArgumentException("repeat: " + repeat + " (expected: >= 0)");
        if (raw == null) throw new IllegalArgumentException("raw: null (expected: the point record)");
    }

    /** True when the point ran to its end ({@code status == "ok"}). */
    public boolean ok() {
        return "ok".equals(status);
    }

    /** The harness's validity verdict; false when absent. */
    public boolean valid() {
        return raw.path("valid").asBoolean(false);
    }

    /** A top-level number, or NaN when absent or null. */
    public double num(String field) {
        return num(raw, field);
    }

    /** {@code raw.path(first).path(second)} as a number, or NaN. */
    public double num(String first, String second) {
        return num(raw.path(first), second);
    }

    /** Short label used in tables and test names: {@code "engine w=8 r0"}. */
    public String label() {
        return design + " w=" + width + " r" + repeat;
    }

    /** Numeric field of a JSON object, or NaN when absent, null or not a number. */
    public static double num(JsonNode node, String field) {
        JsonNode n = node == null ? null : node.get(field);
        return n == null || !n.isNumber() ? Double.NaN : n.asDouble();
    }
}
