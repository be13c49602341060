package io.fanlab.harness.load;

import io.fanlab.harness.design.Item;
import io.fanlab.harness.dist.Distribution;
import io.fanlab.harness.stream.ItemStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The closed load model: {@code users} users, each on its own virtual thread (one thread per user, created for
 * this run, never pooled), each looping: build an item whose intended start is now, submit it, wait for its
 * completion, think, repeat.
 *
 * <h2>Completion handoff</h2>
 * Before submitting, a user registers itself under the item's {@code seq} in a concurrent map (registering first
 * means a completion reported during {@code submit}, e.g. a shed, is not lost). {@link #completed(Item)} removes
 * the entry, sets the user's volatile {@code done} flag and {@code LockSupport.unpark}s its thread; the user parks
 * until the flag is set (re-checking after every wake-up, so spurious wake-ups are harmless). No lock is held
 * while parked, so virtual threads are never pinned. A completion for an unknown item (not submitted by this
 * generator, or arriving after its user gave up at the end of the run) is ignored.
 *
 * <h2>Think time</h2>
 * After item {@code seq} completes, its user thinks for {@code think.sampleNanos(stream.draw(seq, -1, LATENCY))}
 * (stage -1 is the generator's in the item stream), so think times are a function of the seed and seq.
 *
 * <h2>Lifecycle and threading</h2>
 * {@link #run} blocks until the end offset, {@link #stop()}, or its caller's interruption; then it sets the stop
 * flag, interrupts every user (to free users blocked in a back-pressuring {@code submit} or waiting for a
 * completion that will not come before the end) and joins them all: when {@code run} returns, no user thread is
 * alive (provided the sink honours interruption). Items whose completion had not arrived are the runner's to drain
 * or cancel. {@code seq} comes from one shared counter, so the stream is gap-free; which user gets which seq
 * depends on timing. {@code offered} counts submits that returned normally. A {@link RuntimeException} or
 * {@link Error} from the factory or sink stops the run and is rethrown by {@code run}. {@link #completed} and
 * {@link #stop} may be called from any thread. One {@code run} per generator.
 */
public final class ClosedLoadGenerator {
    public static final String THREAD_NAME_PREFIX = "fanlab-user-";

    private final int users;
    private final Distribution think;
    private final ItemStream stream;
    private final ConcurrentHashMap<Long, User> waiting = new ConcurrentHashMap<>();
    private final AtomicInteger state = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopRequested;
    private volatile Thread runner;

    /**
     * @param users  number of users (virtual threads), >= 1
     * @param think  think time after each completion
     * @param stream source of the think-time draws
     */
    public ClosedLoadGenerator(int users, Distribution think, ItemStream stream) {
        if (users < 1) throw new IllegalArgumentException("load.closed.users: " + users + " (expected: >= 1)");
        if (think == null) throw new IllegalArgumentException("load.closed.think: null (expected: a distribution)");
        if (stream == null) throw new IllegalArgumentException("stream: null (expected: the run's item stream)");
        this.users = users;
        this.think = think;
        this.stream = stream;
    }

    /** One user's handoff slot. */
    private static final class User {
        final Thread thread;
        volatile boolean done;
        User(Thread thread) { this.thread = thread; }
    }

    /**
     * Runs the users until {@code runStartNanos + endOffsetNanos} on {@code nanoClock} (or a stop); see the class
     * contract. {@link GeneratorStats#intendedRatePerSec} is the achieved rate (offered / elapsed); lags are 0.
     */
    public GeneratorStats run(long runStartNanos, long endOffsetNanos, ItemFactory itemFactory, ItemSink sink,
                              LongSupplier nanoClock) throws InterruptedException {
        if (itemFactory == null || sink == null || nanoClock == null)
            throw new IllegalArgumentException("run: null argument (expected: itemFactory, sink and nanoClock)");
        if (endOffsetNanos < 0) throw new IllegalArgumentException("endOffsetNanos: " + endOffsetNanos + " (expected: >= 0)");
        if (!state.compareAndSet(0, 1)) throw new IllegalStateException("run: already called (expected: once per generator)");
        runner = Thread.currentThread();
        long endAt = runStartNanos + endOffsetNanos;
        AtomicLong nextSeq = new AtomicLong();
        AtomicLong offered = new AtomicLong();
        for (int u = 0; u < users; u++) {
            threads.add(Thread.ofVirtual().name(THREAD_NAME_PREFIX + u).unstarted(
                    () -> userLoop(endAt, nextSeq, offered, itemFactory, sink, nanoClock)));
        }
        for (Thread t : threads) t.start();
        boolean interrupted = false;
        while (!stopRequested) {
            long remaining = endAt - nanoClock.getAsLong();
            if (remaining <= 0) break;
            LockSupport.parkNanos(this, remaining);
            if (Thread.interrupted()) { interrupted = true; break; }
        }
        stopRequested = true;
        for (Thread t : threads) t.interrupt();
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        waiting.clear();
        if (interrupted) Thread.currentThread().interrupt();
        Throwable f = failure.get();
        if (f instanceof RuntimeException r) throw r;
        if (f instanceof Error e) throw e;
        double seconds = (Math.min(nanoClock.getAsLong(), endAt) - runStartNanos) / 1e9;
        long n = offered.get();
        return GeneratorStats.of(n, seconds > 0 ? n / seconds : 0, 0, 0, 0, 0);
    }

    private void userLoop(long endAt, AtomicLong nextSeq, AtomicLong offered, ItemFactory factory, ItemSink sink, LongSupplier clock) {
        User me = new User(Thread.currentThread());
        long seq = -1;
        try {
            while (!stopRequested) {
                long now = clock.getAsLong();
                if (now - endAt >= 0) return;
                seq = nextSeq.getAndIncrement();
                Item item = factory.create(seq, now);
                me.done = false;
                waiting.put(seq, me);
                sink.submit(item);
                offered.incrementAndGet();
                while (!me.done) {
                    if (clock.getAsLong() - endAt >= 0 || !parkUntil(endAt, clock)) return;
                }
                long wakeAt = clock.getAsLong() + think.sampleNanos(stream.draw(seq, -1, ItemStream.Purpose.LATENCY));
                while (clock.getAsLong() - wakeAt < 0) {
                    if (clock.getAsLong() - endAt >= 0 || !parkUntil(Math.min(wakeAt, endAt), clock)) return;
                }
            }
        } catch (InterruptedException e) {
            // stop
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
            stop();
        } finally {
            if (seq >= 0) waiting.remove(seq, me);
        }
    }

    /**
     * Parks once, for at most until {@code deadline} (it may return early: unpark, spurious wake-up); the caller
     * re-checks its condition. False when the user must quit: stopped or interrupted.
     */
    private boolean parkUntil(long deadline, LongSupplier clock) {
        if (stopRequested || Thread.currentThread().isInterrupted()) return false;
        long remaining = deadline - clock.getAsLong();
        if (remaining > 0) LockSupport.parkNanos(this, remaining);
        return !stopRequested && !Thread.currentThread().isInterrupted();
    }

    /**
     * Reports that {@code item} reached its terminal state; wakes the user waiting for it. Call from the design's
     * {@link io.fanlab.harness.design.Completions} callback; any thread, non-blocking.
     */
    public void completed(Item item) {
        User u = waiting.remove(item.seq());
        if (u != null) {
            u.done = true;
            LockSupport.unpark(u.thread);
        }
    }

    /** Asks all users to stop; {@link #run} returns once they have. Idempotent, any thread. */
    public void stop() {
        stopRequested = true;
        Thread r = runner;
        if (r != null) LockSupport.unpark(r);
    }
}
