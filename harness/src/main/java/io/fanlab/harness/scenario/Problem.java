package io.fanlab.harness.scenario;

import java.nio.file.Path;

/**
 * One thing wrong with a scenario, at the position of the node that caused it, built where the problem is detected
 * (never recovered from a message).
 *
 * @param file    the scenario file, or null when the problem comes from somewhere else (a CLI override)
 * @param line    1-based line; 0 when {@code file} is null
 * @param column  1-based column; 0 when {@code file} is null
 * @param path    the field's path in the format, e.g. {@code load.open.rate}, {@code pipeline[0].width},
 *                {@code --widths}; empty for a problem with the whole file
 * @param wrong   what is wrong, usually the value as written, e.g. {@code -50/s}
 * @param allowed what is allowed, e.g. {@code > 0/s}; empty when {@code wrong} already says it (an unknown key
 *                lists the allowed keys itself)
 */
public record Problem(Path file, int line, int column, String path, String wrong, String allowed) {
    public Problem {
        if (path == null) path = "";
        if (allowed == null) allowed = "";
        if (wrong == null) throw new IllegalArgumentException("wrong: null (expected: what is wrong)");
    }

    /** A problem whose text says both what is wrong and what is allowed. */
    public Problem(Path file, int line, int column, String path, String message) { this(file, line, column, path, message, ""); }

    /** Value and rule, e.g. {@code -50/s (expected: > 0/s)}. */
    public String message() { return allowed.isEmpty() ? wrong : wrong + " (expected: " + allowed + ")"; }

    /** {@code file:line:col: path: message}, the file as given. */
    @Override public String toString() { return format(file); }

    /** Like {@link #toString()} with the file shown relative to {@code base} (for stable messages in tests and docs). */
    public String render(Path base) {
        Path shown = file == null || base == null ? file : base.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize());
        return format(shown);
    }

    private String format(Object shownFile) {
        StringBuilder b = new StringBuilder();
        if (shownFile != null) b.append(shownFile.toString().replace('\\', '/')).append(':').append(line).append(':').append(column).append(": ");
        if (!path.isEmpty()) b.append(path).append(": ");
        return b.append(message()).toString();
    }
}
