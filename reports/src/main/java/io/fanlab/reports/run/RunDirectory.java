package io.fanlab.reports.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads a run directory (format version 1, see {@code reports/RESULTS.md}) into a {@link RunRecord}, and writes files
 * back into it atomically.
 *
 * <p>Reading is tolerant of partial runs: a missing {@code results.json} is rebuilt from {@code points/*}/point.json};
 * a missing point file, a missing {@code intervals.json} or a truncated {@code events.jsonl} line becomes a read
 * warning rather than an exception. A point record without id, design or width is skipped with a warning.
 * Malformed JSON in {@code results.json}, or a header field of the wrong type, fails with an {@link IOException} naming the file, since nothing
 * trustworthy can be reported from it.
 *
 * <p>Stateless; safe to call from any thread, but not against a directory that is being written concurrently.
 */
public final class RunDirectory {

    /** The only run-directory format version this module reads ({@link RunJson#FORMAT_VERSION}). */
    public static final int FORMAT_VERSION = RunJson.FORMAT_VERSION;

    static final ObjectMapper JSON = new ObjectMapper();

    private RunDirectory() {
    }

    /** Reads {@code dir}. @throws IOException when the directory is missing or results.json is not valid JSON */
    public static RunRecord read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new NoSuchFileException(dir.toString(), null, "run directory not found");
        List<String> warnings = new ArrayList<>();
        Path resultsFile = dir.resolve("results.json");
        ObjectNode results;
        boolean haveResults = Files.exists(resultsFile);
        if (haveResults) {
            JsonNode n = readJson(resultsFile);
            if (!(n instanceof ObjectNode o)) throw new IOException(resultsFile + ": expected a JSON object");
            results = o;
        } else {
            results = JSON.createObjectNode();
            results.put("format_version", FORMAT_VERSION);
            results.put("run_id", dir.getFileName().toString());
            results.put("finished", false);
            results.putArray("points");
            warnings.add("results.json missing: rebuilt from point files (run probably killed)");
        }
        RunHeader header = RunJson.readHeader(results, resultsFile.toString());
        if (header.formatVersion() != null && header.formatVersion() != FORMAT_VERSION) {
            warnings.add("results.json format_version " + header.formatVersion() + " (this reader knows " + FORMAT_VERSION + "); fields may be missing");
        }
        RunEnvironment env = RunEnvironment.UNKNOWN;
        Path envFile = dir.resolve("environment.json");
        if (Files.exists(envFile)) {
            try {
                env = RunJson.readEnvironment(envFile);
            } catch (IOException e) {
                warnings.add("environment.json unreadable: " + e.getMessage());
            }
        } else {
            warnings.add("environment.json missing");
        }
        List<RunEvent> events = readEvents(dir.resolve("events.jsonl"), warnings);

        // points: results.json order, then point dirs not listed (sorted by name)
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        for (JsonNode p : results.path("points")) {
            String id = p.path("id").asText("");
            if (!id.isEmpty()) byId.put(id, p);
        }
        Map<String, Path> pointDirs = new TreeMap<>();
        Path pointsDir = dir.resolve("points");
        if (Files.isDirectory(pointsDir)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(pointsDir, Files::isDirectory)) {
                for (Path p : ds) pointDirs.put(p.getFileName().toString(), p);
            }
        }
        for (Map.Entry<String, Path> e : pointDirs.entrySet()) {
            Path pf = e.getValue().resolve("point.json");
            if (!byId.containsKey(e.getKey()) && Files.exists(pf)) {
                try {
                    JsonNode p = readJson(pf);
                    byId.put(p.path("id").asText(e.getKey()), p);
                    if (haveResults) {
                        warnings.add("point " + e.getKey() + ": in points/ but not in results.json (run probably killed)");
                    }
                } catch (IOException ex) {
                    warnings.add("point " + e.getKey() + ": point.json unreadable: " + ex.getMessage());
                }
            }
        }
        List<PointRecord> points = new ArrayList<>();
        List<JsonNode> listed = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : byId.entrySet()) {
            JsonNode p = e.getValue();
            String id = e.getKey();
            String design = p.path("design").asText("");
            int width = p.path("width").asInt(0);
            if (design.isEmpty() || width < 1) {
                warnings.add("point " + id + ": record without design or width; skipped");
                continue;
            }
            JsonNode intervals = null;
            Path pd = pointsDir.resolve(id);
            Path iv = pd.resolve("intervals.json");
            if (!Files.isDirectory(pd)) {
                warnings.add("point " + id + ": directory points/" + id + " missing (no time series)");
            } else if (Files.exists(iv)) {
                try {
                    intervals = readJson(iv);
                } catch (IOException ex) {
                    warnings.add("point " + id + ": intervals.json unreadable: " + ex.getMessage());
                }
            } else {
                warnings.add("point " + id + ": intervals.json missing (no time series)");
            }
            try {
                points.add(new PointRecord(RunJson.readPoint(p, "point " + id), intervals));
            } catch (IOException ex) {
                warnings.add(ex.getMessage() + "; skipped");
                continue;
            } catch (IllegalArgumentException ex) {
                warnings.add("point " + id + ": " + ex.getMessage() + "; skipped");
                continue;
            }
            listed.add(p);
        }
        // results.points = every point read, in run order (adds point files the killed runner never listed); the
        // nodes as written, so a newer writer's fields survive a re-render
        ArrayNode arr = results.putArray("points");
        listed.forEach(arr::add);
        return new RunRecord(dir, results, header, env, events, points, warnings);
    }

    private static List<RunEvent> readEvents(Path file, List<String> warnings) throws IOException {
        List<RunEvent> events = new ArrayList<>();
        if (!Files.exists(file)) {
            warnings.add("events.jsonl missing (no fault windows, no point clock)");
            return events;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) continue;
            try {
                JsonNode n = JSON.readTree(line);
                String type = n.path("type").asText("");
                if (type.isEmpty()) {
                    warnings.add("events.jsonl:" + (i + 1) + ": event without type; skipped");
                    continue;
                }
                JsonNode pt = n.get("point");
                events.add(new RunEvent(n.path("t_s").isNumber() ? n.get("t_s").asDouble() : Double.NaN, type,
                    pt == null || pt.isNull() ? null : pt.asText(), n));
            } catch (JsonProcessingException e) {
                warnings.add("events.jsonl:" + (i + 1) + ": unparseable line skipped (truncated write?)");
            }
        }
        return events;
    }

    private static JsonNode readJson(Path file) throws IOException {
        try {
            return JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Writes {@code content} to {@code target} atomically: a temp file in the same directory, then a move that
     * replaces the target (atomic where the file system supports it). Readers see the old or the new file, never
     * a half-written one. @throws IOException when writing or moving fails (the temp file is removed)
     */
    public static void writeAtomically(Path target, String content) throws IOException {
        RunJson.writeAtomically(target, content.getBytes(StandardCharsets.UTF_8));
    }
}
