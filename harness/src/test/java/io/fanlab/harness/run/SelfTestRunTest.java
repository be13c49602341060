package io.fanlab.harness.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.fanlab.harness.cli.FanlabCli;
import io.fanlab.reports.run.RunJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library's self-test, shortened, end to end: every M/M/c point carries a verdict that follows from its own
 * recorded figures, a failed verdict invalidates the point with the reason, the run records its harness floor, and
 * the report shows both. The verdict itself depends on how busy the machine is, so it is not asserted.
 */
class SelfTestRunTest {
    @TempDir Path tmp;

    @Test
    void theSelfTestRecordsAVerdictPerPointAndTheRunItsFloor() throws Exception {
        Path dir = tmp.resolve("run");
        StringWriter out = new StringWriter(), err = new StringWriter();
        FanlabCli.execute(new String[] {"run", "../scenarios/selftest.yaml", "--in-process", "--widths", "8", "--duration", "3s",
                "--run-dir", dir.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
        JsonNode p = RunJson.MAPPER.readTree(dir.resolve("points/engine-w8-r0/point.json").toFile());
        JsonNode st = p.path("self_test"), ec = p.path("erlang_c");
        assertThat(st.isObject()).as(out + "\n" + err).isTrue();
        if (!ec.path("calibrated_mu").isNumber()) {
            // the machine delivered sleeps so slow that the system is unstable on them: near saturation, not judged
            assertThat(st.path("verdict").asText()).isEqualTo("not_judged");
            return;
        }
        assertThat(st.path("basis").asText()).isEqualTo("calibrated");
        double mean = p.path("response_ms").path("mean").asDouble(), p99 = p.path("response_ms").path("p99").asDouble();
        double meanErr = (mean - ec.path("calibrated_mean_ms").asDouble()) / ec.path("calibrated_mean_ms").asDouble();
        double p99Err = (p99 - ec.path("calibrated_p99_ms").asDouble()) / ec.path("calibrated_p99_ms").asDouble();
        assertThat(st.path("mean_error").asDouble()).isCloseTo(meanErr, within(1e-9));
        assertThat(st.path("p99_error").asDouble()).isCloseTo(p99Err, within(1e-9));
        double rho = st.path("rho").asDouble();
        assertThat(rho).isCloseTo(1600 / (8 * ec.path("calibrated_mu").asDouble()), within(1e-9));
        String expected = rho > 0.8 ? "not_judged" : Math.abs(meanErr) <= 0.05 && Math.abs(p99Err) <= 0.10 ? "pass" : "fail";
        assertThat(st.path("verdict").asText()).isEqualTo(expected);
        List<String> reasons = new java.util.ArrayList<>();
        p.path("validity").path("invalid_reasons").forEach(r -> reasons.add(r.asText()));
        if (expected.equals("fail")) {
            assertThat(p.path("valid").asBoolean()).isFalse();
            assertThat(reasons).anyMatch(r -> r.startsWith("self-test failed"));
        }
        assertThat(p.path("valid").asBoolean()).isEqualTo(!"invalid".equals(p.path("validity").path("state").asText()));
        assertThat(p.path("validity").path("little_tolerance").asDouble()).isGreaterThanOrEqualTo(0.10);
        // the busy-machine measure is recorded wherever /proc/stat exists
        if (Files.isReadable(Path.of("/proc/stat"))) assertThat(p.path("validity").path("other_cpu_share").asDouble(-1)).isBetween(0.0, 1.0);
        assertThat(p.path("validity").path("steady").path("intervals").asInt()).isBetween(2, 3); // a 3 s window's 1 s rows
        // hand-off: items of the window that found one of the 8 workers free; at rho ~0.4 most of them (P(wait) 0.02)
        JsonNode handoff = p.path("handoff_ms"), queue = p.path("stages").get(0).path("queue_ms");
        assertThat(handoff.path("count").asLong()).isPositive().isLessThanOrEqualTo(p.path("response_ms").path("count").asLong());
        assertThat(handoff.path("p50").asDouble()).isLessThanOrEqualTo(queue.path("max").asDouble()); // a subset of the stage's queue times
        assertThat(handoff.path("max").asDouble()).isLessThanOrEqualTo(queue.path("max").asDouble() + 0.001);
        assertThat(out.toString()).contains("hand-off (submit -> start, a worker free)");

        JsonNode floor = Files.readAllLines(dir.resolve("events.jsonl")).stream().map(l -> {
            try { return RunJson.MAPPER.readTree(l); } catch (Exception e) { throw new AssertionError(e); }
        }).filter(e -> "calibration".equals(e.path("type").asText())).findFirst().orElseThrow();
        assertThat(floor.path("items").asLong()).isPositive();
        // the floor's parts, measured per item, add up to its mean (the mean is of whole microseconds, 3 digits)
        double parts = floor.path("lag_mean_ms").asDouble() + floor.path("handoff_mean_ms").asDouble();
        assertThat(floor.path("mean_ms").asDouble()).isCloseTo(parts, within(0.002 + 0.01 * parts));
        assertThat(floor.path("record_mean_ms").asDouble()).isBetween(0.0, floor.path("mean_ms").asDouble() + 0.001);
        assertThat(floor.path("p99_ms").asDouble()).isGreaterThanOrEqualTo(floor.path("p50_ms").asDouble());
        assertThat(out.toString()).contains("harness floor (null work").contains("self-test ");

        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).contains("id=\"selftest-table\"").contains("id=\"harness-floor\"").contains("engine w=8 r0")
                .contains(expected.replace('_', ' ') + "</td>");
    }
}
