package io.fanlab.engine.resilience;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Paired measurement of the timer's firing precision: a fixed 100 us spin margin (the timer before issue 13's fix)
 * against the adaptive margin, in alternating blocks in one JVM so both see the same machine. Deadlines arrive like
 * hedge deadlines: one at a time, 0.8-2 ms ahead, from another thread, with the timer parked in between.
 *
 * <p>Property checked: neither timer fires early or loses a deadline, and the adaptive one is not less precise
 * than the fixed one (its share within 200 us at least the fixed one's minus 0.05, the noise between paired blocks
 * on a shared machine). The figures (share within 200 us, p50, p99, the spin time) are printed for the record.
 */
@Tag("slow")
class PreciseTimerPrecisionSlowTest {
    private static final long US = 1_000;
    private static final int BLOCKS = 10;
    private static final int PER_BLOCK = 300;

    @Test
    void theAdaptiveMarginIsAtLeastAsPreciseAsAFixedOne() throws Exception {
        PreciseTimer fixed = new PreciseTimer("fixed-timer", PreciseTimer.DEFAULT_SPIN_NANOS, 200 * 1_000 * US);
        PreciseTimer adaptive = new PreciseTimer("adaptive-timer", PreciseTimer.DEFAULT_SPIN_NANOS,
                PreciseTimer.DEFAULT_SPIN_CAP_NANOS, 200 * 1_000 * US);
        long[] lateFixed = new long[BLOCKS * PER_BLOCK], lateAdaptive = new long[BLOCKS * PER_BLOCK];
        SplittableRandom random = new SplittableRandom(13);
        try {
            for (int b = 0; b < BLOCKS; b++) {
                boolean fixedFirst = b % 2 == 0;
                measure(fixedFirst ? fixed : adaptive, fixedFirst ? lateFixed : lateAdaptive, b, random);
                measure(fixedFirst ? adaptive : fixed, fixedFirst ? lateAdaptive : lateFixed, b, random);
            }
        } finally {
            fixed.shutdown();
            adaptive.shutdown();
        }
        String f = summary(lateFixed, fixed), a = summary(lateAdaptive, adaptive);
        System.out.println("PreciseTimerPrecisionSlowTest: fixed 100 us: " + f + "; adaptive: " + a);
        assertThat(Arrays.stream(lateFixed).min().orElseThrow()).as("fixed: never early").isGreaterThanOrEqualTo(0);
        assertThat(Arrays.stream(lateAdaptive).min().orElseThrow()).as("adaptive: never early").isGreaterThanOrEqualTo(0);
        assertThat(within(lateAdaptive, 200 * US)).as("fixed " + f + "; adaptive " + a)
                .isGreaterThanOrEqualTo(within(lateFixed, 200 * US) - 0.05);
    }

    private static void measure(PreciseTimer timer, long[] late, int block, SplittableRandom random) throws Exception {
        for (int i = 0; i < PER_BLOCK; i++) {
            long deadline = System.nanoTime() + 800 * US + random.nextLong(1_200 * US);
            CountDownLatch ran = new CountDownLatch(1);
            long[] at = new long[1];
            timer.schedule(deadline, () -> {
                at[0] = System.nanoTime();
                ran.countDown();
            });
            assertThat(ran.await(10, TimeUnit.SECONDS)).as("deadline fired").isTrue();
            late[block * PER_BLOCK + i] = at[0] - deadline;
            LockSupport.parkNanos(random.nextLong(500 * US)); // the timer parks between deadlines, as between hedges
        }
    }

    private static double within(long[] late, long bound) {
        return Arrays.stream(late).filter(l -> l < bound).count() / (double) late.length;
    }

    private static String summary(long[] late, PreciseTimer timer) {
        long[] s = late.clone();
        Arrays.sort(s);
        return String.format("within 200 us %.3f, p50 %d us, p99 %d us, max %d us, margin now %d us, spun %d ms",
                within(late, 200 * US), s[s.length / 2] / US, s[(int) (s.length * 0.99)] / US, s[s.length - 1] / US,
                timer.spinMarginNanos() / US, timer.spunNanos() / 1_000_000);
    }
}
