package io.fanlab.harness.run;

import io.fanlab.reports.run.PointResult;
import io.fanlab.reports.run.RunEnvironment;
import io.fanlab.reports.run.RunHeader;
import io.fanlab.reports.run.RunJson;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run directory (format version {@value #FORMAT_VERSION}, see reports/RESULTS.md). Written incrementally:
 * {@code results.json} is rewritten atomically after every point, so a run killed half-way keeps every finished
 * point readable and says {@code "finished": false}. Used by the sweep thread only.
 */
public final class RunDirectory {
    /** The format version written: the reports module declares it ({@link io.fanlab.reports.run.RunJson#FORMAT_VERSION}). */
    public static final int FORMAT_VERSION = io.fanlab.reports.run.RunJson.FORMAT_VERSION;

    private final Path dir;
    private RunHeader header;
    private final List<PointResult> points = new ArrayList<>();
    private final EventLog events;
    /** Points recorded before the run was killed, by id; empty unless {@link #resume resumed}. */
    private Map<String, PointResult> recorded = Map.of();

    private RunDirectory(Path dir, RunHeader header, long startEpochMillis) {
        this.dir = dir;
        this.header = header;
        this.events = new EventLog(dir.resolve("events.jsonl"), startEpochMillis);
    }

    /** Most {@code -2, -3, ...} suffixes tried when runs started in the same second want the same name. */
    static final int MAX_SUFFIX = 1000;

    /**
     * A {@code --run-dir} that already holds files: refused, so a new run never mixes its points with another run's.
     * The one check a resuming run would skip.
     */
    public static final class InUse extends IOException {
        public InUse(Path dir, String what) {
            super(dir + ": " + what + " (expected: a new or empty directory for --run-dir; a used one would mix another run's points into this run's report;"
                    + " to continue a killed run there, use --resume " + dir + ")");
        }
    }

    /**
     * Creates {@code <parent>/<yyyyMMdd-HHmmss>-<slug of scenario>[-N]/} (or claims {@code exactDir} when given) with
     * the resolved scenario, the environment and an empty results.json. The directory is claimed atomically
     * ({@link Files#createDirectory} fails when it exists), so two runs started in the same second get two
     * directories ({@code -2} and so on), and two runs given the same {@code exactDir} cannot both claim it.
     *
     * @throws InUse when {@code exactDir} is not empty, or another run claimed it first
     */
    public static RunDirectory create(Path parent, Path exactDir, String scenarioName, String description, String resolvedYaml,
                                      RunEnvironment environment, RunHeader.Load load, List<String> sloSpecs) throws IOException {
        Path dir = exactDir != null ? claim(exactDir)
                : createUnique(parent, LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + slug(scenarioName));
        long start = System.currentTimeMillis();
        RunJson.writeAtomically(dir.resolve("scenario.resolved.yaml"), resolvedYaml.getBytes(StandardCharsets.UTF_8));
        RunJson.writeAtomically(dir.resolve("environment.json"), environment);
        RunHeader header = RunHeader.start(dir.getFileName().toString(), scenarioName, description, environment.startedAt(), start, load, sloSpecs);
        RunDirectory run = new RunDirectory(dir, header, start);
        run.writeResults(false);
        return run;
    }

    /**
     * The scenario name as one path segment: letters, digits, {@code . _ -} kept, every other run of characters
     * one {@code -} (so is {@code ..}), no leading or trailing dot or dash, at most 64 characters; {@code "scenario"} when nothing is left. A name
     * like {@code x/../../escaped} can never leave {@code --out}.
     */
    public static String slug(String name) {
        String s = name == null ? "" : name.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("\\.\\.+", "-").replaceAll("-{2,}", "-")
                .replaceAll("^[.-]+", "").replaceAll("[.-]+$", "");
        if (s.length() > 64) s = s.substring(0, 64);
        return s.isEmpty() ? "scenario" : s;
    }

    /** Creates {@code parent/base}, else {@code parent/base-2}, ... atomically; never returns a directory that existed. */
    static Path createUnique(Path parent, String base) throws IOException {
        Files.createDirectories(parent);
        for (int i = 1; i <= MAX_SUFFIX; i++) {
            Path candidate = parent.resolve(i == 1 ? base : base + "-" + i);
            try {
                Files.createDirectory(candidate);
                Files.createDirectory(candidate.resolve("points"));
                return candidate;
            } catch (FileAlreadyExistsException taken) {
                // another run (or an older one) has this name: try the next suffix
            }
        }
        throw new IOException(parent.resolve(base) + ": " + MAX_SUFFIX + " run directories of this name already exist (expected: a free name; clean up --out)");
    }

    /** Claims {@code dir} for a new run: it may exist only when empty, and its {@code points/} is created atomically. */
    static Path claim(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw new InUse(dir, "is a file");
        Files.createDirectories(dir);
        try (var entries = Files.list(dir)) {
            Optional<Path> first = entries.findFirst();
            if (first.isPresent())
                throw new InUse(dir, "already holds " + (Files.exists(dir.resolve("results.json")) ? "a run (results.json)" : first.get().getFileName().toString()));
        }
        try {
            Files.createDirectory(dir.resolve("points"));
        } catch (FileAlreadyExistsException e) {
            throw new InUse(dir, "was claimed by another run at the same moment");
        }
        return dir;
    }

    /**
     * Reopens the run directory of a killed sweep to continue it ({@code fanlab run --resume}). A planned point whose
     * {@code points/<id>/point.json} reads as a point record is <em>recorded</em>: the sweep keeps it as it is (its
     * files are not rewritten) instead of running it again. Every other planned point is cleared for a rerun: its
     * folder (the partial output of the killed attempt) is deleted and its lines are dropped from
     * {@code events.jsonl}, so the report never mixes the killed attempt's fault windows or clock with the rerun's.
     * The run keeps its id, header and clock ({@code run_start_epoch_ms}); a {@code resume} event records what was
     * kept and what will rerun. Not safe against a sweep still writing the directory (nothing locks it).
     *
     * @param plannedIds the sweep's point ids, in order
     * @throws InUse when {@code dir} holds no run (no results.json), a finished one, or one written by another format
     */
    public static RunDirectory resume(Path dir, List<String> plannedIds) throws IOException {
        Path resultsFile = dir.resolve("results.json");
        if (!Files.isRegularFile(resultsFile) || !Files.isRegularFile(dir.resolve("scenario.resolved.yaml")))
            throw new NotResumable(dir, "holds no run (results.json and scenario.resolved.yaml expected)");
        RunHeader header;
        try {
            header = RunJson.readHeader(RunJson.MAPPER.readTree(resultsFile.toFile()), resultsFile.toString());
        } catch (IOException e) {
            throw new NotResumable(dir, "results.json is unreadable (" + RunJson.describe(e) + ")");
        }
        if (header.isFinished())
            throw new NotResumable(dir, "holds a finished run: nothing to resume ('fanlab report " + dir + "' re-renders it)");
        if (header.formatVersion() == null || header.formatVersion() != FORMAT_VERSION || header.runStartEpochMs() == null)
            throw new NotResumable(dir, "results.json has no format_version " + FORMAT_VERSION + " header with run_start_epoch_ms");
        // points are rewritten from the kept records; analysis and verdict (the report's) are not header fields
        RunDirectory run = new RunDirectory(dir, header, header.runStartEpochMs());
        Map<String, PointResult> recorded = new LinkedHashMap<>();
        List<String> rerun = new ArrayList<>();
        for (String id : plannedIds) {
            Path pointJson = run.pointDir(id).resolve("point.json");
            PointResult r = null;
            if (Files.isRegularFile(pointJson)) {
                try {
                    r = RunJson.readPoint(pointJson);
                } catch (IOException unreadable) {
                    r = null; // half a record is no record: the point runs again
                }
            }
            if (r != null && id.equals(r.id()) && r.status() != null) recorded.put(id, r);
            else {
                rerun.add(id);
                deleteTree(run.pointDir(id));
            }
        }
        Files.createDirectories(dir.resolve("points"));
        int dropped = dropEvents(dir.resolve("events.jsonl"), new java.util.HashSet<>(rerun));
        run.recorded = recorded;
        run.events.event("resume", null, Map.of("recorded", List.copyOf(recorded.keySet()), "rerun", rerun, "dropped_events", dropped));
        run.writeResults(false);
        return run;
    }

    /** A {@code --resume} directory that holds nothing to resume. */
    public static final class NotResumable extends IOException {
        public NotResumable(Path dir, String what) {
            super(dir + ": " + what + " (expected: the run directory of a killed 'fanlab run')");
        }
    }

    /** The record of point {@code id} made before the run was killed ({@link #resume}), if any. */
    public Optional<PointResult> recorded(String id) { return Optional.ofNullable(recorded.get(id)); }

    /** Keeps a point recorded before the kill: listed in results.json again, its own files left byte for byte. */
    public void keepPoint(PointResult point) throws IOException {
        points.add(point);
        writeResults(false);
    }

    /** Rewrites {@code file} without the lines of {@code points} (and without unparseable lines); returns how many went. */
    private static int dropEvents(Path file, java.util.Set<String> points) throws IOException {
        if (!Files.exists(file)) return 0;
        StringBuilder kept = new StringBuilder();
        int dropped = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            String point;
            try {
                var n = RunJson.MAPPER.readTree(line);
                point = n.path("point").isTextual() ? n.get("point").asText() : null;
            } catch (IOException truncated) {
                dropped++;
                continue;
            }
            if (point != null && points.contains(point)) dropped++;
            else kept.append(line).append('\n');
        }
        RunJson.writeAtomically(file, kept.toString().getBytes(StandardCharsets.UTF_8));
        return dropped;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
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

    /** Records what the verdict gates on and the compare tolerances in results.json and rewrites it. Call before the first point. */
    public void describeGate(RunHeader.GateSpec gate, Map<String, Double> compareTolerances) throws IOException {
        header = header.withGate(gate).withCompareTolerances(compareTolerances);
        writeResults(false);
    }

    /** Records why {@code sweep.abort_on_fail} stopped the sweep ({@code stopped_early}) and rewrites results.json. */
    public void stoppedEarly(String why) throws IOException {
        header = header.withStoppedEarly(why);
        writeResults(false);
    }

    /** Marks the run finished. */
    public void finish() throws IOException { writeResults(true); }

    private void writeResults(boolean finished) throws IOException {
        RunJson.writeResults(dir.resolve("results.json"), header.withFinished(finished), points);
    }
}
