package io.fanlab.reports.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The one owner of the run-directory format: its version, its JSON mapper (snake_case, stable order), the reader of
 * point records ({@link #readPoint}) beside the writer ({@link #writeAtomically}). The harness writes point records
 * through this class and the reports read them through it, so a field has one name in one place: the
 * {@link PointResult} record.
 */
public final class RunJson {
    private RunJson() {}

    /**
     * The run-directory format version, declared here only (RESULTS.md, "General rules"): fields may be added under
     * it; removing a field or changing its meaning needs the next version.
     */
    public static final int FORMAT_VERSION = 1;

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .serializationInclusion(JsonInclude.Include.ALWAYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    /**
     * A point record ({@code point.json}, or one entry of {@code results.json}'s {@code points}) as the typed record.
     * Tolerant as format version {@value #FORMAT_VERSION} promises: unknown keys are ignored (a newer writer's
     * additions) and absent ones read as null (objects, boxed numbers and lists: readers take a null list as empty,
     * {@link PointRecord#each}), 0 (counts and figures) or false, so a point written before a field was added still
     * reads.
     *
     * @throws IOException naming {@code source} and the field when a present field has the wrong type
     */
    public static PointResult readPoint(JsonNode node, String source) throws IOException {
        try {
            return MAPPER.treeToValue(node, PointResult.class);
        } catch (JsonProcessingException e) {
            throw new IOException(source + ": not a point record (" + e.getOriginalMessage() + ")", e);
        }
    }

    /** {@link #readPoint(JsonNode, String)} of a {@code point.json} file. */
    public static PointResult readPoint(Path pointJson) throws IOException {
        JsonNode n;
        try {
            n = MAPPER.readTree(pointJson.toFile());
        } catch (JsonProcessingException e) {
            throw new IOException(pointJson + ": " + e.getOriginalMessage(), e);
        }
        return readPoint(n, pointJson.toString());
    }

    /**
     * The keys of {@code results.json} that are not {@link RunHeader} fields: the point records and what the report
     * adds ({@code analysis}, {@code verdict}: the reports' own output, written by {@code ReportGenerator}).
     */
    public static final java.util.Set<String> REPORT_KEYS = java.util.Set.of("points", "analysis", "verdict");

    /**
     * The header of a {@code results.json} (the file's object; {@link #REPORT_KEYS} and unknown keys are ignored,
     * absent ones read as null), as {@link #readPoint} reads a point.
     *
     * @throws IOException naming {@code source} and the field when a present field has the wrong type
     */
    public static RunHeader readHeader(JsonNode results, String source) throws IOException {
        try {
            return MAPPER.treeToValue(results, RunHeader.class);
        } catch (JsonProcessingException e) {
            throw new IOException(source + ": not a results.json header (" + e.getOriginalMessage() + ")", e);
        }
    }

    /**
     * An {@code environment.json} object as the typed record; unknown keys ignored, absent ones null.
     *
     * @throws IOException naming {@code source} and the field when a present field has the wrong type
     */
    public static RunEnvironment readEnvironment(JsonNode environment, String source) throws IOException {
        try {
            return MAPPER.treeToValue(environment, RunEnvironment.class);
        } catch (JsonProcessingException e) {
            throw new IOException(source + ": not an environment record (" + e.getOriginalMessage() + ")", e);
        }
    }

    /** {@link #readEnvironment(JsonNode, String)} of an {@code environment.json} file. */
    public static RunEnvironment readEnvironment(Path environmentJson) throws IOException {
        JsonNode n;
        try {
            n = MAPPER.readTree(environmentJson.toFile());
        } catch (JsonProcessingException e) {
            throw new IOException(environmentJson + ": " + e.getOriginalMessage(), e);
        }
        return readEnvironment(n, environmentJson.toString());
    }

    /**
     * Writes {@code results.json} atomically: the header's fields, then {@code points}. The one writer of the file's
     * run-level part (the report later adds {@code analysis} and {@code verdict} after them).
     */
    public static void writeResults(Path target, RunHeader header, java.util.List<PointResult> points) throws IOException {
        java.util.Map<String, Object> results = MAPPER.convertValue(header,
            new com.fasterxml.jackson.core.type.TypeReference<java.util.LinkedHashMap<String, Object>>() {});
        results.put("points", points);
        writeAtomically(target, results);
    }

    /** Writes {@code value} to a temp file beside {@code target} and moves it into place, so readers never see half a file. */
    public static void writeAtomically(Path target, Object value) throws IOException {
        byte[] bytes = MAPPER.writeValueAsBytes(value);
        writeAtomically(target, bytes);
    }

    /** Mode of every run-directory file: readable by others (reports are shared), writable by the owner. */
    static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-r--r--");

    /**
     * Writes {@code bytes} to {@code target} atomically: a temp file with a unique name in the same directory (two
     * writers of the same target never share one), forced to disk, then moved over the target (atomic where the file
     * system supports it). Readers see the old file or the new one, never half of one; the target is mode
     * {@code 0644} where the file system has POSIX modes.
     *
     * @throws IOException naming {@code target} when anything fails (a full disk, say); the temp file is removed, the
     *         old target (if any) is left as it was
     */
    public static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(parent);
            try {
                tmp = Files.createTempFile(parent, "." + target.getFileName() + ".", ".tmp", PosixFilePermissions.asFileAttribute(FILE_MODE));
            } catch (UnsupportedOperationException noPosix) {
                tmp = Files.createTempFile(parent, "." + target.getFileName() + ".", ".tmp");
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new IOException(target + ": cannot write (" + describe(e) + ")", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the write already failed and says so; a leftover hidden .tmp is all that remains
                }
            }
        }
    }

    /** The cause of an I/O failure in words: "No space left on device", "Permission denied: /x", ... */
    public static String describe(IOException e) {
        if (e instanceof java.nio.file.FileSystemException f) {
            String reason = f.getReason() == null ? f.getClass().getSimpleName() : f.getReason();
            return f.getFile() == null ? reason : reason + ": " + f.getFile();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
