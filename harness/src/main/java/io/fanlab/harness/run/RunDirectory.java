package io.fanlab.harness.run;

import io.fanlab.reports.run.PointResult;
import io.fanlab.reports.run.RunJson;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run directory (format version {@value #FORMAT_VERSION}, see reports/RESULTS.md). Written incrementally:
 * {@code results.json} is rewritten atomically after every point, so a run killed half-way keeps every finished
 * point readable and says {@code "finished": false}. Used by the sweep thread only.
 */
public final class RunDirectory {
    public static final int FORMAT_VERSION = 1;

    private final Path dir;
    private final Map<String, Object> header;
    private final List<PointResult> points = new ArrayList<>();
    private final EventLog events;

    private RunDirectory(Path dir, Map<String, Object> header, long startEpochMillis) {
        this.dir = dir;
        this.header = header;
        this.events = new EventLog(dir.resolve("events.jsonl"), startEpochMillis);
    }

    /**
     * Creates {@code <parent>/<yyyyMMdd-HHmmss>-<scenario>/} (or uses {@code exactDir} when given) with the resolved
     * scenario, the environment and an empty results.json.
     */
    public static RunDirectory create(Path parent, Path exactDir, String scenarioName, String description, String resolvedYaml,
                                      Map<String, Object> environment, Map<String, Object> load, List<String> sloSpecs) throws IOException {
        Path dir = exactDir != null ? exactDir
                : parent.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + scenarioName);
        if (exactDir == null && Files.exists(dir)) dir = Path.of(dir + "-" + ProcessHandle.current().pid());
        Files.createDirectories(dir.resolve("points"));
        long start = System.currentTimeMillis();
        Files.writeString(dir.resolve("scenario.resolved.yaml"), resolvedYaml, StandardCharsets.UTF_8);
        RunJson.writeAtomically(dir.resolve("environment.json"), environment);
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("format_version", FORMAT_VERSION);
        header.put("run_id", dir.getFileName().toString());
        header.put("scenario", scenarioName);
        header.put("description", description);
        header.put("started_at", environment.get("started_at"));
        header.put("run_start_epoch_ms", start);
        header.put("load", load);
        header.put("slo_specs", sloSpecs);
        RunDirectory run = new RunDirectory(dir, header, start);
        run.writeResults(false);
        return run;
    }

    public Path dir() { return dir; }
    public EventLog events() { return events; }
    public Path pointDir(String pointId) { return dir.resolve("points").resolve(pointId); }
    public List<PointResult> points() { return List.copyOf(points); }

    /** Adds a finished point: writes point.json (if the point's JVM did not) and rewrites results.json. */
    public void addPoint(PointResult point) throws IOException {
        points.add(point);
        RunJson.writeAtomically(pointDir(point.id()).resolve("point.json"), point);
        writeResults(false);
    }

    /**
     * Adds a run-level field to results.json (e.g. {@code gate}, {@code compare_tolerances}) and rewrites it.
     * Call before the first point; readers ignore keys they do not know.
     */
    public void describe(String key, Object value) throws IOException {
        header.put(key, value);
        writeResults(false);
    }

    /** Marks the run finished. */
    public void finish() throws IOException { writeResults(true); }

    private void writeResults(boolean finished) throws IOException {
        Map<String, Object> results = new LinkedHashMap<>(header);
        results.put("finished", finished);
        results.put("points", points);
        RunJson.writeAtomically(dir.resolve("results.json"), results);
    }
}
