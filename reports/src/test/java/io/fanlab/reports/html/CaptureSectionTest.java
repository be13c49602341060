package io.fanlab.reports.html;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fanlab.reports.run.PointRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The "why" sentence from capture figures: each rule names its resource, and GC's share is always stated. */
class CaptureSectionTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A point with the capture fields the sentence reads. */
    static PointRecord point(int width, double cpuS, double machine, double gcShare, double gcPauseMs, double monitorMs,
                             double computeUtil, double busiestShare) throws Exception {
        String json = """
                {"id":"engine-w%1$d-r0","design":"engine","width":%1$d,"repeat":0,"status":"ok","throughput":1000,"valid":true,
                 "stages":[{"name":"io","width":%1$d,"utilisation":0.3},{"name":"compute","width":2,"utilisation":%6$s}],
                 "capture":{"window_s":5.0,"process_cpu_s":%2$s,"cores":2,"jfr_file":"window.jfr","profiles":[],"not_captured":[],
                   "jfr":{"gc_cpu_share":%4$s,"gc_pause_total_ms":%5$s,"alloc_rate_mb_s":100,"machine_cpu":%3$s,"monitor_total_ms":%7$s,
                          "monitor_sites":[{"site":"a.B.lock","on":"java.lang.Object","count":3,"total_ms":%7$s}],"pinned_count":0,
                          "stages":[{"stage":"io","items":5000,"utilisation":0.3,"busiest_worker_share":%8$s,"busy_per_item_us":2000}]}}}
                """.formatted(width, cpuS, machine, gcShare, gcPauseMs, computeUtil, monitorMs, busiestShare);
        JsonNode raw = JSON.readTree(json);
        return new PointRecord(io.fanlab.reports.run.RunJson.readPoint(raw, "test"), null);
    }

    @Test
    void namesSaturatedCpuAndStageBeyondTheRecommendedWidth() throws Exception {
        List<PointRecord> pts = List.of(point(8, 6.0, 0.6, 0.01, 5, 0, 0.7, 0.2), point(16, 9.5, 0.97, 0.02, 10, 0, 0.96, 0.1));
        String s = CaptureSection.sentence(pts, "engine", 8);
        assertThat(s).startsWith("Beyond width 8 (at width 16) the CPU saturates (this JVM uses 95% of 2 cores, the machine is 97% busy)")
                .contains("stage 'compute' is busy 96% of its 2 workers' time").endsWith("GC is 2% of CPU, CPU per item 1900 us.");
    }

    @Test
    void namesGcContentionAndAHotWorker() throws Exception {
        List<PointRecord> pts = List.of(point(4, 3.0, 0.4, 0.12, 400, 2000, 0.5, 0.7));
        String s = CaptureSection.sentence(pts, "engine", 4);
        assertThat(s).startsWith("At width 4 ")
                .contains("threads wait 400 ms per second for a monitor (top: java.lang.Object at a.B.lock)")
                .contains("GC is heavy (12% of CPU, pauses 80 ms per second, 100 MiB/s allocated)").doesNotContain("GC is 12% of CPU")
                .contains("one worker of stage 'io' takes 70% of its items");
    }

    @Test
    void aMachineBusyWithOthersIsNamedAsSuch() throws Exception {
        String s = CaptureSection.sentence(List.of(point(8, 1.0, 0.99, 0.0, 0, 0, 0.5, 0.2)), "engine", 8);
        assertThat(s).contains("the machine's CPU is saturated, mostly by other processes (the machine is 99% busy, this JVM uses 10% of 2 cores)")
                .doesNotContain("one worker"); // 20% of the items on one of 8 workers is not a hot key
    }

    @Test
    void saysTheLimitIsOutsideWhenNothingSaturates() throws Exception {
        String s = CaptureSection.sentence(List.of(point(64, 2.0, 0.3, 0.01, 1, 0, 0.4, 0.02)), "engine", null);
        assertThat(s).startsWith("At width 64 no resource of this JVM saturates (CPU 20% of 2 cores, busiest stage 40% busy)")
                .contains("GC is 1% of CPU");
        assertThat(CaptureSection.sentence(List.of(), "engine", 4)).contains("no captured point");
    }

    @Test
    void stageTableShowsTheEngineServiceTimePercentilesAndADashWithoutThem() throws Exception {
        JsonNode withJson = io.fanlab.reports.run.RunJson.MAPPER.valueToTree(point(8, 6.0, 0.6, 0.01, 5, 0, 0.7, 0.2).result());
        ((com.fasterxml.jackson.databind.node.ObjectNode) withJson.path("capture").path("jfr").path("stages").get(0))
                .put("service_samples", 4000).put("service_p50_us", 2047.0).put("service_p99_us", 2303.0).put("service_max_us", 9215.0);
        PointRecord with = new PointRecord(io.fanlab.reports.run.RunJson.readPoint(withJson, "test"), null);
        PointRecord without = point(16, 6.0, 0.6, 0.01, 5, 0, 0.7, 0.2);
        StringBuilder b = new StringBuilder();
        CaptureSection.stageTable(b, List.of(with, without));
        String html = b.toString();
        assertThat(html).contains("id=\"capture-stage-table\"", "service p50 us", "service p99 us", "service max us");
        String[] rows = html.split("<tr>");
        assertThat(rows).hasSize(4); // header + one stage per point
        assertThat(rows[2]).contains(">io<", ">" + Html.num(2047.0) + "<", ">" + Html.num(2303.0) + "<", ">" + Html.num(9215.0) + "<");
        assertThat(rows[3]).contains(">io<").containsPattern("(\u2014</td>.*){3}");

        StringBuilder none = new StringBuilder();
        CaptureSection.stageTable(none, List.of());
        assertThat(none.toString()).isEmpty();
    }
}
