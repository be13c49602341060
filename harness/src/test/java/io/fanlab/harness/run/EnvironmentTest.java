package io.fanlab.harness.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Environment capture (issue 10, defect 12): a hung command (git on a stuck mount) costs its timeout, not the run. */
class EnvironmentTest {
    @TempDir Path tmp;

    @Test
    void aHungCommandIsKilledAfterItsTimeout() throws Exception {
        long t0 = System.nanoTime();
        // the grandchild 'sleep' would keep a pipe open after its shell is killed; the output goes to a file instead
        String out = Environment.run(tmp, List.of("sh", "-c", "echo started; sleep 60"), Duration.ofMillis(500));
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(out).isNull();
        assertThat(tookMs).isLessThan(10_000);
    }

    @Test
    void aQuickCommandAnswers() throws Exception {
        assertThat(Environment.run(tmp, List.of("sh", "-c", "echo hello"), Duration.ofSeconds(10))).isEqualTo("hello\n");
        assertThat(Environment.run(tmp, List.of("sh", "-c", "exit 3"), Duration.ofSeconds(10))).isNull();
    }

    @Test
    void outsideACheckoutTheRevisionIsUnknown() {
        assertThat(Environment.gitRevision(tmp)).isEqualTo("unknown");
    }
}
