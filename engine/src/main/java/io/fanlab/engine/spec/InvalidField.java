package io.fanlab.engine.spec;

import java.time.Duration;
import java.util.List;

/**
 * A record component that breaks its rule, typed so that whoever bound the record from a file can point at the value
 * the user wrote without parsing this message back.
 *
 * <p>The message is {@code field: value (expected: rule)} ({@code value (expected: rule)} when the field is empty,
 * as for a value that does not parse), e.g. {@code stage.api.width: 0 (expected: >= 1)}, where
 * {@code field} is {@code owner} joined with {@code key}. {@code owner} names the record for a reader of the message
 * ({@code stage.api}, {@code retry}; empty when the key says enough); {@code key} is the path of the offending value
 * below the record as the scenario format spells it ({@code [width]}, {@code [shares, gold]}), empty when the rule
 * concerns the record as a whole.
 *
 * @see Check for the common rules
 */
public final class InvalidField extends IllegalArgumentException {
    private final String owner;
    private final List<String> key;
    private final String value;
    private final String rule;

    /**
     * @param owner the record as named in messages, or ""
     * @param key   the value's path below the record, format spelling; empty for the whole record
     * @param value the offending value as shown to the user (durations as {@link Check#show(Duration)})
     * @param rule  what is allowed, without the {@code expected:} prefix
     */
    public InvalidField(String owner, List<String> key, String value, String rule) {
        super((field(owner, key).isEmpty() ? "" : field(owner, key) + ": ") + value + " (expected: " + rule + ")");
        this.owner = owner == null ? "" : owner;
        this.key = List.copyOf(key);
        this.value = value;
        this.rule = rule;
    }

    /** A value directly below the record, e.g. {@code new InvalidField("", "widths", "[]", "at least one width")}. */
    public InvalidField(String key, String value, String rule) { this("", List.of(key), value, rule); }

    public String owner() { return owner; }
    public List<String> key() { return key; }
    public String value() { return value; }
    public String rule() { return rule; }

    /** {@code owner.key} as shown in the message. */
    public String field() { return field(owner, key); }

    private static String field(String owner, List<String> key) {
        String k = String.join(".", key);
        if (owner == null || owner.isEmpty()) return k;
        return k.isEmpty() ? owner : owner + "." + k;
    }
}
