package io.fanlab.harness.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fanlab.harness.cli.FanlabCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk (issue 10, defect 9): every failed write names its file and ends the run with exit 3; nothing
 * half-written stays under a final name and no temp file stays behind. Uses a real size-limited tmpfs (root only;
 * skipped elsewhere).
 */
class DiskFullTest {
    @TempDir Path tmp;

    static final String SCENARIO = """
            name: disk
            phases: {warmup: 200ms, measure: 500ms, cooldown: 100ms}
            load: {open: {rate: 200/s}}
            pipeline:
              - name: w
                work: {sleep: {constant: 1ms}}
            """;

    record Cli(int code, String out, String err) {}

    static Cli cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = FanlabCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Cli(code, out.toString(), err.toString());
    }

    @Test
    void histogramLogWriteFailuresAreNotSwallowed() throws Exception {
        Path disk = Files.createDirectories(tmp.resolve("disk"));
        try (SmallDisk ignored = SmallDisk.mount(disk, 16)) {
            List<Histogram> intervals = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Histogram h = new Histogram(1, 3_600_000_000L, 3);
                for (int v = 1; v < 5_000; v += 7) h.recordValue(v * (i + 1L));
                h.setStartTimeStamp(i * 1000L);
                h.setEndTimeStamp(i * 1000L + 1000);
                intervals.add(h);
            }
            Path hlog = disk.resolve("response.hlog");
            assertThatThrownBy(() -> PointRunner.writeHlog(hlog, "test", 0, intervals)).isInstanceOf(IOException.class)
                    .hasMessage(hlog + ": cannot write (No space left on device)");
            assertThat(hlog).doesNotExist();
            assertThat(files(disk)).isEmpty();
        }
    }

    @Test
    void aDiskWithRoomForThePointsButNotTheReportExitsThreeNamingTheFile() throws Exception {
        Path scenario = Files.writeString(tmp.resolve("disk.yaml"), SCENARIO);
        // a reference run tells how many 4 KiB pages the run directory needs without its report
        Path reference = tmp.resolve("reference");
        assertThat(cli("run", scenario.toString(), "--in-process", "--no-report", "--run-dir", reference.toString()).code()).isIn(0, 1);
        long pages = 0;
        for (Path f : files(reference)) pages += (Files.size(f) + 4095) / 4096;
        Path disk = Files.createDirectories(tmp.resolve("disk"));
        try (SmallDisk ignored = SmallDisk.mount(disk, (int) (pages + 4) * 4)) {
            Path run = disk.resolve("run");
            Cli r = cli("run", scenario.toString(), "--in-process", "--run-dir", run.toString());
            assertThat(r.code()).as(r.err()).isEqualTo(3);
            assertThat(r.err()).contains(run.resolve("report.html") + ": cannot write (No space left on device)").doesNotContain("\tat ");
            assertThat(run.resolve("report.html")).doesNotExist();
            assertThat(files(run)).noneMatch(f -> f.getFileName().toString().endsWith(".tmp")).allMatch(f -> size(f) > 0);
            assertThat(run.resolve("points/engine-w1-r0/point.json")).isRegularFile();
        }
    }

    static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}
