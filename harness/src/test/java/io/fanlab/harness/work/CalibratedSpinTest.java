package io.fanlab.harness.work;

import static org.assertj.core.api.Assertions.*;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CalibratedSpinTest {
    static final long MS = 1_000_000;

    /** 20 ms of spec costs 10-40 ms of this thread's CPU (median of 5; loose: the box is shared and noisy). */
    @Test
    void oneMillisecondOfSpecIsAboutOneMillisecondOfCpu() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        assumeCpuTime(mx);
        CalibratedSpin spin = CalibratedSpin.get();
        assertThat(spin.nanosPerIteration()).isPositive();
        double[] ratios = new double[5];
        for (int i = 0; i < ratios.length; i++) {
            long t0 = mx.getCurrentThreadCpuTime();
            assertThat(spin.spin(20 * MS, () -> false)).isTrue();
            ratios[i] = (mx.getCurrentThreadCpuTime() - t0) / (20.0 * MS);
        }
        Arrays.sort(ratios);
        assertThat(ratios[2]).as("CPU time / spec, all: %s", Arrays.toString(ratios)).isBetween(0.5, 2.0);
    }

    private static void assumeCpuTime(ThreadMXBean mx) {
        org.junit.jupiter.api.Assumptions.assumeTrue(mx.isCurrentThreadCpuTimeSupported() && mx.isThreadCpuTimeEnabled(),
                "thread CPU time not available");
    }

    /** Cancellation is polled between blocks of about 50 us: a 1-hour spin stops at the third poll. */
    @Test
    void cancellationIsPolledBetweenBlocks() {
        CalibratedSpin spin = CalibratedSpin.get();
        AtomicInteger polls = new AtomicInteger();
        assertThat(spin.spin(3_600_000 * MS, () -> polls.incrementAndGet() == 3)).isFalse();
        assertThat(polls.get()).isEqualTo(3);
    }

    @Test
    void blockLengthFollowsTheCalibration() {
        // 1 ns per iteration: 50 us per block, so a 1 ms spin polls 19 times (not after the last block)
        CalibratedSpin spin = CalibratedSpin.withNanosPerIteration(1.0);
        AtomicInteger polls = new AtomicInteger();
        assertThat(spin.spin(MS, () -> { polls.incrementAndGet(); return false; })).isTrue();
        assertThat(polls.get()).isEqualTo(19);
    }

    @Test
    void interruptStopsTheSpinAndStaysSet() {
        CalibratedSpin spin = CalibratedSpin.get();
        Thread.currentThread().interrupt();
        try {
            assertThat(spin.spin(3_600_000 * MS, () -> false)).isFalse();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
