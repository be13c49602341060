package io.fanlab.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fanlab.reports.run.RunJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * point.json {@code graph} on a real run with a warmup: {@code window_exits} and {@code window_passes} count the
 * measured window's items (the population of {@code response_ms}), {@code exits} and {@code passes} the whole point,
 * and the report's "Routes and loops" table shows the window's figures and says so. Counts, not milliseconds.
 */
class GraphWindowCountsRunTest {
    @TempDir Path tmp;

    static final String DIAMOND = """
            name: diamond-window
            description: a diamond and a retry loop behind a warmup longer than a third of the window
            seed: 23
            phases: {warmup: 1s, measure: 2s, cooldown: 1s}
            load:
              open: {arrival: poisson, rate: 300/s}
            pipeline:
              - name: parse
                width: 2
                work: {sleep: {constant: 100us}}
              - route:
                  name: size
                  when: {fraction: 0.2}
                  a:
                    - {name: large, width: 4, work: {sleep: {constant: 2ms}}}
                  b:
                    - {name: small, width: 2, work: {sleep: {constant: 200us}}}
              - loop:
                  name: retry
                  body:
                    - {name: call, width: 4, work: {sleep: {constant: 200us}}}
                  again: {probability: 0.3, max: 3}
            slos:
              - nothing_lost
            sweep: {stage: large, widths: [4], designs: [engine, tpe], repeats: 1}
            """;

    @Test
    void graphExitsOfTheWindowAreTheWindowsItemsAndTheRouteShareIsTheDeclaredFraction() throws Exception {
        Path f = tmp.resolve("diamond-window.yaml");
        Files.writeString(f, DIAMOND);
        Path dir = tmp.resolve("run");
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = FanlabCli.execute(new String[] {"run", f.toString(), "--in-process", "--run-dir", dir.toString()},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as(out + "\n" + err).isIn(ExitCodes.OK, ExitCodes.SLO_FAILED); // a busy machine may invalidate a point
        JsonNode points = RunJson.MAPPER.readTree(dir.resolve("results.json").toFile()).path("points");
        assertThat(points).hasSize(2);
        for (JsonNode p : points) {
            String id = p.path("id").asText();
            assertThat(p.path("status").asText()).as(id).isEqualTo("ok");
            assertThat(p.path("conservation_ok").asBoolean()).as(id).isTrue();
            long population = p.path("response_ms").path("count").asLong(), censored = p.path("response_ms").path("censored").asLong();
            assertThat(population).as(id + " window items").isGreaterThan(300);

            JsonNode route = p.path("graph").get(0), loop = p.path("graph").get(1);
            assertThat(route.path("node").asText()).isEqualTo("size");
            assertThat(loop.path("node").asText()).isEqualTo("retry");
            long a = route.path("exits").path("a").asLong(), b = route.path("exits").path("b").asLong();
            long wa = route.path("window_exits").path("a").asLong(), wb = route.path("window_exits").path("b").asLong();
            long n = wa + wb;
            // every window item passes the route once: all of them, but for censored ones that may not have reached it
            assertThat(n).as(id + ": window exits are the window's items").isBetween(population - censored, population);
            assertThat(n).as(id + ": the warmup's and cooldown's items are not the window's").isLessThan(a + b);
            assertThat(wa).isLessThan(a);
            assertThat(wb).isLessThan(b);
            assertThat(a + b).as(id + ": the whole point counts every item that left").isBetween(p.path("completed").asLong(), p.path("offered").asLong());
            double sigma = Math.sqrt(0.2 * 0.8 / n); // binomial: the route draws each item independently with p 0.2
            assertThat((double) wa / n).as(id + ": window share within 4 sigma (%.4f) of 0.2", sigma).isBetween(0.2 - 4 * sigma, 0.2 + 4 * sigma);

            long done = loop.path("exits").path("done").asLong(), bound = loop.path("exits").path("bound").asLong();
            long wDone = loop.path("window_exits").path("done").asLong(), wBound = loop.path("window_exits").path("bound").asLong();
            long wLeft = wDone + wBound, wPasses = loop.path("window_passes").asLong();
            assertThat(wLeft).as(id + ": each window item leaves the loop once").isBetween(population - censored, population).isLessThan(done + bound);
            assertThat(wPasses).isLessThan(loop.path("passes").asLong()).isBetween(wLeft, 4 * wLeft);
            // passes per item: 1 + min(Geometric(0.3), 3): mean 1.417, variance from its distribution
            double mean = 0, sq = 0;
            double[] prob = {0.7, 0.3 * 0.7, 0.09 * 0.7, 0.027};
            for (int k = 0; k < 4; k++) { mean += prob[k] * (k + 1); sq += prob[k] * (k + 1) * (k + 1); }
            double sd = Math.sqrt((sq - mean * mean) / wLeft);
            assertThat((double) wPasses / wLeft).as(id + ": window passes per item within 4 sigma of %.3f", mean).isBetween(mean - 4 * sd, mean + 4 * sd);
        }
        String html = Files.readString(dir.resolve("report.html"));
        String table = html.substring(html.indexOf("id=\"graph-table\""));
        table = table.substring(table.indexOf("<tbody>"), table.indexOf("</tbody>"));
        JsonNode first = points.get(0).path("graph").get(0);
        long wholeItems = first.path("exits").path("a").asLong() + first.path("exits").path("b").asLong();
        assertThat(table).as("the table shows the window's exits and says so").contains(">measured window<")
                .contains("a " + first.path("window_exits").path("a").asLong() + " (").doesNotContain(">whole point<")
                .contains("<td>" + wholeItems + "</td>");
        assertThat(html).contains("count the items intended in the measured window");
    }
}
