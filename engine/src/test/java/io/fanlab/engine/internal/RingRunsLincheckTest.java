package io.fanlab.engine.internal;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Lincheck: a {@link Ring} in run mode (runs of up to 2 in one slot) is linearizable against a sequential FIFO
 * queue of runs ({@link Spec}): an offer adds a run of one, a run offer (envelopes or raw) adds its items as ONE run,
 * a poll takes the head run whole. And, at capacity 2 ({@link AtCapacity}), single offers from one producer and
 * polls against a bounded FIFO queue of 2 items.
 *
 * <p>Forbidden outcomes: an item returned twice or never; runs out of FIFO order; a run split between two polls or
 * merged with another; an offer admitting past the capacity in items, or refusing while there is room in every
 * linearization. Unlike single slots ({@link RingLincheckTest}), a run is published by one store, so a poll sees a
 * run whole or not at all, and that is checked. Polls retry while items are reserved but not yet published (see
 * {@link RingLincheckTest} on the relaxed poll).
 *
 * <p>A relaxation by design, found by this test's model checker, and why run offers are checked where the ring never
 * fills: a run offer reserves its room in items (one CAS) and then claims its slot (another), so when two offers race
 * for the last room, the one that reserved first may get the later slot: each admitted what was free when it
 * reserved, FIFO holds by slot and the bound holds, but a partial admission ({@code offerRaw(..) == 1} at capacity 2)
 * next to a single offer published ahead of it has no sequential order. The queue promises "as many as fit" per
 * claim, not an atomic snapshot of the room. The bound under concurrency is checked by {@link AtCapacity} and by
 * {@code RingAndSleepersStressTest} ({@code size() <= capacity} in items throughout).
 */
@Param(name = "v", gen = IntGen.class, conf = "1:5") // runs add v and v + 100: a duplicate or lost element shows
public class RingRunsLincheckTest {
    private final Ring ring = new Ring(16, 2); // never full within a scenario (at most 8 operations of 2 items)

    @Operation
    public boolean offer(@Param(name = "v") int v) { return ring.offer(new Envelope(v, null, v), Long.MAX_VALUE); }

    @Operation
    public int offerRun(@Param(name = "v") int v) {
        return ring.offer(new Envelope[] {new Envelope(v, null, v), new Envelope(v + 100, null, v + 100)}, 0, 2, Long.MAX_VALUE);
    }

    @Operation
    public int offerRaw(@Param(name = "v") int v) {
        return ring.offerRaw(new Object[] {v + 200, v + 300}, 0, 2, "main");
    }

    @Operation
    public List<Integer> poll() { return poll(ring); }

    private static List<Integer> poll(Ring ring) {
        Envelope[] hand = new Envelope[2];
        RawRun[] raw = new RawRun[1];
        while (true) {
            int k = ring.poll(hand, 1, raw);
            if (k > 0) {
                List<Integer> out = new ArrayList<>();
                for (int j = 0; j < k; j++) out.add((Integer) (raw[0] != null ? raw[0].item(j) : hand[j].value));
                return out;
            }
            if (ring.size() == 0) return List.of();
            Thread.onSpinWait(); // reserved, not yet published
        }
    }

    /** The sequential specification: a FIFO queue of runs (never full here). */
    public static final class Spec {
        private final ArrayDeque<List<Integer>> q = new ArrayDeque<>();

        public boolean offer(int v) {
            q.addLast(List.of(v));
            return true;
        }

        public int offerRun(int v) {
            q.addLast(List.of(v, v + 100));
            return 2;
        }

        public int offerRaw(int v) {
            q.addLast(List.of(v + 200, v + 300));
            return 2;
        }

        public List<Integer> poll() {
            List<Integer> r = q.pollFirst();
            return r == null ? List.of() : r;
        }
    }

    /**
     * Run mode at capacity 2 items, single offers and polls: the bound in items under concurrency, with ONE producer
     * thread ({@code nonParallelGroup}) and concurrent pollers. Two producers racing for the last room may publish in
     * the other order than they reserved (the relaxation above): the long model check found exactly that history
     * here (a producer that reserved first, then lost its slot to one that reserved after a poll freed room), which
     * no bounded FIFO allows but an unordered stage, the only user of run mode, never promised otherwise.
     */
    @Param(name = "v", gen = IntGen.class, conf = "1:5")
    public static class AtCapacity {
        private final Ring ring = new Ring(2, 2);

        @Operation(nonParallelGroup = "producer")
        public boolean offer(@Param(name = "v") int v) { return ring.offer(new Envelope(v, null, v), Long.MAX_VALUE); }

        @Operation
        public List<Integer> poll() { return RingRunsLincheckTest.poll(ring); }

        /** A bounded FIFO queue of 2 items. */
        public static final class Spec {
            private final ArrayDeque<Integer> q = new ArrayDeque<>();

            public boolean offer(int v) {
                if (q.size() >= 2) return false;
                q.addLast(v);
                return true;
            }

            public List<Integer> poll() {
                Integer v = q.pollFirst();
                return v == null ? List.of() : List.of(v);
            }
        }
    }

    private static ModelCheckingOptions modelChecking(Class<?> spec, int iterations) {
        return new ModelCheckingOptions().sequentialSpecification(spec).iterations(iterations)
                .invocationsPerIteration(500).threads(3).actorsPerThread(2).actorsBefore(1).actorsAfter(1);
    }

    private static StressOptions stress(Class<?> spec, int iterations) {
        return new StressOptions().sequentialSpecification(spec).iterations(iterations)
                .invocationsPerIteration(1_000).threads(3).actorsPerThread(2).actorsBefore(1).actorsAfter(1);
    }

    @Test void modelCheckingShort() { modelChecking(Spec.class, 3).check(RingRunsLincheckTest.class); }
    // the long checks: 100 iterations of the run-mode ring took over 5 minutes here (the suite's default timeout)
    @Test @Tag("slow") @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void modelCheckingLong() { modelChecking(Spec.class, 50).invocationsPerIteration(5_000).check(RingRunsLincheckTest.class); }
    @Test void stressShort() { stress(Spec.class, 2).check(RingRunsLincheckTest.class); }
    @Test @Tag("slow") void stressLong() { stress(Spec.class, 200).invocationsPerIteration(10_000).check(RingRunsLincheckTest.class); }
    @Test void atCapacityModelCheckingShort() { modelChecking(AtCapacity.Spec.class, 3).check(AtCapacity.class); }
    @Test @Tag("slow") @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void atCapacityModelCheckingLong() { modelChecking(AtCapacity.Spec.class, 50).invocationsPerIteration(5_000).check(AtCapacity.class); }
    @Test void atCapacityStressShort() { stress(AtCapacity.Spec.class, 2).check(AtCapacity.class); }
}
