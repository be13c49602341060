package io.fanlab.harness.run;

import io.fanlab.reports.run.RunJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code events.jsonl}: one JSON object per line, appended and flushed per event so a killed run keeps every
 * event written before the kill. Times: {@code t_s} since the run's start (epoch millis shared by parent and
 * forked point JVMs), {@code wall} ISO-8601. Thread-safe; a point's JVM and the sweep JVM append in turn, never
 * concurrently (the sweep waits for the point).
 */
public final class EventLog {
    private final Path file;
    private final long runStartEpochMillis;
    private final ReentrantLock lock = new ReentrantLock();

    public EventLog(Path file, long runStartEpochMillis) {
        this.file = file;
        this.runStartEpochMillis = runStartEpochMillis;
    }

    /** Appends {@code {"t_s", "wall", "type", "point", ...fields}}. IO failures are rethrown unchecked. */
    public void event(String type, String point, Map<String, ?> fields) {
        long now = System.currentTimeMillis();
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("t_s", (now - runStartEpochMillis) / 1000.0);
        e.put("wall", Instant.ofEpochMilli(now).toString());
        e.put("type", type);
        e.put("point", point);
        e.putAll(fields);
        lock.lock();
        try {
            byte[] line = (RunJson.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(e) + "\n").getBytes(StandardCharsets.UTF_8);
            Files.write(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        } catch (IOException ex) {
            throw new UncheckedIOException(file + ": cannot append (" + RunJson.describe(ex) + ")", ex);
        } finally {
            lock.unlock();
        }
    }

    public long runStartEpochMillis() { return runStartEpochMillis; }
}
