package io.fanlab.reports.junit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class JUnitXmlWriterTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sloDetail_latency_ratio_andMissingParts() throws Exception {
        assertThat(JUnitXmlWriter.sloDetail(slo(
            "{\"limit\":50,\"actual\":63.2,\"unit\":\"ms\",\"pass\":false,\"margin\":-0.264}")))
            .isEqualTo("actual 63.2 ms, limit 50 ms, margin -26.4%");
        assertThat(JUnitXmlWriter.sloDetail(slo(
            "{\"limit\":0.01,\"actual\":0.042,\"unit\":\"ratio\",\"pass\":false,\"margin\":-3.2}")))
            .isEqualTo("actual 4.2%, limit 1%, margin -320.0%");
        assertThat(JUnitXmlWriter.sloDetail(slo(
            "{\"limit\":null,\"actual\":null,\"unit\":null,\"pass\":false,\"margin\":null}")))
            .isEqualTo("actual n/a");
    }

    private static io.fanlab.reports.run.PointResult.SloVerdict slo(String json) throws Exception {
        return io.fanlab.reports.run.RunJson.MAPPER.readValue(json, io.fanlab.reports.run.PointResult.SloVerdict.class);
    }

    @Test
    void esc_escapesMarkup_andDropsCharactersXmlForbids() {
        assertThat(JUnitXmlWriter.esc("a<b>&\"c'\u0001\u0007d\ttab"))
            .isEqualTo("a&lt;b&gt;&amp;&quot;c&apos;d\ttab");
    }
}
