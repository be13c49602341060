package io.fanlab.harness.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Run directories (issue 10, defects 8 and 11): never shared by two runs, never outside {@code --out}, never reused. */
class RunDirectoryTest {
    @TempDir Path tmp;

    static RunDirectory create(Path parent, Path exact, String name) throws IOException {
        return RunDirectory.create(parent, exact, name, "", "name: " + name + "\n", io.fanlab.reports.run.RunJson.MAPPER.convertValue(Map.of("started_at", "now"), io.fanlab.reports.run.RunEnvironment.class),
                new io.fanlab.reports.run.RunHeader.Load("closed", null, 1, 1), List.of());
    }

    @Test
    void runsStartedInTheSameSecondGetTheirOwnDirectories() throws Exception {
        int runs = 8;
        CyclicBarrier start = new CyclicBarrier(runs);
        ExecutorService pool = Executors.newFixedThreadPool(runs);
        try {
            List<Future<Path>> dirs = new ArrayList<>();
            for (int i = 0; i < runs; i++) dirs.add(pool.submit(() -> {
                start.await();
                return create(tmp, null, "same").dir();
            }));
            Set<Path> distinct = ConcurrentHashMap.newKeySet();
            for (Future<Path> f : dirs) distinct.add(f.get());
            assertThat(distinct).hasSize(runs);
            try (var listed = Files.list(tmp)) {
                assertThat(listed.toList()).hasSize(runs).allSatisfy(d -> assertThat(d.resolve("results.json")).isRegularFile());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theScenarioNameIsASlugNeverAPath() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out"));
        RunDirectory run = create(out, null, "x/../../escaped");
        assertThat(run.dir().getParent()).isEqualTo(out);
        assertThat(run.dir().getFileName().toString()).endsWith("-x-escaped");
        try (var listed = Files.list(tmp)) {
            assertThat(listed.toList()).containsExactly(out);
        }
        assertThat(RunDirectory.slug("..")).isEqualTo("scenario");
        assertThat(RunDirectory.slug("/etc/passwd")).isEqualTo("etc-passwd");
        assertThat(RunDirectory.slug("a\\b:c*d")).isEqualTo("a-b-c-d");
        assertThat(RunDirectory.slug("quick.start_v2-b")).isEqualTo("quick.start_v2-b");
        assertThat(RunDirectory.slug("x".repeat(300))).hasSize(64);
    }

    @Test
    void aUsedRunDirIsRefused() throws IOException {
        Path exact = tmp.resolve("exact");
        create(tmp, exact, "first");
        assertThatThrownBy(() -> create(tmp, exact, "second")).isInstanceOf(IOException.class)
                .hasMessageContaining("exact: already holds a run (results.json)").hasMessageContaining("expected: a new or empty directory");
        assertThat(Files.readString(exact.resolve("scenario.resolved.yaml"))).isEqualTo("name: first\n");
        Path foreign = Files.createDirectories(tmp.resolve("foreign"));
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> create(tmp, foreign, "x")).isInstanceOf(IOException.class).hasMessageContaining("already holds notes.txt");
    }

    @Test
    void anEmptyOrAbsentRunDirIsClaimed() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThat(create(tmp, empty, "a").dir()).isEqualTo(empty);
        Path absent = tmp.resolve("deep/absent");
        assertThat(create(tmp, absent, "b").dir().resolve("results.json")).isRegularFile();
    }
}
