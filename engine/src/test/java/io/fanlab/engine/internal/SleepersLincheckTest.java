package io.fanlab.engine.internal;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;


/**
 * Lincheck over the {@link Sleepers} wake protocol. Three threads, one operation each: the first to start is a
 * producer that publishes two items one at a time, each followed by the protocol's wake step (full fence, read the
 * sleepers' count, wake one if any: {@code RingStageQueue.afterPublish}); the other two are workers that each take
 * one item, parking in {@link Sleepers#await} while none is there (re-checking before they park, as
 * {@code RingStageQueue.take} does).
 *
 * <p>Forbidden outcomes: any interleaving that throws, or leaves a thread spinning or parked for ever (reported as a
 * hang); and, once every thread returned, a sleepers' count other than 0 (a claimed wait counted twice or never
 * uncounted: {@link #quiet}) or an item left (one taken twice or never).
 *
 * <p>What it does <em>not</em> prove: the lost wake-up itself. Lincheck's model checker lets {@code park} return
 * spuriously (a hang of this test's await loop is reported as a livelock, not a deadlock), so a worker that missed
 * its wake-up still finds the item; a control over a producer that reads the count <em>before</em> publishing (the
 * textbook lost wake-up) passed 5,000 interleavings here. The lost wake-up stays with
 * {@code RingAndSleepersStressTest.sleepersHandshake}, which checks that forbidden outcome on real threads.
 */
public class SleepersLincheckTest {
    /** Roles by arrival: the first operation to start is the producer, the others workers. */
    final AtomicInteger arrivals = new AtomicInteger();
    /** Items published and not yet taken. */
    final AtomicInteger items = new AtomicInteger();
    final Sleepers sleepers = new Sleepers();

    @Operation
    public void role() throws InterruptedException {
        if (arrivals.getAndIncrement() == 0) {
            for (int i = 0; i < 2; i++) publish();
        } else {
            takeOne();
        }
    }

    void publish() {
        items.incrementAndGet();
        VarHandle.fullFence();
        if (sleepers.count() > 0) sleepers.wakeOne();
    }

    void takeOne() throws InterruptedException {
        Sleepers.Sleeper me = new Sleepers.Sleeper(Thread.currentThread());
        while (true) {
            int n = items.get();
            if (n > 0 && items.compareAndSet(n, n - 1)) return;
            if (n > 0) continue;
            sleepers.await(me, () -> items.get() == 0);
        }
    }

    /** After every operation returned: nothing left, nobody counted as sleeping. */
    @Validate
    public void quiet() {
        if (items.get() != 0) throw new IllegalStateException("items left: " + items.get() + " (expected: 0, each taken once)");
        if (sleepers.count() != 0) throw new IllegalStateException("sleepers counted: " + sleepers.count() + " (expected: 0 once all returned)");
    }

    /** The sequential specification: every order of the three roles is acceptable; only hangs fail. */
    public static final class Spec {
        public void role() {}
    }

    static ModelCheckingOptions modelChecking(int iterations) {
        return new ModelCheckingOptions().sequentialSpecification(Spec.class).iterations(iterations).invocationsPerIteration(1_000)
                .threads(3).actorsPerThread(1).actorsBefore(0).actorsAfter(0);
    }

    static StressOptions stress(int iterations) {
        return new StressOptions().sequentialSpecification(Spec.class).iterations(iterations).invocationsPerIteration(1_000)
                .threads(3).actorsPerThread(1).actorsBefore(0).actorsAfter(0);
    }

    @Test void modelCheckingShort() { modelChecking(1).check(SleepersLincheckTest.class); }
    @Test @Tag("slow") void modelCheckingLong() { modelChecking(1).invocationsPerIteration(50_000).check(SleepersLincheckTest.class); }
    @Test void stressShort() { stress(2).check(SleepersLincheckTest.class); }
    @Test @Tag("slow") void stressLong() { stress(200).check(SleepersLincheckTest.class); }

}
