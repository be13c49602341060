package io.fanlab.harness.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Arrivals recorded during an incident, read from a CSV file ({@code load: {trace: incident.csv}}): when each request
 * arrived and, optionally, its key and what happened to it then. Immutable after {@link #load}; safe to share.
 *
 * <h2>Format (scenarios/README.md, "Trace replay")</h2>
 * A header row names the columns, in any order: {@code t} (required), {@code key}, {@code latency_ms},
 * {@code outcome}; any other name is an error. Blank lines and lines starting with {@code #} are skipped. Cells are
 * separated by commas and trimmed; no quoting.
 * <ul>
 *   <li>{@code t}: the arrival, either seconds since the start of the trace as a decimal ({@code 12.250}; the
 *       first row need not be 0) or an ISO-8601 timestamp with offset ({@code 2026-11-30T03:12:07.250Z}), the same form in every row.
 *       Timestamps count from the earliest one. Rows need not be sorted (an access log is written as requests
 *       end): arrivals are sorted by {@code t}, ties kept in file order.</li>
 *   <li>{@code key}: empty (the scenario's {@code keys} draw it from the seed), or the request's key: when every
 *       non-empty key is an integer in {@code [0, 2^53]} it is used as is; otherwise each distinct key gets a
 *       number by order of first appearance in the file (0, 1, 2, ...).</li>
 *   <li>{@code latency_ms} (a number {@code >= 0}) and {@code outcome} ({@code ok}, {@code error} or an HTTP status
 *       100-599; 4xx and 5xx are errors): what the incident recorded for the request. Validated and kept as the
 *       recorded figures ({@link #recordedLatencyMs}, {@link #recordedError}); the replay does not impose them: the
 *       scenario's work and faults produce the replay's latency and errors.</li>
 * </ul>
 * Every bad row is reported with its line and column ({@link BadRows}), up to {@value #MAX_PROBLEMS}.
 */
public final class RecordedTrace {
    /** Key of a row whose key cell is empty: the scenario's key spec decides. */
    public static final long NO_KEY = Long.MIN_VALUE;
    /** Most rows a trace may hold (about 40 bytes each in memory). */
    public static final int MAX_ROWS = 5_000_000;
    /** Problems reported before reading stops. */
    public static final int MAX_PROBLEMS = 20;
    /** Largest integer key kept as is (integers beyond it lose precision in JSON readers). */
    static final long MAX_INT_KEY = 1L << 53;

    private final Path file;
    private final long[] tNanos;       // sorted, from the trace start
    private final long[] keys;         // NO_KEY where empty
    private final double[] latencyMs;  // NaN where empty
    private final byte[] outcome;      // -1 unknown, 0 ok, 1 error

    private RecordedTrace(Path file, long[] tNanos, long[] keys, double[] latencyMs, byte[] outcome) {
        this.file = file;
        this.tNanos = tNanos;
        this.keys = keys;
        this.latencyMs = latencyMs;
        this.outcome = outcome;
    }

    /** A bad cell or row: 1-based line and column (column 0: the whole row), and what is wrong and what is allowed. */
    public record RowProblem(int line, int column, String message) {}

    /** The trace file has bad rows (or cannot be read as a trace at all). */
    public static final class BadRows extends IOException {
        private final List<RowProblem> problems;

        BadRows(Path file, List<RowProblem> problems) {
            super(file + ": " + problems.size() + " problem(s), first: " + problems.get(0).message());
            this.problems = List.copyOf(problems);
        }

        public List<RowProblem> problems() { return problems; }
    }

    /** Reads and validates {@code file}. @throws BadRows for a bad header or rows; IOException when unreadable */
    public static RecordedTrace load(Path file) throws IOException {
        List<RowProblem> problems = new ArrayList<>();
        int[] col = null; // t, key, latency_ms, outcome -> column index or -1
        String[] header = null;
        List<long[]> rows = new ArrayList<>(); // {t (nanos or epoch nanos), line}
        List<String> keyCells = new ArrayList<>();
        List<Double> lat = new ArrayList<>();
        List<Byte> out = new ArrayList<>();
        Boolean iso = null;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int no = 0;
            while ((line = r.readLine()) != null && problems.size() < MAX_PROBLEMS) {
                no++;
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) continue;
                String[] cells = trimmed.split(",", -1);
                for (int i = 0; i < cells.length; i++) cells[i] = cells[i].strip();
                if (header == null) {
                    header = cells;
                    col = new int[] {-1, -1, -1, -1};
                    List<String> names = List.of("t", "key", "latency_ms", "outcome");
                    for (int i = 0; i < cells.length; i++) {
                        int k = names.indexOf(cells[i].toLowerCase(Locale.ROOT));
                        if (k < 0) problems.add(new RowProblem(no, columnOf(line, i), "column '" + cells[i] + "' (allowed: t, key, latency_ms, outcome)"));
                        else if (col[k] >= 0) problems.add(new RowProblem(no, columnOf(line, i), "column '" + cells[i] + "' given twice (expected: once)"));
                        else col[k] = i;
                    }
                    if (col[0] < 0) problems.add(new RowProblem(no, 1, "header " + String.join(",", cells) + " has no column t (expected: a header row naming t, and optionally key, latency_ms, outcome)"));
                    continue;
                }
                if (col[0] < 0) break;
                if (cells.length != header.length) {
                    problems.add(new RowProblem(no, 1, cells.length + " cells (expected: " + header.length + ", as the header " + String.join(",", header) + ")"));
                    continue;
                }
                if (rows.size() >= MAX_ROWS) {
                    problems.add(new RowProblem(no, 1, "more than " + MAX_ROWS + " rows (expected: at most " + MAX_ROWS + "; cut the trace to the incident's window)"));
                    break;
                }
                String t = cells[col[0]];
                boolean looksIso = t.contains("T") || t.contains(":");
                if (iso == null) iso = looksIso;
                long tn;
                if (iso != looksIso) {
                    problems.add(new RowProblem(no, columnOf(line, col[0]), "t: '" + t + "' (expected: " + (iso ? "an ISO-8601 timestamp" : "seconds since the trace start")
                            + ", like the first row; one form in a file)"));
                    continue;
                }
                try {
                    tn = iso ? epochNanos(t) : secondsToNanos(t);
                } catch (IllegalArgumentException e) {
                    problems.add(new RowProblem(no, columnOf(line, col[0]), "t: '" + t + "' (expected: " + e.getMessage() + ")"));
                    continue;
                }
                Double latency = Double.NaN;
                if (col[2] >= 0 && !cells[col[2]].isEmpty()) {
                    latency = parseLatency(cells[col[2]]);
                    if (latency == null) {
                        problems.add(new RowProblem(no, columnOf(line, col[2]), "latency_ms: '" + cells[col[2]] + "' (expected: a number of ms >= 0, or empty)"));
                        continue;
                    }
                }
                byte o = -1;
                if (col[3] >= 0 && !cells[col[3]].isEmpty()) {
                    o = parseOutcome(cells[col[3]]);
                    if (o < 0) {
                        problems.add(new RowProblem(no, columnOf(line, col[3]), "outcome: '" + cells[col[3]] + "' (expected: ok, error, an HTTP status 100-599, or empty)"));
                        continue;
                    }
                }
                rows.add(new long[] {tn, no});
                keyCells.add(col[1] >= 0 ? cells[col[1]] : "");
                lat.add(latency);
                out.add(o);
            }
        }
        if (header == null) problems.add(new RowProblem(1, 1, "empty file (expected: a header row naming t, and optionally key, latency_ms, outcome, then one row per arrival)"));
        else if (problems.isEmpty() && rows.isEmpty()) problems.add(new RowProblem(1, 1, "no arrivals (expected: at least one row after the header)"));
        if (!problems.isEmpty()) throw new BadRows(file, problems);

        int n = rows.size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Long.compare(rows.get(a)[0], rows.get(b)[0])); // stable: ties keep file order
        long origin = iso ? rows.get(order[0])[0] : 0;
        long[] keys = keyIds(keyCells);
        long[] t = new long[n], k = new long[n];
        double[] l = new double[n];
        byte[] o = new byte[n];
        for (int i = 0; i < n; i++) {
            int j = order[i];
            t[i] = rows.get(j)[0] - origin;
            k[i] = keys[j];
            l[i] = lat.get(j);
            o[i] = out.get(j);
        }
        return new RecordedTrace(file, t, k, l, o);
    }

    /** Integer keys as is when every non-empty key is one; else ids by first appearance. */
    private static long[] keyIds(List<String> cells) {
        long[] ids = new long[cells.size()];
        boolean allInts = true;
        for (String c : cells) {
            if (c.isEmpty()) continue;
            try {
                long v = Long.parseLong(c);
                if (v < 0 || v > MAX_INT_KEY) allInts = false;
            } catch (NumberFormatException e) {
                allInts = false;
            }
        }
        Map<String, Long> seen = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            String c = cells.get(i);
            if (c.isEmpty()) ids[i] = NO_KEY;
            else if (allInts) ids[i] = Long.parseLong(c);
            else ids[i] = seen.computeIfAbsent(c, x -> (long) seen.size());
        }
        return ids;
    }

    private static long secondsToNanos(String s) {
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("seconds since the trace start, like 12.250, or an ISO-8601 timestamp");
        }
        if (!(v >= 0) || v > 7 * 86_400) throw new IllegalArgumentException("0 <= t <= 604800 s (7 days)");
        return Math.round(v * 1e9);
    }

    private static long epochNanos(String s) {
        try {
            Instant i = OffsetDateTime.parse(s).toInstant();
            return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("an ISO-8601 timestamp with offset, like 2026-11-30T03:12:07.250Z");
        }
    }

    private static Double parseLatency(String s) {
        try {
            double v = Double.parseDouble(s);
            return v >= 0 && !Double.isInfinite(v) ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static byte parseOutcome(String s) {
        String v = s.toLowerCase(Locale.ROOT);
        if (v.equals("ok")) return 0;
        if (v.equals("error")) return 1;
        try {
            int status = Integer.parseInt(v);
            if (status >= 100 && status <= 599) return (byte) (status >= 400 ? 1 : 0);
        } catch (NumberFormatException ignored) {
            // not a status: falls through to the error
        }
        return -1;
    }

    /** 1-based column of cell {@code index} in {@code line}. */
    private static int columnOf(String line, int index) {
        int lead = 0;
        while (lead < line.length() && Character.isWhitespace(line.charAt(lead))) lead++;
        int c = lead;
        for (int i = 0; i < index; i++) {
            int next = line.indexOf(',', c);
            if (next < 0) break;
            c = next + 1;
        }
        while (c < line.length() && line.charAt(c) == ' ') c++;
        return c + 1;
    }

    public Path file() { return file; }
    public int size() { return tNanos.length; }
    /** Arrival {@code i} (sorted), nanoseconds since the trace start. */
    public long offsetNanos(int i) { return tNanos[i]; }
    /** The last arrival's offset: the trace's length. */
    public long durationNanos() { return tNanos[tNanos.length - 1]; }
    /** Key of arrival {@code i}, or {@link #NO_KEY}. */
    public long key(int i) { return keys[i]; }
    public boolean hasKeys() { return Arrays.stream(keys).anyMatch(k -> k != NO_KEY); }
    /** The recorded latency of arrival {@code i} in ms, NaN when not recorded. */
    public double recordedLatencyMs(int i) { return latencyMs[i]; }
    /** The recorded outcome of arrival {@code i}: TRUE error, FALSE ok, null not recorded. */
    public Boolean recordedError(int i) { return outcome[i] < 0 ? null : outcome[i] == 1; }

    @Override public boolean equals(Object o) {
        return o instanceof RecordedTrace r && r.file.equals(file) && Arrays.equals(r.tNanos, tNanos) && Arrays.equals(r.keys, keys)
                && Arrays.equals(r.latencyMs, latencyMs) && Arrays.equals(r.outcome, outcome);
    }

    @Override public int hashCode() { return file.hashCode() * 31 + Arrays.hashCode(tNanos); }

    @Override public String toString() { return "RecordedTrace[" + file + ", " + size() + " arrivals over " + durationNanos() / 1e9 + " s]"; }
}
