package io.fanlab.reports.run;

import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Everything the reports read from one run directory. Immutable view; the JSON nodes must not be mutated by readers.
 * Read the run-level fields through {@link #header()} and {@link #environment()}, not {@link #results()}: the raw
 * results node is kept only so a re-render ({@code ReportGenerator}) rewrites results.json with a newer writer's
 * fields intact.
 *
 * @param dir          the run directory
 * @param results      {@code results.json} (synthesised from the point files with {@code finished: false} when the
 *                     file is missing)
 * @param header       the run-level fields of {@code results.json} (everything but points, analysis and verdict)
 * @param environment  {@code environment.json}, or {@link RunEnvironment#UNKNOWN} when missing or unreadable
 * @param events       {@code events.jsonl} in file order (unparseable lines skipped, see {@code readWarnings})
 * @param points       points in run order: those listed in results.json first, then point directories not listed
 * @param readWarnings problems met while reading (missing or truncated files), for the report's warning list
 */
public record RunRecord(Path dir, ObjectNode results, RunHeader header, RunEnvironment environment, List<RunEvent> events,
                        List<PointRecord> points, List<String> readWarnings) {

    public RunRecord {
        events = List.copyOf(events);
        points = List.copyOf(points);
        readWarnings = List.copyOf(readWarnings);
    }

    /** {@code results.finished}; false when absent. */
    public boolean finished() {
        return header.isFinished();
    }

    /** Load model {@code open} or {@code closed}, or {@code ""} when unknown. */
    public String loadModel() {
        return header.load() == null || header.load().model() == null ? "" : header.load().model();
    }

    /** The run's id ({@code run_id}), or the directory's name when results.json does not say. */
    public String runId() {
        return header.runId() == null ? dir.getFileName().toString() : header.runId();
    }

    /** The scenario's name, or {@code orElse} when results.json does not say. */
    public String scenario(String orElse) {
        return header.scenario() == null ? orElse : header.scenario();
    }

    /** Design names in order of first appearance. */
    public List<String> designs() {
        return points.stream().map(PointRecord::design).distinct().toList();
    }

    /** Seconds since run start at which the point started ({@code point_start} event), or 0 when unknown. */
    public double pointStartS(String pointId) {
        for (RunEvent e : events) {
            if ("point_start".equals(e.type()) && pointId.equals(e.point()) && !Double.isNaN(e.tS())) return e.tS();
        }
        return 0;
    }
}
