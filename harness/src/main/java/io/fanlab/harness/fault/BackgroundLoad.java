package io.fanlab.harness.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Background faults that need threads of their own: GcPressure (one allocating thread) and CpuHog (busy threads).
 * Every thread is a daemon platform thread named {@code fanlab-fault-...}; {@link ActiveFault#revoke()} stops and
 * joins them (the join is not abandoned on interruption; the interrupt is re-asserted afterwards). The threads
 * poll a volatile flag at least every 10 ms, so revocation is prompt.
 */
final class BackgroundLoad implements ActiveFault {
    /** Allocation pacing tick. */
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Largest single allocation, kept below typical G1 region halves so chunks are not humongous. */
    static final int CHUNK_BYTES = 256 * 1024;
    /** Upper bound of what the storm keeps reachable at once. */
    static final long MAX_RETAINED_BYTES = 32L * 1024 * 1024;

    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;
    private volatile long allocatedBytes;
    private volatile long spins;
    @SuppressWarnings("unused") private volatile long sink;

    private BackgroundLoad() { }

    /**
     * Starts an allocation storm of {@code bytesPerSecond}: every 10 ms the thread allocates the bytes due so far in
     * chunks of at most 256 KiB, writes one byte per 4 KiB page so the allocation cannot be elided, and puts each
     * chunk into a ring that keeps the most recent {@code min(bytesPerSecond / 4, 32 MiB)} reachable (about the
     * last 250 ms). Most chunks die young; chunks that are still in the ring when a young collection runs survive
     * it, and with frequent young collections some reach the tenuring threshold and are promoted, so the storm
     * also feeds the old generation occasionally (the point of the fault: mixed/old collections, not only cheap
     * young ones). Its CPU and memory bandwidth compete with the measured work, as a noisy neighbour's would.
     */
    static BackgroundLoad allocationStorm(long bytesPerSecond) {
        BackgroundLoad load = new BackgroundLoad();
        long retain = Math.max(CHUNK_BYTES, Math.min(bytesPerSecond / 4, MAX_RETAINED_BYTES));
        int slots = (int) Math.max(1, retain / CHUNK_BYTES);
        load.start("fanlab-fault-gc", () -> load.allocate(bytesPerSecond, slots));
        return load;
    }

    /** Starts {@code threads} platform threads that spin on arithmetic until revoked. */
    static BackgroundLoad cpuHog(int threads) {
        BackgroundLoad load = new BackgroundLoad();
        for (int i = 0; i < threads; i++) load.start("fanlab-fault-cpuhog-" + i, load::spin);
        return load;
    }

    private void start(String name, Runnable body) {
        Thread t = Thread.ofPlatform().name(name).daemon(true).unstarted(body);
        threads.add(t);
        t.start();
    }

    private void allocate(long bytesPerSecond, int slots) {
        byte[][] ring = new byte[slots][];
        int next = 0;
        long begin = System.nanoTime();
        long done = 0;
        long checksum = 0;
        while (running) {
            long elapsed = System.nanoTime() - begin;
            long due = (long) (bytesPerSecond * (elapsed / 1e9));
            while (done < due && running) {
                int size = (int) Math.min(CHUNK_BYTES, due - done);
                byte[] chunk = new byte[size];
                for (int i = 0; i < size; i += 4096) chunk[i] = (byte) (done + i);
                checksum += chunk[size - 1];
                ring[next] = chunk;
                next = (next + 1) % slots;
                done += size;
            }
            allocatedBytes = done;
            sink = checksum;
            LockSupport.parkNanos(TICK_NANOS);
        }
    }

    private void spin() {
        long x = Thread.currentThread().threadId();
        while (running) {
            for (int i = 0; i < 100_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
                x ^= x >>> 29;
            }
            spins++;
            sink = x; // the result is published, so the JIT cannot remove the loop
        }
    }

    /** Bytes allocated so far (storm); for tests. */
    long allocatedBytes() { return allocatedBytes; }

    /** Outer loops done so far (hog); for tests. */
    long spins() { return spins; }

    List<Thread> threads() { return List.copyOf(threads); }

    @Override
    public void revoke() {
        running = false;
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
