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
 * recording, which every measured response of every design also pays. The floor's mean is reported split into
 * those parts (generator lag, hand-off, recording), each measured per item. Nothing a design does can be measured faster;
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
    /**
     * @param lagMeanMs       part of {@code meanMs}: intended start to submit (the generator's wake-up and spin)
     * @param handoffMeanMs   part of {@code meanMs}: submit to the worker's return from {@code take} (the queue's
     *                        wake-up of a parked thread and its scheduling)
     * @param handoffP50Ms    median of that hand-off
     * @param recordMeanMs    part of {@code meanMs}: the worker's clock read and probe record before the recorded
     *                        value's end (measured per item as the time {@code recordNanos} took, so an upper bound)
     */
    public record Floor(long items, double rate, double meanMs, double p50Ms, double p99Ms, double maxMs, double lagP99Us,
                        double lagMeanMs, double handoffMeanMs, double handoffP50Ms, double recordMeanMs) {
        /** Whether the floor is too high for the self-test's bounds ({@link #MEAN_WARN_MS}). */
        public boolean tooHigh() { return meanMs > MEAN_WARN_MS; }

        public String summary() {
            return String.format(Locale.ROOT, "harness floor (null work, %d items at %.0f/s): mean %.3f ms, p50 %.3f ms, p99 %.3f ms, max %.3f ms"
                    + " (mean = generator lag %.3f + hand-off %.3f (p50 %.3f) + recording %.4f)",
                    items, rate, meanMs, p50Ms, p99Ms, maxMs, lagMeanMs, handoffMeanMs, handoffP50Ms, recordMeanMs);
        }
    }

    /** Measures the floor at {@code rate} for {@code duration}; blocks for about that long. */
    public static Floor measure(Rate rate, Duration duration) throws InterruptedException {
        BlockingQueue<Item> handoff = new ArrayBlockingQueue<>(1024);
        LatencyProbe probe = new LatencyProbe();
        // the parts of the floor, in ns (one writer each: the worker), from the submit time the generator's sink stamps
        long[] submitAt = new long[(int) Math.min(1 << 22, rate.perSecond() * duration.toNanos() / 1e9 * 1.5 + 1024)];
        long[] parts = new long[4]; // lag sum, hand-off sum, record sum, count
        Histogram handoffNanos = new Histogram(3);
        Thread worker = Thread.ofPlatform().name(WORKER_NAME).daemon().start(() -> {
            try {
                while (true) {
                    Item i = handoff.take();
                    if (i == POISON) return;
                    long took = System.nanoTime();
                    probe.recordNanos(took - i.intendedStartNanos());
                    long recorded = System.nanoTime();
                    if (i.seq() < submitAt.length) {
                        long submit = submitAt[(int) i.seq()];
                        parts[0] += submit - i.intendedStartNanos();
                        parts[1] += took - submit;
                        parts[2] += recorded - took;
                        parts[3]++;
                        handoffNanos.recordValue(Math.max(0, took - submit));
                    }
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
                    i -> {
                        if (i.seq() < submitAt.length) submitAt[(int) i.seq()] = System.nanoTime();
                        handoff.put(i);
                    }, System::nanoTime);
            handoff.put(POISON);
            worker.join(Duration.ofSeconds(5));
        } finally {
            worker.interrupt();
            worker.join();
        }
        Histogram h = probe.flipInterval();
        if (h.getTotalCount() == 0) return new Floor(0, rate.perSecond(), 0, 0, 0, 0, g.lagP99Us(), 0, 0, 0, 0);
        double n = Math.max(1, parts[3]); // the worker ended (joined) before these reads
        return new Floor(h.getTotalCount(), rate.perSecond(), h.getMean() / 1000.0, h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0, g.lagP99Us(),
                parts[0] / n / 1e6, parts[1] / n / 1e6, handoffNanos.getValueAtPercentile(50) / 1e6, parts[2] / n / 1e6);
    }

    /** {@code java ... HarnessFloor}: prints the floor of this machine now. */
    public static void main(String[] args) throws InterruptedException {
        System.out.println(measure(DEFAULT_RATE, Duration.ofSeconds(2)).summary());
    }
}
