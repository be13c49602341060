package io.fanlab.reports.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fanlab.reports.Fixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@link PointResult.Builder} names the record's fields without changing the format: a record copied through
 * {@link PointResult#toBuilder} is equal to it and writes the same JSON, and an unset field holds what a record
 * written before that field existed reads as.
 */
class PointResultBuilderTest {
    @ParameterizedTest
    @ValueSource(strings = {"complete-sweep", "partial-run", "failed-slos", "captured-sweep"})
    void aRecordCopiedThroughItsBuilderIsTheSameRecordAndTheSameJson(String fixture) throws IOException {
        Path dir = Fixtures.source(fixture);
        JsonNode points = RunJson.MAPPER.readTree(dir.resolve("results.json").toFile()).path("points");
        assertThat(points).isNotEmpty();
        for (JsonNode n : points) {
            PointResult p = RunJson.readPoint(n, fixture);
            PointResult copy = p.toBuilder().build();
            assertThat(copy).isEqualTo(p);
            assertThat(RunJson.MAPPER.writeValueAsString(copy)).isEqualTo(RunJson.MAPPER.writeValueAsString(p));
            List<PointResult.SloVerdict> none = List.of();
            assertThat(p.withSlos(none).slos()).isEmpty();
            assertThat(p.withSlos(none).toBuilder().slos(p.slos()).build()).isEqualTo(p);
        }
    }

    @Test
    void unsetFieldsReadAsARecordWrittenBeforeTheyExisted() throws IOException {
        JsonNode oldest = RunJson.MAPPER.readTree("{\"id\":\"engine-w2-r0\",\"design\":\"engine\",\"width\":2,\"repeat\":0,\"status\":\"ok\"}");
        JsonNode read = RunJson.MAPPER.valueToTree(RunJson.readPoint(oldest, "oldest"));
        JsonNode built = RunJson.MAPPER.valueToTree(PointResult.builder("engine-w2-r0", "engine", 2, 0).build());
        assertThat(built.size()).isEqualTo(read.size());
        read.fieldNames().forEachRemaining(f -> {
            // a list absent from the file reads as null (readers take it as empty); the builder writes it empty
            if (read.get(f).isNull() && built.get(f).isArray()) assertThat(built.get(f)).as(f).isEmpty();
            else assertThat(built.get(f)).as(f).isEqualTo(read.get(f));
        });
    }

    @Test
    void aFailedPointNamesItsStatusAndErrorAndNothingElse() {
        PointResult f = PointResult.failedPoint("tpe-w4-r1", "tpe", 4, 1, PointResult.CRASHED, "exit 137");
        assertThat(f).isEqualTo(PointResult.builder("tpe-w4-r1", "tpe", 4, 1).status("crashed").error("exit 137")
                .warnings(List.of("crashed: exit 137")).build());
        assertThat(f.valid()).isFalse();
        assertThat(f.conservationOk()).isFalse();
        assertThat(f.graph()).isEmpty();
        assertThat(f.capture()).isNull();
    }
}
