package io.fanlab.harness.load;

import io.fanlab.harness.design.Item;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * The open load model: submits each item at its intended start time, on one dedicated platform thread named
 * {@value #THREAD_NAME}, whatever the system does with the previous items.
 *
 * <h2>Contract</h2>
 * For every arrival of the schedule with offset {@code < endOffsetNanos}, in order: wait until
 * {@code runStartNanos + offset}, build the item with that <em>intended</em> start (never the actual time), record
 * the schedule lag {@code now - intended} and hand the item to the sink. A generator that is late (slow sink,
 * descheduled thread) does not skip or re-time arrivals: it submits the late ones back to back, so the lateness
 * shows up as lag and as latency measured from the intended start (no coordinated omission). Arrivals are
 * numbered {@code seq = 0, 1, 2, ...} in schedule order.
 *
 * <h2>Deadline</h2>
 * The end offset plus the missed-start threshold is also a deadline: an arrival is handed to the sink only while
 * {@code clock < runStartNanos + endOffsetNanos + missedStartThreshold} (an arrival that late is a missed start
 * anyway; the margin keeps ordinary jitter on the window's last arrivals from cutting them). Once the clock has
 * passed it, the arrivals of the schedule still
 * pending (every one with offset {@code < endOffsetNanos} not yet handed over) are counted as
 * {@link GeneratorStats#notStarted() not started} and never offered, so
 * {@code offered + notStarted = the schedule's arrivals before endOffsetNanos} (unless stopped early). Without it a
 * design that pushes back (blocking admission above capacity) made the generator submit every late arrival at the
 * design's pace: a 3 s window at 20,000/s into 2,000/s of capacity took 28 s. A submit already blocked in the sink
 * at the deadline is not interrupted (the design may or may not have taken the item); it ends when the design
 * takes the item.
 *
 * <h2>Waiting</h2>
 * If more than {@link #SPIN_NANOS} (100 us) remain, the thread parks for {@code remaining - SPIN_NANOS}
 * ({@code LockSupport.parkNanos}; Linux timer slack (50 us by default) plus the scheduler's wake-up make a park
 * overshoot by about 85 us on the 2-vCPU VM, which is why the margin is there); it then spins with
 * {@code Thread.onSpinWait()} and a {@code Thread.yield()} every {@value #SPINS_PER_YIELD} spins, re-reading the
 * clock, until the intended time. Measured at 1600/s: with a 50 us margin the median arrival started 35-48 us late
 * (a third of the self-test's mean-error budget, on every item), with 100 us 0.1-1 us late. At high rates (gaps
 * under 100 us) the thread therefore spins and occupies one core, and at low rates it spins up to 100 us per arrival
 * (16% of a core at 1600/s); that is the price of starting on time.
 *
 * <h2>Lifecycle and threading</h2>
 * One {@link #run} per generator; a second call throws {@link IllegalStateException}. {@link #run} blocks the
 * caller until the end offset, {@link #stop()}, or the caller's interruption (which stops the generator and is
 * re-asserted on return); it returns the statistics of what was offered so far. The generator thread has
 * ended when {@code run} returns, unless the sink ignores interruption and stays blocked, in which case
 * {@code run} waits for it. A {@link RuntimeException} or {@link Error} thrown by the factory or the sink ends the
 * run and is rethrown by {@code run}; an {@link InterruptedException} from the sink counts as a stop.
 * {@link #stop()} may be called from any thread, at any time, repeatedly.
 */
public final class OpenLoadGenerator {
    public static final String THREAD_NAME = "fanlab-generator";
    /** Lag above which an item counts as a missed start, unless the constructor is given another threshold. */
    public static final Duration DEFAULT_MISSED_START = Duration.ofMillis(1);
    /** The final stretch before an intended start that is spun rather than parked, nanoseconds. */
    public static final long SPIN_NANOS = 100_000;
    static final int SPINS_PER_YIELD = 64;
    /** Lags are recorded up to one hour; larger ones are clamped (and are missed starts anyway). */
    private static final long HIGHEST_LAG_NANOS = TimeUnit.HOURS.toNanos(1);

    /** How the generator parks; LockSupport in production, a manual clock's advance in tests. */
    interface Parker { void parkNanos(long nanos); }

    private static final int NEW = 0, RUNNING = 1, DONE = 2;

    private final long missedStartNanos;
    private final Parker parker;
    private final AtomicInteger state = new AtomicInteger(NEW);
    private volatile boolean stopRequested;
    private long judgeFromOffset;
    private volatile Thread thread;

    public OpenLoadGenerator() { this(DEFAULT_MISSED_START); }

    /** @param missedStartThreshold lag above which an item counts as a missed start; > 0 */
    public OpenLoadGenerator(Duration missedStartThreshold) { this(missedStartThreshold, LockSupport::parkNanos); }

    OpenLoadGenerator(Duration missedStartThreshold, Parker parker) {
        if (missedStartThreshold == null || missedStartThreshold.isNegative() || missedStartThreshold.isZero())
            throw new IllegalArgumentException("missedStartThreshold: " + missedStartThreshold + " (expected: > 0ms)");
        this.missedStartNanos = missedStartThreshold.toNanos();
        this.parker = parker;
    }

    /**
     * Runs the open load; see the class contract.
     *
     * @param schedule       intended start offsets; consumed by this call (single consumer)
     * @param runStartNanos  the run's time origin on {@code nanoClock}'s scale
     * @param endOffsetNanos arrivals at or after this offset are not offered
     * @param itemFactory    builds item {@code seq} with the given intended start
     * @param sink           receives each item; may block
     * @param nanoClock      the clock intended starts are on, normally {@code System::nanoTime}
     */
    public GeneratorStats run(ArrivalSchedule schedule, long runStartNanos, long endOffsetNanos, ItemFactory itemFactory,
                              ItemSink sink, LongSupplier nanoClock) throws InterruptedException {
        if (schedule == null || itemFactory == null || sink == null || nanoClock == null)
            throw new IllegalArgumentException("run: null argument (expected: schedule, itemFactory, sink and nanoClock)");
        if (endOffsetNanos < 0) throw new IllegalArgumentException("endOffsetNanos: " + endOffsetNanos + " (expected: >= 0)");
        if (!state.compareAndSet(NEW, RUNNING)) throw new IllegalStateException("run: already called (expected: once per generator)");
        var loop = new Loop(schedule, runStartNanos, endOffsetNanos, itemFactory, sink, nanoClock);
        loop.judgeFrom = judgeFromOffset;
        Thread t = Thread.ofPlatform().name(THREAD_NAME).daemon(true).unstarted(loop);
        thread = t;
        t.start();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    stop();
                    t.interrupt();
                }
            }
        } finally {
            state.set(DONE);
            if (interrupted) Thread.currentThread().interrupt();
        }
        if (loop.failure instanceof RuntimeException r) throw r;
        if (loop.failure instanceof Error e) throw e;
        return loop.stats();
    }

    /**
     * Like {@link #run(ArrivalSchedule, long, long, ItemFactory, ItemSink, LongSupplier)} for a factory that only
     * takes {@code seq}: the item it returns is re-created with the scheduled intended start if it carries another
     * one. Prefer the two-argument factory when keys depend on the offset (hot-key faults).
     */
    public GeneratorStats run(ArrivalSchedule schedule, long runStartNanos, long endOffsetNanos, LongFunction<Item> itemFactory,
                              ItemSink sink, LongSupplier nanoClock) throws InterruptedException {
        if (itemFactory == null) throw new IllegalArgumentException("itemFactory: null (expected: seq -> Item)");
        return run(schedule, runStartNanos, endOffsetNanos, (seq, intended) -> {
            Item i = itemFactory.apply(seq);
            return i.intendedStartNanos() == intended ? i : new Item(i.seq(), i.request(), i.key(), i.tenant(), intended);
        }, sink, nanoClock);
    }

    /**
     * Judge schedule lag only for arrivals at or after {@code offsetNanos} (the measured window): lag while the
     * JIT warms up during the warmup phase says nothing about the measurement. Every item is still offered and
     * counted. Call before {@link #run}; default 0 (judge every arrival).
     */
    public OpenLoadGenerator judgeLagFrom(long offsetNanos) {
        if (offsetNanos < 0) throw new IllegalArgumentException("offsetNanos: " + offsetNanos + " (expected: >= 0)");
        this.judgeFromOffset = offsetNanos;
        return this;
    }

    /** Asks the generator to stop offering; {@link #run} returns soon after. Idempotent, any thread. */
    public void stop() {
        stopRequested = true;
        Thread t = thread;
        if (t != null) LockSupport.unpark(t);
    }

    private final class Loop implements Runnable {
        final ArrivalSchedule schedule;
        final long runStart, endOffset;
        final ItemFactory factory;
        final ItemSink sink;
        final LongSupplier clock;
        final Histogram lag = new Histogram(HIGHEST_LAG_NANOS, 3);
        final long deadline;
        long offered, missed, judged, notStarted;
        long judgeFrom;
        Throwable failure;

        Loop(ArrivalSchedule schedule, long runStart, long endOffset, ItemFactory factory, ItemSink sink, LongSupplier clock) {
            this.schedule = schedule;
            this.runStart = runStart;
            this.endOffset = endOffset;
            this.deadline = runStart + endOffset + missedStartNanos;
            this.factory = factory;
            this.sink = sink;
            this.clock = clock;
        }

        @Override public void run() {
            try {
                while (!stopRequested) {
                    long offset = schedule.nextOffsetNanos();
                    if (offset >= endOffset) break;
                    long intended = runStart + offset;
                    if (!awaitUntil(intended)) break;
                    if (clock.getAsLong() - deadline >= 0) {
                        // past the deadline: this arrival and every later one before the end offset are not started
                        notStarted++;
                        while (schedule.nextOffsetNanos() < endOffset) notStarted++;
                        break;
                    }
                    Item item = factory.create(offered, intended);
                    long l = clock.getAsLong() - intended;
                    if (offset >= judgeFrom) {
                        lag.recordValue(Math.min(Math.max(l, 0), HIGHEST_LAG_NANOS));
                        if (l > missedStartNanos) missed++;
                        judged++;
                    }
                    offered++;
                    sink.submit(item);
                }
            } catch (InterruptedException e) {
                // stop
            } catch (Throwable t) {
                failure = t;
            }
        }

        /** Waits until the clock reads {@code deadline}; false if stopped or interrupted first. */
        private boolean awaitUntil(long deadline) {
            int spins = 0;
            while (true) {
                if (stopRequested || Thread.currentThread().isInterrupted()) return false;
                long remaining = deadline - clock.getAsLong();
                if (remaining <= 0) return true;
                if (remaining > SPIN_NANOS) {
                    parker.parkNanos(remaining - SPIN_NANOS);
                } else if (++spins % SPINS_PER_YIELD == 0) {
                    Thread.yield();
                } else {
                    Thread.onSpinWait();
                }
            }
        }

        GeneratorStats stats() {
            double seconds = endOffset / 1e9;
            double intendedRate = seconds > 0 ? schedule.expectedArrivals(endOffset) / seconds : 0;
            if (offered == 0 || judged == 0) return GeneratorStats.of(offered, intendedRate, 0, 0, 0, 0).withNotStarted(notStarted);
            double p99 = lag.getValueAtPercentile(99) / 1e3;
            // the rule's missed share is over the judged arrivals (the measured window), not every offered item
            return new GeneratorStats(offered, intendedRate, lag.getValueAtPercentile(50) / 1e3, p99, lag.getMaxValue() / 1e3,
                    missed, GeneratorStats.fellBehind(p99, missed, judged), notStarted);
        }
    }

    /**
     * JMH-free self-check: offers a constant {@code rate} for {@code duration} to a sink that only counts, on this
     * machine as it is now, and returns the generator's statistics ({@link GeneratorStats#fellBehind} says whether
     * it kept up). Blocks for about {@code duration}.
     */
    public static GeneratorStats selfCheck(Rate rate, Duration duration) throws InterruptedException {
        if (duration == null || duration.isNegative() || duration.isZero())
            throw new IllegalArgumentException("duration: " + duration + " (expected: > 0ms)");
        var schedule = ArrivalSchedule.of(new LoadSpec.Arrival.Constant(rate), 0, List.of());
        long[] sunk = new long[1];
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5);
        GeneratorStats stats = new OpenLoadGenerator().run(schedule, start, duration.toNanos(),
                (seq, intended) -> new Item(seq, seq, -1, 0, intended), item -> sunk[0] += item.seq(), System::nanoTime);
        if (sunk[0] < 0) throw new AssertionError(); // keeps the sink's work observable
        return stats;
    }

    /** {@code java ... OpenLoadGenerator [rate/s=200000] [seconds=3]}: prints the self-check's figures. */
    public static void main(String[] args) throws InterruptedException {
        double rate = args.length > 0 ? Double.parseDouble(args[0]) : 200_000;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        GeneratorStats s = selfCheck(new Rate(rate), Duration.ofNanos((long) (seconds * 1e9)));
        System.out.println("generator self-check at " + new Rate(rate) + " for " + seconds + "s on "
                + Runtime.getRuntime().availableProcessors() + " cpus (load average "
                + java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() + "): " + s.summary());
    }
}
