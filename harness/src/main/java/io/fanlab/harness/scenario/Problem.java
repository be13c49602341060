package io.fanlab.harness.scenario;

import java.nio.file.Path;

/**
 * One thing wrong with a scenario, at the position of the node that caused it.
 *
 * @param file    the scenario file, or null when the problem comes from somewhere else (a CLI override)
 * @param line    1-based line; 0 when {@code file} is null
 * @param column  1-based column; 0 when {@code file} is null
 * @param path    the field's path in the format, e.g. {@code load.open.rate}, {@code pipeline[0].width},
 *                {@code --widths}; empty for a problem with the whole file
 * @param message value and rule, e.g. {@code -50/s (expected: > 0/s)}
 */
public record Problem(Path file, int line, int column, String path, String message) {
    public Problem {
        if (path == null) path = "";
        if (message == null) throw new IllegalArgumentException("message: null (expected: a message)");
    }

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
        return b.append(message).toString();
    }
}
