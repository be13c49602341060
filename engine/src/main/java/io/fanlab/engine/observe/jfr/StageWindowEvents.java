package io.fanlab.engine.observe.jfr;

import io.fanlab.engine.observe.ServiceTimeSampling;
import io.fanlab.engine.observe.ServiceTimes;
import io.fanlab.engine.observe.StageStats;
import io.fanlab.engine.observe.WorkerStats;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Recording;

/**
 * Emits {@link StageWindowEvent}s for registered engines from one JFR periodic hook (registered once per JVM on
 * first use). Each registration keeps the previous snapshot of its stages and emits the deltas.
 *
 * <p>Implementation notes: JFR calls the hook only while a recording enables {@value StageWindowEvent#NAME}, on
 * its periodic-task thread, at the period of the enabling settings; the hook snapshots each engine once
 * ({@code stages()} reads counters, never blocks). The first call after registration or after a pause only primes
 * the snapshot (its window would span the time the event was off). A worker that disappeared by a shrink drops
 * out of the deltas; a new worker counts from zero.
 *
 * <p>Service-time percentiles: registering turns on {@link ServiceTimeSampling} while a running recording enables
 * {@value StageWindowEvent#NAME} (a recorder listener re-checks at every recording state change; the hook turns it on
 * as well, for a recording that ran before the registration), and off when none does. Workers then count each item's service time in their own fixed bucket array
 * ({@link io.fanlab.engine.observe.ServiceTimes}); each event's percentiles are the difference of two cumulative
 * snapshots, so nothing is reset or swapped and no item allocates.
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
            FlightRecorder.addListener(new FlightRecorderListener() {
                @Override public void recordingStateChanged(Recording recording) { syncSampling(); }
            }); // no check here: looking the event type up would initialise JFR in a JVM that records nothing
            hooked = true;
        }
    }

    private static void emitAll() {
        ServiceTimeSampling.set(true); // JFR calls this hook only while a recording enables the event
        for (Registration r : REGISTERED) r.emit();
    }

    /** Service times are recorded while some running recording enables the event (checked at every recording state change). */
    private static void syncSampling() {
        ServiceTimeSampling.set(EventType.getEventType(StageWindowEvent.class).isEnabled());
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
        ServiceTimes served = now.serviceTimes().minus(before.serviceTimes());
        e.serviceSamples = served.count();
        e.serviceP50 = served.percentileNanos(0.5);
        e.serviceP99 = served.percentileNanos(0.99);
        e.serviceMax = served.maxNanos();
    }
}
