package io.fanlab.reports.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;

/**
 * reports/RESULTS.md documents every key the typed run records write: each JSON key of {@link PointResult} (and of
 * every record nested in it) is named in the doc's "Point record" section, each key of {@link RunHeader} in its
 * "results.json" section, each key of {@link RunEnvironment} in its "environment.json" section, as {@code "key"} or
 * {@code `key`}. A field added to a record without a line in the doc fails here, naming the field.
 */
class ResultsDocTest {

    private static final PropertyNamingStrategies.NamingBase SNAKE =
        (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    @Test
    void everyPointRecordKeyIsDocumented() throws IOException {
        assertThat(undocumented(PointResult.class, section("## Point record"))).as("point.json keys missing from RESULTS.md").isEmpty();
    }

    @Test
    void everyResultsHeaderKeyIsDocumented() throws IOException {
        assertThat(undocumented(RunHeader.class, section("## results.json"))).as("results.json keys missing from RESULTS.md").isEmpty();
    }

    @Test
    void everyEnvironmentKeyIsDocumented() throws IOException {
        assertThat(undocumented(RunEnvironment.class, section("## environment.json"))).as("environment.json keys missing from RESULTS.md").isEmpty();
    }

    /**
     * RESULTS.md, "One owner": a point written before a field existed reads it as null (objects, boxed numbers, lists),
     * 0 (counts and figures) or false (booleans); the doc says so, this checks it on a record with only its identity.
     */
    @Test
    void anOldPointReadsAbsentFieldsAsDocumented() throws IOException {
        String doc = Files.readString(Path.of("RESULTS.md")).replaceAll("\\s+", " ");
        assertThat(doc).contains("reads that field as null (objects, boxed numbers and lists: readers take a null list as empty, "
            + "`PointRecord.each`), 0 (counts and figures) or `false` (booleans)");
        PointResult p = RunJson.readPoint(RunJson.MAPPER.readTree("{\"id\":\"engine-w1-r0\",\"design\":\"engine\",\"width\":1}"), "old");
        assertThat(p.warnings()).isNull();
        assertThat(p.slos()).isNull();
        assertThat(p.graph()).isNull();
        assertThat(PointRecord.each(p.warnings())).isEmpty();
        assertThat(p.capture()).isNull();
        assertThat(p.intendedRate()).isNull();
        assertThat(p.offered()).isZero();
        assertThat(p.throughput()).isZero();
        assertThat(p.valid()).isFalse();
        assertThat(p.conservationOk()).isFalse();
    }

    @Test
    void theKeyWalkSeesNestedRecords() {
        // the walk must reach records inside lists and other records, or the checks above prove little
        Set<String> keys = new LinkedHashSet<>();
        keys(PointResult.class, "", keys);
        assertThat(keys).contains("handoff_ms", "capture.jfr.park_sites[].total_ms", "counters.hedge_fire_within200us",
            "stages[].queue_ms.censored", "validity.steady.p50_change_ms", "capture.profiles[].top_frames[].self_share");
    }

    /** The text of RESULTS.md from the heading starting with {@code heading} to the next {@code ## } heading. */
    private static String section(String heading) throws IOException {
        String doc = Files.readString(Path.of("RESULTS.md"));
        int from = doc.indexOf("\n" + heading);
        assertThat(from).as("RESULTS.md heading " + heading).isNotNegative();
        int to = doc.indexOf("\n## ", from + 1);
        return doc.substring(from, to < 0 ? doc.length() : to);
    }

    private static Set<String> undocumented(Class<?> record, String section) {
        Set<String> keys = new LinkedHashSet<>();
        keys(record, "", keys);
        Set<String> missing = new LinkedHashSet<>();
        for (String path : keys) {
            String key = path.substring(path.lastIndexOf('.') + 1).replace("[]", "");
            if (!section.contains("\"" + key + "\"") && !section.contains("`" + key + "`")) missing.add(path);
        }
        return missing;
    }

    /** Every key path of {@code record} as the run mapper names it ({@code capture.jfr.park_sites[].total_ms}). */
    private static void keys(Class<?> record, String prefix, Set<String> out) {
        for (RecordComponent c : record.getRecordComponents()) {
            String path = prefix + SNAKE.translate(c.getName());
            out.add(path);
            Type t = c.getGenericType();
            if (t instanceof Class<?> k && k.isRecord()) {
                keys(k, path + ".", out);
            } else if (t instanceof ParameterizedType p && p.getRawType() == java.util.List.class
                && p.getActualTypeArguments()[0] instanceof Class<?> e && e.isRecord()) {
                keys(e, path + "[].", out);
            }
        }
    }
}
