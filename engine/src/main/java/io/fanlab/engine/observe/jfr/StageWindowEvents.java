package io.fanlab.engine.observe.jfr;

import io.fanlab.engine.observe.StageStats;
import io.fanlab.engine.observe.WorkerStats;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import jdk.jfr.FlightRecorder;

/**
 * Emits {@link StageWindowEvent}s for registered engines from one JFR periodic hook (registered once per JVM on
 * first use). Each registration keeps the previous snapshot of its stages and emits the deltas.
 *
 * <p>Implementation notes: JFR calls the hook only while a recording enables {@value StageWindowEvent#NAME}, on
 * its periodic-task thread, at the period of the enabling settings; the hook snapshots each engine once
 * ({@code stages()} reads counters, never blocks). The first call after registration or after a pause only primes
 * the snapshot (its window would span the time the event was off). A worker that disappeared by a shrink drops
 * out of the deltas; a new worker counts from zero.
 */
public final class StageWindowEvents {
    private StageWindowEvents() {}

    private static final List<Registration> REGISTERED = new CopyOnWriteArrayList<>();
    private static volatile boolean hooked;

    /**
     * Starts reporting {@code stages} (typically {@code engine::stages}) under {@code engine}'s name.
     *
     * @return the registration; close it when the engine stops (idempotent)
     */
    public static Registration register(String engine, Supplier<List<StageStats>> stages) {
        return register(engine, stages, System::nanoTime);
    }

    /** As {@link #register(String, Supplier)}, with the clock that times the windows (tests). */
    public static Registration register(String engine, Supplier<List<StageStats>> stages, LongSupplier nanoClock) {
        Registration r = new Registration(Objects.requireNonNull(engine, "engine"), Objects.requireNonNull(stages, "stages"),
                Objects.requireNonNull(nanoClock, "nanoClock"));
        hookOnce();
        REGISTERED.add(r);
        return r;
    }

    private static void hookOnce() {
        if (hooked) return;
        synchronized (StageWindowEvents.class) {
            if (hooked) return;
            FlightRecorder.addPeriodicEvent(StageWindowEvent.class, StageWindowEvents::emitAll);
            hooked = true;
        }
    }

    private static void emitAll() {
        for (Registration r : REGISTERED) r.emit();
    }

    /** One engine's registration; {@link #close()} stops its events. */
    public static final class Registration implements AutoCloseable {
        private final String engine;
        private final Supplier<List<StageStats>> stages;
        private final LongSupplier clock;
        // touched only by JFR's periodic thread (emitAll is not re-entered)
        private final Map<String, Previous> previous = new HashMap<>();

        private record Previous(long at, StageStats stats) {}

        private Registration(String engine, Supplier<List<StageStats>> stages, LongSupplier clock) {
            this.engine = engine;
            this.stages = stages;
            this.clock = clock;
        }

        /** Emits one event per stage for the window since the previous call (primes on the first). */
        void emit() {
            List<StageStats> now;
            try {
                now = stages.get();
            } catch (RuntimeException e) {
                return; // an engine that cannot be read reports nothing this period
            }
            long at = clock.getAsLong();
            for (StageStats s : now) {
                Previous p = previous.put(s.name(), new Previous(at, s));
                if (p == null || at <= p.at()) continue;
                StageWindowEvent e = new StageWindowEvent();
                if (!e.isEnabled()) continue;
                fill(e, engine, s, p.stats(), at - p.at());
                e.commit();
            }
        }

        @Override public void close() { REGISTERED.remove(this); }
    }

    /** Fills {@code e} with the window from {@code before} to {@code now}, {@code windowNanos} long. */
    static void fill(StageWindowEvent e, String engine, StageStats now, StageStats before, long windowNanos) {
        e.engine = engine;
        e.stage = now.name();
        e.width = now.width();
        e.windowNanos = windowNanos;
        e.itemsIn = now.in() - before.in();
        e.itemsOut = now.out() - before.out();
        e.errors = now.errors() - before.errors();
        e.shed = now.shed() - before.shed();
        Map<Integer, WorkerStats> old = new HashMap<>();
        for (WorkerStats w : before.workers()) old.put(w.index(), w);
        long busy = 0, items = 0, busiest = 0;
        for (WorkerStats w : now.workers()) {
            WorkerStats o = old.get(w.index());
            long dBusy = Math.max(0, w.busyNanos() - (o == null ? 0 : o.busyNanos()));
            long dItems = Math.max(0, w.items() - (o == null ? 0 : o.items()));
            busy += dBusy;
            items += dItems;
            busiest = Math.max(busiest, dItems);
        }
        e.busyNanos = busy;
        e.utilisation = now.width() == 0 ? 0 : Math.min(1.0, busy / ((double) windowNanos * now.width()));
        e.busyPerItemNanos = items == 0 ? 0 : busy / items;
        e.busiestWorkerShare = items == 0 ? 0 : busiest / (double) items;
        e.queueDepth = now.queueDepth();
        e.inflight = now.inflight();
        e.limit = now.currentLimit();
        e.reorderDepth = now.reorderDepth();
    }
}
