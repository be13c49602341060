package io.fanlab.reports.html;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.fanlab.reports.Fixtures;
import io.fanlab.reports.ReportGenerator;

/**
 * Opens generated reports in real headless Chromium (Debian package {@code chromium}; {@code scripts/install-chromium})
 * and reads the marker the page's script sets on {@code <body>}: every chart drawn, no script error. Also takes a
 * screenshot next to the report under {@code target/report-check/<fixture>/report.png}.
 * Skipped (JUnit assumption, with the reason) when no Chromium binary is found; never passes silently.
 */
class ReportInChromiumTest {

    static final Pattern DRAWN = Pattern.compile("data-charts-drawn=\"(\\d+)\"");
    static final Pattern EXPECTED = Pattern.compile("data-charts-expected=\"(\\d+)\"");
    static final Pattern ERRORS = Pattern.compile("data-errors=\"(\\d+)\"");

    static Path chromium() {
        String env = System.getenv("CHROMIUM");
        for (String c : new String[] {env, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}) {
            if (c != null && Files.isExecutable(Paths.get(c))) return Paths.get(c);
        }
        return null;
    }

    record Result(String dom, String stderr) {
    }

    static Result run(Path chromium, Path workDir, String... extra) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(workDir, "chromium-profile");
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
            "--virtual-time-budget=5000"));
        cmd.addAll(List.of(extra));
        Path out = workDir.resolve("chromium-" + System.nanoTime() + ".out");
        Path err = workDir.resolve("chromium-" + System.nanoTime() + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS); // safety net only; normally a few seconds
        if (!done) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 120 s: " + cmd);
        }
        return new Result(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    static Path generate(String fixture) throws IOException {
        Path base = Paths.get("target/report-check").toAbsolutePath();
        Path dir = base.resolve(fixture);
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted((a, b) -> b.compareTo(a)).forEach(f -> f.toFile().delete());
            }
        }
        Files.createDirectories(base);
        Path run = Fixtures.copy(fixture, base);
        ReportGenerator.generate(run);
        return run;
    }

    static int group(Pattern p, String dom, String what) {
        Matcher m = p.matcher(dom);
        assertThat(m.find()).as("%s marker in the dumped DOM", what).isTrue();
        return Integer.parseInt(m.group(1));
    }

    static void assertDrawnWithoutErrors(Result r) {
        int expected = group(EXPECTED, r.dom(), "data-charts-expected");
        int drawn = group(DRAWN, r.dom(), "data-charts-drawn");
        int errors = group(ERRORS, r.dom(), "data-errors");
        List<String> consoleErrors = r.stderr().lines()
            .filter(l -> l.contains("CONSOLE") && (l.contains("Uncaught") || l.contains("ERROR") || l.contains("Error")))
            .toList();
        assertThat(consoleErrors).as("console errors on stderr").isEmpty();
        assertThat(errors).as("window error hook count").isZero();
        assertThat(expected).as("charts expected").isPositive();
        assertThat(drawn).as("charts drawn of %d", expected).isEqualTo(expected);
        assertThat(r.dom()).contains("class=\"uplot");
    }

    /** One Chromium run: dumps the DOM after the scripts ran and writes {@code report.png} beside the report. */
    static Result open(Path chromium, Path run, int height) throws IOException, InterruptedException {
        Path html = run.resolve("report.html");
        Path png = run.resolve("report.png");
        Result r = run(chromium, run, "--dump-dom", "--screenshot=" + png, "--window-size=1400," + height, "--hide-scrollbars",
            html.toUri().toString());
        assertThat(png).as("screenshot written").exists();
        assertThat(Files.size(png)).as("screenshot size (an empty page is ~10 kB)").isGreaterThan(50_000L);
        return r;
    }

    @Test
    void completeSweep_everyChartDrawn_noScriptErrors_screenshotTaken() throws Exception {
        Path chromium = chromium();
        assumeTrue(chromium != null, "Chromium not found (/usr/bin/chromium); run scripts/install-chromium to enable this test");
        Path run = generate("complete-sweep");
        Result r = open(chromium, run, 4000);
        assertDrawnWithoutErrors(r);
        // 1 throughput + 2 latency vs width + 2 latency vs throughput + 1 rates + 1 scatter-gather + 2 x 24 points
        assertThat(group(EXPECTED, r.dom(), "expected")).isEqualTo(55);
        assertThat(r.dom()).contains("width 8").contains("id=\"warnings\"").doesNotContain("src=\"http", "href=\"http");
    }

    @Test
    void failedAndPartialRuns_render_andRunDirectoryStringsStayText() throws Exception {
        Path chromium = chromium();
        assumeTrue(chromium != null, "Chromium not found (/usr/bin/chromium); run scripts/install-chromium to enable this test");
        String dom = null;
        for (String fixture : List.of("failed-slos", "partial-run")) {
            Result r = open(chromium, generate(fixture), 3000);
            assertDrawnWithoutErrors(r);
            if (fixture.equals("failed-slos")) dom = r.dom();
        }
        // the check can fail: a chart spec without its element must show up as not drawn and as a script error
        Path broken = generate("partial-run");
        Path html = broken.resolve("report.html");
        Files.writeString(html, Files.readString(html).replace("{\"charts\":[", "{\"charts\":[{\"id\":\"no-such-chart\"},"));
        Result r = open(chromium, broken, 1200);
        assertThat(group(DRAWN, r.dom(), "drawn")).isEqualTo(group(EXPECTED, r.dom(), "expected") - 1);
        assertThat(group(ERRORS, r.dom(), "errors")).isEqualTo(1);
        assertThat(r.dom()).contains("chart no-such-chart: no element for chart no-such-chart");
        // the hostile strings are present as text, never as elements
        assertThat(dom).contains("&lt;img src=x onerror=alert(1)&gt;").doesNotContain("<img src=\"x\"").doesNotContain("<img src=x");
        assertThat(dom).contains("&lt;script&gt;alert('x')&lt;/script&gt;");
    }
}
