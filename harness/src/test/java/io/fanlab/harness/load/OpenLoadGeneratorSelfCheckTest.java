package io.fanlab.harness.load;

import static org.assertj.core.api.Assertions.*;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Measurement, not a unit test: run with {@code -Pslow}. Prints the figures; fails only if the generator fell behind. */
@Tag("slow")
class OpenLoadGeneratorSelfCheckTest {
    @Test
    void holds200kPerSecondWithP99LagUnder200Us() throws Exception {
        OpenLoadGenerator.selfCheck(new Rate(200_000), Duration.ofMillis(500)); // JIT warm-up
        GeneratorStats s = OpenLoadGenerator.selfCheck(new Rate(200_000), Duration.ofSeconds(3));
        System.out.println("generator self-check 200000/s x 3s on " + Runtime.getRuntime().availableProcessors() + " cpus (load average "
                + java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() + "): " + s.summary());
        assertThat(s.offered()).isEqualTo(600_000);
        assertThat(s.fellBehind()).as(s.summary()).isFalse();
    }
}
