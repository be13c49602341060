package io.fanlab.reports.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Atomic writes of the run directory (issue 10, defects 8, 9 and 12): unique temp names, failures that name the
 * file and leave neither a half-written target nor a temp file, and files others can read.
 */
class RunJsonTest {
    @TempDir Path tmp;

    @Test
    void concurrentWritersOfOneTargetNeverShareATempFile() throws Exception {
        Path target = tmp.resolve("results.json");
        int writers = 8, rounds = 50;
        CyclicBarrier start = new CyclicBarrier(writers);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int id = w;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int r = 0; r < rounds; r++) RunJson.writeAtomically(target, Map.of("writer", id, "round", r, "pad", "x".repeat(10_000)));
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdownNow();
        }
        assertThat(RunJson.MAPPER.readTree(target.toFile()).get("round").asInt()).isEqualTo(rounds - 1);
        assertThat(leftovers(tmp)).isEmpty();
    }

    @Test
    void filesAreReadableByOthers() throws IOException {
        Assumptions.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path json = tmp.resolve("point.json");
        RunJson.writeAtomically(json, Map.of("a", 1));
        Path html = tmp.resolve("report.html");
        RunDirectory.writeAtomically(html, "<html></html>");
        for (Path p : List.of(json, html))
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).as(p.toString()).isEqualTo("rw-r--r--");
    }

    @Test
    void aFailedWriteNamesTheFileAndLeavesNoTempFile() throws IOException {
        Path notADir = Files.writeString(tmp.resolve("file"), "x");
        Path target = notADir.resolve("results.json");
        assertThatThrownBy(() -> RunJson.writeAtomically(target, Map.of("a", 1))).isInstanceOf(IOException.class)
                .hasMessageStartingWith(target + ": cannot write (");
    }

    @Test
    void aFullDiskNamesTheFileKeepsTheOldTargetAndLeavesNoTempFile() throws Exception {
        Path disk = Files.createDirectories(tmp.resolve("disk"));
        try (SmallDisk ignored = SmallDisk.mount(disk, 64)) {
            Path target = disk.resolve("results.json");
            RunJson.writeAtomically(target, Map.of("round", 1));
            String before = Files.readString(target);
            byte[] big = "x".repeat(200_000).getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> RunJson.writeAtomically(target, big)).isInstanceOf(IOException.class)
                    .hasMessage(target + ": cannot write (No space left on device)");
            assertThatThrownBy(() -> RunDirectory.writeAtomically(disk.resolve("report.html"), new String(big, StandardCharsets.UTF_8)))
                    .isInstanceOf(IOException.class).hasMessageContaining("report.html: cannot write (No space left on device)");
            assertThat(Files.readString(target)).isEqualTo(before);
            assertThat(disk.resolve("report.html")).doesNotExist();
            assertThat(leftovers(disk)).isEmpty();
        }
    }

    static List<Path> leftovers(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
