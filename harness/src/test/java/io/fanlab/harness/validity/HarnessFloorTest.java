package io.fanlab.harness.validity;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanlab.harness.load.Rate;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HarnessFloorTest {
    @Test
    void measuresEveryOfferedItemAndLeavesNoThreadBehind() throws Exception {
        HarnessFloor.Floor f = HarnessFloor.measure(new Rate(2000), Duration.ofMillis(200));
        // 400 arrivals; on a busy machine a few at the end may miss the deadline (counted by the generator, not here)
        assertThat(f.items()).isBetween(300L, 400L);
        assertThat(f.meanMs()).isPositive();
        assertThat(f.p50Ms()).isLessThanOrEqualTo(f.p99Ms());
        assertThat(f.p99Ms()).isLessThanOrEqualTo(f.maxMs());
        assertThat(f.tooHigh()).isEqualTo(f.meanMs() > HarnessFloor.MEAN_WARN_MS);
        assertThat(f.summary()).startsWith("harness floor (null work, " + f.items() + " items at 2000/s): mean ");
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals(HarnessFloor.WORKER_NAME));
    }
}
