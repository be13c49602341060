package io.fanlab.harness.validity;

import io.fanlab.harness.design.Item;
import io.fanlab.harness.load.ArrivalSchedule;
import io.fanlab.harness.load.GeneratorStats;
import io.fanlab.harness.load.LoadSpec;
import io.fanlab.harness.load.OpenLoadGenerator;
import io.fanlab.harness.load.Rate;
import io.fanlab.harness.probe.LatencyProbe;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.HdrHistogram.Histogram;

/**
 * The harness's own floor: a null-work calibration. The open generator offers a constant rate to a sink that hands
 * each item over a bounded queue to one waiting worker thread, which does no work and records
 * {@code now - intended start} in a {@link LatencyProbe}: the generator's wake-up, the hand-off's wake-up and the
 * recording, which every measured response of every design also pays. Nothing a design does can be measured faster;
 * a floor that is large against the latencies a scenario measures means this machine, now, cannot resolve them.
 *
 * <h2>Threshold</h2>
 * {@link #MEAN_WARN_MS}: a floor mean above 0.1 ms is 5% of the self-test's 2 ms service time, its mean bound: on
 * such a machine the self-test cannot pass, and latency differences of that order between designs are the harness,
 * not the designs.
 *
 * <p>Threads: one worker ({@value #WORKER_NAME}) and the generator's, both ended before {@link #measure} returns.
 */
public final class HarnessFloor {
    public static final double MEAN_WARN_MS = 0.1;
    public static final Rate DEFAULT_RATE = new Rate(4000);
    public static final Duration DEFAULT_DURATION = Duration.ofMillis(500);
    static final String WORKER_NAME = "fanlab-floor-worker";
    private static final Item POISON = new Item(-1, -1, -1, 0, 0);

    private HarnessFloor() {}

    /** The floor: response time of null work (ms) and the generator's lag while measuring it. */
    public record Floor(long items, double rate, double meanMs, double p50Ms, double p99Ms, double maxMs, double lagP99Us) {
        /** Whether the floor is too high for the self-test's bounds ({@link #MEAN_WARN_MS}). */
        public boolean tooHigh() { return meanMs > MEAN_WARN_MS; }

        public String summary() {
            return String.format(Locale.ROOT, "harness floor (null work, %d items at %.0f/s): mean %.3f ms, p50 %.3f ms, p99 %.3f ms, max %.3f ms",
                    items, rate, meanMs, p50Ms, p99Ms, maxMs);
        }
    }

    /** Measures the floor at {@code rate} for {@code duration}; blocks for about that long. */
    public static Floor measure(Rate rate, Duration duration) throws InterruptedException {
        BlockingQueue<Item> handoff = new ArrayBlockingQueue<>(1024);
        LatencyProbe probe = new LatencyProbe();
        Thread worker = Thread.ofPlatform().name(WORKER_NAME).daemon().start(() -> {
            try {
                while (true) {
                    Item i = handoff.take();
                    if (i == POISON) return;
                    probe.recordNanos(System.nanoTime() - i.intendedStartNanos());
                }
            } catch (InterruptedException ignored) {
                // ends
            }
        });
        GeneratorStats g;
        try {
            var schedule = ArrivalSchedule.of(new LoadSpec.Arrival.Constant(rate), 0, List.of());
            long start = System.nanoTime() + Duration.ofMillis(5).toNanos();
            g = new OpenLoadGenerator().run(schedule, start, duration.toNanos(), (seq, intended) -> new Item(seq, seq, -1, 0, intended),
                    handoff::put, System::nanoTime);
            handoff.put(POISON);
            worker.join(Duration.ofSeconds(5));
        } finally {
            worker.interrupt();
            worker.join();
        }
        Histogram h = probe.flipInterval();
        if (h.getTotalCount() == 0) return new Floor(0, rate.perSecond(), 0, 0, 0, 0, g.lagP99Us());
        return new Floor(h.getTotalCount(), rate.perSecond(), h.getMean() / 1000.0, h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0, g.lagP99Us());
    }

    /** {@code java ... HarnessFloor}: prints the floor of this machine now. */
    public static void main(String[] args) throws InterruptedException {
        System.out.println(measure(DEFAULT_RATE, Duration.ofSeconds(2)).summary());
    }
}
