package io.fanlab.reports.html;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fanlab.reports.Fixtures;
import io.fanlab.reports.run.PointRecord;
import io.fanlab.reports.run.RunDirectory;
import io.fanlab.reports.run.RunJson;
import io.fanlab.reports.run.RunRecord;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidityDisplayTest {
    @TempDir Path tmp;

    @Test
    void repeatsAgreeIsClaimedOnlyWhenAWidthRanTwice() throws IOException {
        RunRecord single = RunDirectory.read(Fixtures.copy("failed-slos", tmp.resolve("a")));
        assertThat(single.points()).allMatch(p -> p.repeat() == 0);
        assertThat(HtmlReportWriter.repeatsSentence(single)).doesNotContain("repeats agree").contains("each width ran once");
        RunRecord repeated = RunDirectory.read(Fixtures.copy("complete-sweep", tmp.resolve("b")));
        assertThat(HtmlReportWriter.repeatsSentence(repeated)).contains("repeats agree");
    }

    @Test
    void theValidCellShowsSaturatedAndTheInvalidReasons() throws IOException {
        ObjectNode raw = (ObjectNode) RunJson.MAPPER.readTree("""
                {"id":"engine-w2-r0","design":"engine","width":2,"status":"ok","valid":false,"validity":{"state":"invalid","invalid_reasons":["generator fell behind: <x>"]}}""");
        PointRecord invalid = point(raw);
        assertThat(HtmlReportWriter.validCell(invalid)).isEqualTo("fail\" title=\"generator fell behind: &lt;x&gt;\">no");
        ObjectNode sat = (ObjectNode) RunJson.MAPPER.readTree("""
                {"id":"engine-w2-r0","design":"engine","width":2,"status":"ok","valid":true,"validity":{"state":"saturated","invalid_reasons":[]}}""");
        assertThat(HtmlReportWriter.validCell(point(sat))).endsWith(">saturated");
        // runs written before the validity record: from "valid"
        ObjectNode old = (ObjectNode) RunJson.MAPPER.readTree("{\"id\":\"x-w1-r0\",\"design\":\"x\",\"width\":1,\"status\":\"ok\",\"valid\":true}");
        assertThat(HtmlReportWriter.validCell(point(old))).isEqualTo("pass\">yes");
    }

    private static PointRecord point(com.fasterxml.jackson.databind.JsonNode raw) throws IOException {
        return new PointRecord(RunJson.readPoint(raw, "test"), null);
    }
}
