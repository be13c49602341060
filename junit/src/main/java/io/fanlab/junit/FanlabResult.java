package io.fanlab.junit;

import io.fanlab.reports.run.PointResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.opentest4j.AssertionFailedError;

/**
 * The outcome of a {@link FanlabRun}: every point's record (as in {@code results.json}), the end-of-run table and
 * the verdict. {@link #passed()} is the CLI's exit-code rule (every point ran, is valid, kept conservation, leaked
 * no thread and met every SLO); {@link #failures()} says, one line each, what failed where.
 */
public final class FanlabResult {
    private final String scenario;
    private final Path runDirectory;
    private final List<PointResult> points;
    private final boolean finished;
    private final boolean passed;
    private final String table;

    FanlabResult(String scenario, Path runDirectory, List<PointResult> points, boolean finished, boolean passed, String table) {
        this.scenario = scenario;
        this.runDirectory = runDirectory;
        this.points = List.copyOf(points);
        this.finished = finished;
        this.passed = passed && finished;
        this.table = table;
    }

    public String scenario() { return scenario; }
    public Path runDirectory() { return runDirectory; }
    public List<PointResult> points() { return points; }
    /** False when an abort fault stopped the sweep early. */
    public boolean finished() { return finished; }
    public boolean passed() { return passed; }
    /** The end-of-run table, as {@code fanlab run} prints it. */
    public String table() { return table; }

    /** The first repeat of a design at a width. */
    public PointResult point(String design, int width) {
        return points.stream().filter(p -> p.design().equals(design) && p.width() == width).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no point " + design + " at width " + width + " (points: "
                        + points.stream().map(PointResult::id).toList() + ")"));
    }

    /**
     * One line per failed check or SLO: {@code <design> at width <w>[ repeat <r>]: <what>: <actual> vs <limit>}.
     * Checks (the point's status, validity, conservation, leaked threads) come first; the SLOs {@code nothing_lost}
     * and {@code no_leaked_threads} are not repeated when their check already failed.
     */
    public List<String> failures() {
        List<String> out = new ArrayList<>();
        boolean repeats = points.stream().anyMatch(p -> p.repeat() > 0);
        for (PointResult p : points) {
            String at = p.design() + " at width " + p.width() + (repeats ? " repeat " + p.repeat() : "") + ": ";
            if (!PointResult.OK.equals(p.status())) {
                out.add(at + "point " + p.status() + ": " + p.error());
                continue;
            }
            if (!p.conservationOk()) {
                long terminal = p.completed() + p.failed() + p.shed() + p.timedOut() + p.cancelled() + p.deadLettered();
                out.add(at + "items lost or duplicated: " + (p.offered() - terminal) + " of " + p.offered() + " offered items never ended"
                        + " (completed " + p.completed() + ", failed " + p.failed() + ", shed " + p.shed() + ", timed out " + p.timedOut()
                        + ", cancelled " + p.cancelled() + ", dead-lettered " + p.deadLettered() + ")");
            }
            if (p.leakedThreads() > 0) out.add(at + p.leakedThreads() + " thread(s) left after cancel: " + p.leakedThreadNames());
            if (!p.valid()) out.add(at + "invalid measurement: " + String.join("; ", p.warnings()));
            for (PointResult.SloVerdict v : p.slos()) {
                if (v.pass()) continue;
                if ("nothing_lost".equals(v.kind()) && !p.conservationOk() || "no_leaked_threads".equals(v.kind()) && p.leakedThreads() > 0) continue;
                out.add(at + "SLO '" + v.name() + "' missed: " + (v.actual() == null ? "no data" : "actual " + num(v.actual(), v.unit()))
                        + (v.limit() == null ? "" : " vs limit " + num(v.limit(), v.unit())));
            }
        }
        if (!finished) out.add("the sweep did not finish (an abort fault stopped it)");
        return out;
    }

    /** The assertion message: a headline, {@link #failures()}, the table and the run directory. */
    public String verdict() {
        List<String> f = failures();
        long failedPoints = points.stream().filter(p -> f.stream().anyMatch(l -> l.startsWith(p.design() + " at width " + p.width()))).count();
        StringBuilder b = new StringBuilder();
        b.append("fanlab scenario '").append(scenario).append("' ").append(passed ? "passed" : "failed").append(": ")
                .append(failedPoints).append(" of ").append(points.size()).append(" point(s) missed an SLO or a check\n");
        for (String line : f) b.append("  ").append(line).append('\n');
        b.append(table);
        b.append("run directory: ").append(runDirectory).append(" (report.html)");
        return b.toString();
    }

    /** Fails with {@link #verdict()} unless every point passed. */
    public FanlabResult assertPassed() {
        if (!passed) throw new AssertionFailedError(verdict());
        return this;
    }

    private static String num(double v, String unit) {
        if (unit == null) return fmt(v);
        return switch (unit) {
            case "ms" -> fmt(v) + "ms";
            case "ratio" -> fmt(v * 100) + "%";
            case "per_s" -> fmt(v) + "/s";
            default -> fmt(v) + " " + unit;
        };
    }

    private static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.valueOf((long) v);
        return new java.math.BigDecimal(String.format(Locale.ROOT, "%.4g", v)).stripTrailingZeros().toPlainString();
    }

    @Override public String toString() { return verdict(); }
}
