package io.fanlab.reports.nightly;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The history file round trip and the index's trend and change point, from history lines as nightly writes them. */
class NightlyIndexWriterTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    static ObjectNode line(String nightly, double throughput, double p99) {
        ObjectNode o = JSON.createObjectNode().put("format_version", 1).put("nightly", nightly).put("scenario", "capacity");
        o.putArray("points").addObject().put("design", "engine").put("width", 8).put("throughput", throughput).put("p99_ms", p99);
        o.withArray("points").addObject().put("design", "engine").put("width", 2).put("throughput", throughput / 4).put("p99_ms", 90.0);
        return o;
    }

    @Test
    void aStepInTheHistoryIsFlaggedAtTheNightlyWhereItLanded() throws IOException {
        Path hist = tmp.resolve("h.jsonl");
        double[] tput = {3400, 3380, 3420, 3390, 3410, 2900, 2880, 2910};
        for (int i = 0; i < tput.length; i++) History.append(hist, List.of(line("n" + i, tput[i], 12.0)));
        Files.writeString(hist, "{\"cut\": \n", java.nio.file.StandardOpenOption.APPEND); // a line cut by a kill
        History.Read read = History.read(hist);
        assertThat(read.entries()).hasSize(8);
        assertThat(read.skipped()).isEqualTo(1);
        assertThat(History.peakThroughput(read.entries().get(0))).isEqualTo(3400);
        assertThat(History.p99AtPeak(read.entries().get(0))).isEqualTo(12.0);

        NightlyIndexWriter.Entry e = new NightlyIndexWriter.Entry("capacity", tmp.resolve("n7/capacity"), 0, null, null, "no baseline", 0.10, 0.25);
        List<NightlyIndexWriter.Flag> flags = NightlyIndexWriter.flags(e, read.entries());
        assertThat(flags).hasSize(1);
        assertThat(flags.get(0).metric()).isEqualTo("peak throughput");
        assertThat(flags.get(0).atNightly()).isEqualTo("n5");
        String html = NightlyIndexWriter.render("suite", "n7", List.of(e), read.entries(), tmp.resolve("n7"), hist.toString());
        assertThat(html).contains("capacity: peak throughput changed at n5").contains("<svg").contains("capacity/report.html");
        // a flat history flags nothing
        List<JsonNode> flat = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) flat.add(line("f" + i, 3400 + (i % 2) * 30, 12.0));
        assertThat(NightlyIndexWriter.flags(e, flat)).isEmpty();
    }
}
