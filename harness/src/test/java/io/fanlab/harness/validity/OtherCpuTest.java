package io.fanlab.harness.validity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class OtherCpuTest {
    @Test
    void parsesTheAggregateLineBusyIsAllButIdleAndIowait() {
        long[] t = OtherCpu.parseCpuLine("cpu  56636 359 7176 47369 455 0 189 279 0 0");
        // total = user..steal; guest fields are already in user and nice
        assertThat(t[1]).isEqualTo(56636 + 359 + 7176 + 47369 + 455 + 0 + 189 + 279);
        assertThat(t[0]).isEqualTo(t[1] - 47369 - 455);
        assertThat(OtherCpu.parseCpuLine("cpu0 1 2 3 4 5")).isNull();
        assertThat(OtherCpu.parseCpuLine("intr 1 2 3 4 5")).isNull();
    }

    @Test
    void theShareIsMachineBusyMinusThisProcessOverMachineTime() {
        // 10 s of 2 CPUs = 2000 ticks; the machine was busy 1200 ticks (12 s of CPU), this process used 4 s: others 8 of 20
        var a = new OtherCpu.Snapshot(1000, 5000, 1_000_000_000L);
        var b = new OtherCpu.Snapshot(2200, 7000, 5_000_000_000L);
        assertThat(OtherCpu.share(a, b)).isCloseTo(0.4, within(1e-12));
        // this process's time and the ticks disagree by rounding: never below 0
        assertThat(OtherCpu.share(a, new OtherCpu.Snapshot(1100, 7000, 3_000_000_000L))).isZero();
        assertThat(OtherCpu.share(a, null)).isNull();
        assertThat(OtherCpu.share(a, a)).isNull();
    }

    @Test
    void aLiveSnapshotOnLinuxReadsPlausibleCounters() {
        OtherCpu.Snapshot s = OtherCpu.snapshot();
        if (!java.nio.file.Files.isReadable(OtherCpu.PROC_STAT)) {
            assertThat(s).isNull();
            return;
        }
        assertThat(s).isNotNull();
        assertThat(s.totalTicks()).isGreaterThan(s.busyTicks()).isPositive();
        assertThat(s.processCpuNanos()).isPositive();
    }
}
