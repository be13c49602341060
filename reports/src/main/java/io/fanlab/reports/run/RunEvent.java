package io.fanlab.reports.run;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One line of {@code events.jsonl}.
 *
 * @param tS    seconds since run start ({@code t_s}); NaN when absent
 * @param type  event type, e.g. {@code point_start}, {@code fault_start}
 * @param point point id, or null for run-level events
 * @param raw   the whole JSON object, for type-specific fields ({@code fault}, {@code stage}, {@code name}, ...)
 */
public record RunEvent(double tS, String type, String point, JsonNode raw) {

    public RunEvent {
        if (type == null || type.isBlank()) throw new IllegalArgumentException("type: " + type + " (expected: non-blank)");
        if (raw == null) throw new IllegalArgumentException("raw: null (expected: the event object)");
    }

    /** A type-specific text field, or {@code ""} when absent. */
    public String text(String field) {
        JsonNode n = raw.get(field);
        return n == null || n.isNull() ? "" : n.asText();
    }
}
