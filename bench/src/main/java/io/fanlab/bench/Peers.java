package io.fanlab.bench;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import org.jctools.queues.MpmcArrayQueue;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The peer designs the engine is measured against. Each is the plain, idiomatic use of its mechanism with a bounded
 * input of {@link Designs#QUEUE} slots, one hand-off per item, and the same {@link ItemWork} and {@link CompletionGate}
 * as the engine.
 *
 * <ul>
 *   <li>{@code tpe}: {@link ThreadPoolExecutor} with N core threads (prestarted), an {@link ArrayBlockingQueue} of
 *       1024 and a rejection handler that blocks the submitter on the queue; one {@code execute} per item.</li>
 *   <li>{@code abq-pool}: N platform threads taking items from one {@link ArrayBlockingQueue}(1024).</li>
 *   <li>{@code abq-chunked64}: the yardstick for batching: N platform threads taking chunks of up to
 *       {@value ChunkedQueuePool#CHUNK} items from one {@link ArrayBlockingQueue} of 1024 / 64 = 16 chunks (the same
 *       1024 items of input bound); the producer copies each run of 64 into a fresh array and puts it; a worker works
 *       on its chunk's items one by one, each reported to the gate (one lock and at most one wake-up per chunk).
 *       {@code abq-chunked64-runs}: the same, reporting each chunk to the gate with one {@code arrive(n)} after its
 *       items (results leave as runs: the peer of the engine's {@code -runs} variants).</li>
 *   <li>{@code vt-semaphore}: a new virtual thread per item, at most N at once by a {@link Semaphore}; the
 *       dispatcher that acquires permits is itself a virtual thread (a platform dispatcher is far slower).</li>
 *   <li>{@code vt-loop}: not a hand-off design but the <em>ceiling</em> of the I/O series (see {@link VirtualLoop}):
 *       N virtual threads per op, each claiming the op's next item index with one {@code getAndIncrement}.</li>
 *   <li>{@code reactor-flatmap}: {@code Flux.fromArray(items).flatMap(x -> Mono.fromCallable(..).subscribeOn(s), N)}
 *       on {@code Schedulers.newParallel(N)}; {@code reactor-flatmap-elastic}: the same on
 *       {@code newBoundedElastic(N, ..)} (for blocking work).</li>
 *   <li>{@code reactor-parallel}: {@code Flux.fromArray(items).parallel(N).runOn(newParallel(N)).map(..)} (runOn's
 *       default prefetch of 256 per rail).</li>
 *   <li>{@code disruptor-sleeping} / {@code disruptor-yielding}: LMAX Disruptor 4, ring of 1024, single producer, N
 *       handlers where handler i works on sequences with {@code sequence % N == i} (Disruptor 4 has no WorkerPool,
 *       so each handler reads every slot), {@link SleepingWaitStrategy} or {@link YieldingWaitStrategy}.</li>
 *   <li>{@code jctools-pool}: N platform threads polling a JCTools {@link MpmcArrayQueue}(1024); an idle worker or a
 *       producer facing a full queue backs off: 100 spins, then 100 yields, then 50 us parks.</li>
 * </ul>
 */
public final class Peers {
    private Peers() {}

    static FanOutDesign create(String name, int width, ItemWork work, CompletionGate gate) {
        return switch (name) {
            case "tpe" -> new ThreadPool(width, work, gate);
            case "abq-pool" -> new BlockingQueuePool(width, work, gate);
            case "abq-chunked64" -> new ChunkedQueuePool(width, work, gate, false);
            case "abq-chunked64-runs" -> new ChunkedQueuePool(width, work, gate, true);
            case "vt-semaphore" -> new VirtualPerItem(width, work, gate);
            case "vt-loop" -> new VirtualLoop(width, work, gate);
            case "reactor-flatmap" -> new ReactorFlatMap(Schedulers.newParallel("rx-flatmap", width, true), width, work, gate);
            case "reactor-flatmap-elastic" -> new ReactorFlatMap(
                    Schedulers.newBoundedElastic(width, 1 << 20, "rx-elastic", 60, true), width, work, gate);
            case "reactor-parallel" -> new ReactorParallel(width, work, gate);
            case "disruptor-sleeping" -> new DisruptorHandlers(width, work, gate, new SleepingWaitStrategy());
            case "disruptor-yielding" -> new DisruptorHandlers(width, work, gate, new YieldingWaitStrategy());
            case "jctools-pool" -> new SpinningQueuePool(width, work, gate);
            default -> throw new IllegalArgumentException("design: " + name
                    + " (expected: engine-..., tpe, abq-pool, abq-chunked64, abq-chunked64-runs, vt-semaphore, vt-loop, reactor-flatmap, reactor-flatmap-elastic,"
                    + " reactor-parallel, disruptor-sleeping, disruptor-yielding, jctools-pool)");
        };
    }

    /** Runs {@code work} on one item and reports it to the gate; a throw is reported as a failure. */
    static void runOne(ItemWork work, Integer item, CompletionGate gate) {
        try {
            work.apply(item);
            gate.arrive();
        } catch (Throwable t) {
            gate.fail(t);
        }
    }

    /** Runs {@code work} on each item of a chunk, then reports the chunk to the gate at once; a throw fails it. */
    static void runChunk(ItemWork work, Integer[] chunk, CompletionGate gate) {
        try {
            for (Integer x : chunk) work.apply(x);
            gate.arrive(chunk.length);
        } catch (Throwable t) {
            gate.fail(t);
        }
    }

    static ThreadFactory platformDaemons(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
    }

    static void joinAll(List<Thread> threads) throws InterruptedException {
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            if (t.isAlive()) throw new IllegalStateException("thread " + t.getName() + " did not stop within 30 s");
        }
    }

    static final class ThreadPool implements FanOutDesign {
        private final ThreadPoolExecutor pool;
        private final ItemWork work;
        private final CompletionGate gate;

        ThreadPool(int width, ItemWork work, CompletionGate gate) {
            this.work = work;
            this.gate = gate;
            this.pool = new ThreadPoolExecutor(width, width, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(Designs.QUEUE),
                    platformDaemons("tpe"), (r, ex) -> {
                        if (ex.isShutdown()) throw new RejectedExecutionException("pool shut down");
                        try {
                            ex.getQueue().put(r);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new RejectedExecutionException("interrupted while the queue was full", e);
                        }
                    });
            pool.prestartAllCoreThreads();
        }

        @Override
        public void push(Integer[] items) {
            for (Integer x : items) pool.execute(() -> runOne(work, x, gate));
        }

        @Override
        public void close() throws InterruptedException {
            pool.shutdown();
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) throw new IllegalStateException("tpe did not stop within 30 s");
        }
    }

    static final class BlockingQueuePool implements FanOutDesign {
        private static final Object STOP = new Object();
        private final ArrayBlockingQueue<Object> queue = new ArrayBlockingQueue<>(Designs.QUEUE);
        private final List<Thread> workers = new ArrayList<>();

        BlockingQueuePool(int width, ItemWork work, CompletionGate gate) {
            ThreadFactory f = platformDaemons("abq");
            for (int i = 0; i < width; i++) {
                Thread t = f.newThread(() -> {
                    try {
                        for (Object x = queue.take(); x != STOP; x = queue.take()) runOne(work, (Integer) x, gate);
                    } catch (InterruptedException e) {
                        gate.fail(e);
                    }
                });
                workers.add(t);
                t.start();
            }
        }

        @Override
        public void push(Integer[] items) throws InterruptedException {
            for (Integer x : items) queue.put(x);
        }

        @Override
        public void close() throws InterruptedException {
            for (int i = 0; i < workers.size(); i++) queue.put(STOP);
            joinAll(workers);
        }
    }

    static final class ChunkedQueuePool implements FanOutDesign {
        static final int CHUNK = 64;
        private static final Integer[] STOP = new Integer[0];
        private final ArrayBlockingQueue<Integer[]> queue = new ArrayBlockingQueue<>(Math.max(1, Designs.QUEUE / CHUNK));
        private final List<Thread> workers = new ArrayList<>();

        ChunkedQueuePool(int width, ItemWork work, CompletionGate gate, boolean perChunk) {
            ThreadFactory f = platformDaemons("abq-chunked");
            for (int i = 0; i < width; i++) {
                Thread t = f.newThread(() -> {
                    try {
                        for (Integer[] c = queue.take(); c != STOP; c = queue.take()) {
                            if (perChunk) runChunk(work, c, gate);
                            else for (Integer x : c) runOne(work, x, gate);
                        }
                    } catch (InterruptedException e) {
                        gate.fail(e);
                    }
                });
                workers.add(t);
                t.start();
            }
        }

        @Override
        public void push(Integer[] items) throws InterruptedException {
            for (int i = 0; i < items.length; i += CHUNK)
                queue.put(java.util.Arrays.copyOfRange(items, i, Math.min(items.length, i + CHUNK)));
        }

        @Override
        public void close() throws InterruptedException {
            for (int i = 0; i < workers.size(); i++) queue.put(STOP);
            joinAll(workers);
        }
    }

    static final class VirtualPerItem implements FanOutDesign {
        private final Semaphore permits;
        private final ItemWork work;
        private final CompletionGate gate;

        VirtualPerItem(int width, ItemWork work, CompletionGate gate) {
            this.permits = new Semaphore(width);
            this.work = work;
            this.gate = gate;
        }

        @Override
        public void push(Integer[] items) throws InterruptedException {
            Thread dispatcher = Thread.ofVirtual().name("vt-dispatch").start(() -> {
                try {
                    for (Integer x : items) {
                        permits.acquire();
                        Thread.ofVirtual().start(() -> {
                            try {
                                runOne(work, x, gate);
                            } finally {
                                permits.release();
                            }
                        });
                    }
                } catch (Throwable t) {
                    gate.fail(t);
                }
            });
            dispatcher.join();
        }

        @Override
        public void close() {}
    }

    /**
     * The ceiling of the I/O series: what N virtual threads on this machine and JDK can do with no hand-off at all.
     * Each op starts N virtual threads (from a virtual starter thread, as {@code vt-semaphore} dispatches); each loops
     * {@code i = next.getAndIncrement()} over the op's items until they run out, doing the work and
     * {@code gate.arrive()} per item. There is no queue, no lock, no wake-up per item and no thread start per item:
     * every remaining cost is the work itself (the timed park, its timer and the unmount/remount of the virtual
     * thread), the shared completion count, and the op's own ramp (N starts) and tail (the last wave).
     *
     * <p>It exists so that the I/O ratios of the real designs can be read against what the machine allows rather than
     * only against the Little's-law ideal {@code N / 1 ms}: a design at the ceiling has nothing left to gain in its own
     * code. It is not bounded by a queue (it has none) and is not a usable design: its input must be an array known
     * in advance.
     *
     * <p>Threading: {@link #push} is called by one thread; the workers of an op end on their own once its items are
     * claimed; the next push and {@link #close} join the previous op's workers (already finished, as the gate has seen
     * every item).
     */
    static final class VirtualLoop implements FanOutDesign {
        private final int width;
        private final ItemWork work;
        private final CompletionGate gate;
        private final List<Thread> workers = new ArrayList<>();

        VirtualLoop(int width, ItemWork work, CompletionGate gate) {
            this.width = width;
            this.work = work;
            this.gate = gate;
        }

        @Override
        public void push(Integer[] items) throws InterruptedException {
            joinAll(workers);
            workers.clear();
            AtomicInteger next = new AtomicInteger();
            Runnable loop = () -> {
                for (int i = next.getAndIncrement(); i < items.length; i = next.getAndIncrement()) runOne(work, items[i], gate);
            };
            Thread starter = Thread.ofVirtual().name("vt-loop-start").start(() -> {
                try {
                    for (int w = 0; w < width; w++) workers.add(Thread.ofVirtual().start(loop));
                } catch (Throwable t) {
                    gate.fail(t);
                }
            });
            starter.join(); // happens-before: the pushing thread sees every worker the starter added
        }

        @Override
        public void close() throws InterruptedException {
            joinAll(workers);
            workers.clear();
        }
    }

    static final class ReactorFlatMap implements FanOutDesign {
        private final Scheduler scheduler;
        private final int width;
        private final ItemWork work;
        private final CompletionGate gate;

        ReactorFlatMap(Scheduler scheduler, int width, ItemWork work, CompletionGate gate) {
            this.scheduler = scheduler;
            this.width = width;
            this.work = work;
            this.gate = gate;
        }

        @Override
        public void push(Integer[] items) {
            Flux.fromArray(items)
                    .flatMap(x -> Mono.fromCallable(() -> {
                        Integer r = work.apply(x);
                        gate.arrive();
                        return r;
                    }).subscribeOn(scheduler), width)
                    .doOnError(gate::fail)
                    .onErrorComplete()
                    .blockLast();
        }

        @Override
        public void close() { scheduler.dispose(); }
    }

    static final class ReactorParallel implements FanOutDesign {
        private final Scheduler scheduler;
        private final int width;
        private final ItemWork work;
        private final CompletionGate gate;

        ReactorParallel(int width, ItemWork work, CompletionGate gate) {
            this.scheduler = Schedulers.newParallel("rx-parallel", width, true);
            this.width = width;
            this.work = work;
            this.gate = gate;
        }

        @Override
        public void push(Integer[] items) {
            Flux.fromArray(items).parallel(width).runOn(scheduler)
                    .map(x -> {
                        try {
                            Integer r = work.apply(x);
                            gate.arrive();
                            return r;
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .sequential()
                    .doOnError(gate::fail)
                    .onErrorComplete()
                    .blockLast();
        }

        @Override
        public void close() { scheduler.dispose(); }
    }

    static final class DisruptorHandlers implements FanOutDesign {
        /** A ring slot. */
        static final class Slot { Integer value; }

        private final Disruptor<Slot> disruptor;
        private final RingBuffer<Slot> ring;

        DisruptorHandlers(int width, ItemWork work, CompletionGate gate, WaitStrategy wait) {
            disruptor = new Disruptor<>(Slot::new, Designs.QUEUE, platformDaemons("disruptor"), ProducerType.SINGLE, wait);
            @SuppressWarnings("unchecked")
            EventHandler<Slot>[] handlers = new EventHandler[width];
            for (int i = 0; i < width; i++) {
                final int mine = i;
                handlers[i] = (slot, sequence, endOfBatch) -> {
                    if (sequence % width == mine) runOne(work, slot.value, gate);
                };
            }
            disruptor.handleEventsWith(handlers);
            ring = disruptor.start();
        }

        @Override
        public void push(Integer[] items) {
            for (Integer x : items) {
                long s = ring.next();
                ring.get(s).value = x;
                ring.publish(s);
            }
        }

        @Override
        public void close() { disruptor.halt(); }
    }

    static final class SpinningQueuePool implements FanOutDesign {
        private final MpmcArrayQueue<Integer> queue = new MpmcArrayQueue<>(Designs.QUEUE);
        private final List<Thread> workers = new ArrayList<>();
        private volatile boolean running = true;

        SpinningQueuePool(int width, ItemWork work, CompletionGate gate) {
            ThreadFactory f = platformDaemons("jctools");
            for (int i = 0; i < width; i++) {
                Thread t = f.newThread(() -> {
                    int idle = 0;
                    while (running) {
                        Integer x = queue.poll();
                        if (x == null) idle = backOff(idle);
                        else {
                            idle = 0;
                            runOne(work, x, gate);
                        }
                    }
                });
                workers.add(t);
                t.start();
            }
        }

        /** Spin, then yield, then park 50 us; returns the next idle count. */
        static int backOff(int idle) {
            if (idle < 100) Thread.onSpinWait();
            else if (idle < 200) Thread.yield();
            else LockSupport.parkNanos(50_000);
            return idle + 1;
        }

        @Override
        public void push(Integer[] items) {
            for (Integer x : items) for (int idle = 0; !queue.offer(x); ) idle = backOff(idle);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            joinAll(workers);
        }
    }
}
