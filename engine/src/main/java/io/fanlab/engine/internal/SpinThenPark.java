package io.fanlab.engine.internal;

import java.util.function.BooleanSupplier;

/**
 * The spin phase of every idle wait in a stage (a worker with no items, a producer facing a full ring or a full
 * reorder window): a wake-up (park + unpark) costs several microseconds of CPU on each side, more than a run of small
 * items, so a waiter first busy-waits a little for its condition and parks only if it did not come.
 *
 * <p>Bounded: {@value #SPINS} {@link Thread#onSpinWait} hints (about 15 ns each on these machines: 2 us for the 128,
 * measured under load), then {@value #YIELDS} {@link Thread#yield}s (none now: a yield hands the core to a runnable
 * thread, e.g. the producer it waits for, but one yield can cost a time slice, milliseconds, on an oversubscribed
 * machine; see {@link #YIELDS}); then the caller parks in its own way ({@link Sleepers}, a condition, the reorder
 * buffer). So an idle worker spins for well under 10 us before it parks: a hand-off to a worker idle for longer pays
 * one park/unpark (about 20 us on this VM; bench/README.md, "Hand-off latency"). Callers also bound how many threads
 * spin at once (a stage lets one worker spin), so idle threads never burn the cores the work needs.
 */
final class SpinThenPark {
    /** Spin hints before yielding. */
    static final int SPINS = 128;
    /** Yields after the spin hints, before the caller parks. */
    /*
     * 0 (was 16): on a machine with more runnable threads than cores, each Thread.yield gave the core away for a
     * whole scheduling round (milliseconds at a load average of 25 on 2 vCPUs), and a producer and a worker both
     * yielding stalled the hand-off: the engine fell to a tenth of the chunked ArrayBlockingQueue pool at width 1,
     * ~0.4 us per item, and width 64, work ~0 (alternating JVM pairs, bench/results/2026-12-07T0340-yields-ab.md;
     * 5 of 6 pairs better without yields). A parked thread is woken when its condition comes instead.
     */
    static final int YIELDS = 0;

    private SpinThenPark() {}

    /**
     * Spins, then yields, until {@code ready} holds.
     * @param ready read once per round; must be cheap and must not block
     * @return true as soon as {@code ready} held, false when the rounds ran out (the caller re-checks and parks)
     */
    static boolean spin(BooleanSupplier ready) {
        for (int i = 0; i < SPINS + YIELDS; i++) {
            if (ready.getAsBoolean()) return true;
            if (i < SPINS) Thread.onSpinWait();
            else Thread.yield();
        }
        return false;
    }
}
