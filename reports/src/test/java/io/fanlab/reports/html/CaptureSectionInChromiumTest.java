package io.fanlab.reports.html;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The "why" section of a real captured run ({@code fixtures/captured-sweep}: {@code fanlab run
 * scenarios/quickstart.yaml} with the default capture, 7 widths; its window.jfr and profile.jfr files removed to keep
 * the fixture small) renders in headless Chromium: its charts are drawn, the sentence, the table
 * and the profile diff are there, and every flame-graph link points at a file of the run.
 */
class CaptureSectionInChromiumTest {
    @Test
    void capturedSweep_whySectionDrawn() throws Exception {
        Path run = ReportInChromiumTest.generate("captured-sweep");
        String html = Files.readString(run.resolve("report.html"));
        assertThat(html).contains("id=\"why-sentences\"", "id=\"capture-table\"", "id=\"capture-stage-table\"", "where the CPU went", "GC is ")
                .containsPattern("<li><b>engine</b>: (Beyond width \\d+ \\(at width \\d+\\)|At width \\d+) ")
                .contains("id=\"capture-cost\">Capture cost: this run captured JFR + async-profiler cpu. The default capture");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("href=\"(points/[^\"]+\\.html)\"").matcher(html);
        int links = 0;
        while (m.find()) {
            assertThat(run.resolve(m.group(1))).as("flame graph link").isRegularFile();
            links++;
        }
        assertThat(links).isEqualTo(7);
        Path chromium = ReportInChromiumTest.chromium();
        assumeTrue(chromium != null, "Chromium not found (/usr/bin/chromium); run scripts/install-chromium to enable this test");
        ReportInChromiumTest.Result r = ReportInChromiumTest.open(chromium, run, 3000);
        ReportInChromiumTest.assertDrawnWithoutErrors(r);
        assertThat(r.dom()).contains("id=\"why-cpu\"", "id=\"why-cpu-per-item\"", "id=\"why-gc\"", "id=\"why-alloc\"", "id=\"why-waits\"");
    }
}
