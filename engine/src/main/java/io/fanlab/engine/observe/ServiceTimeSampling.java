package io.fanlab.engine.observe;

/**
 * The process-wide switch for recording every stage's {@link ServiceTimes}: off unless something reads them. The
 * engine's JFR support ({@code io.fanlab.engine.observe.jfr.StageWindowEvents}) turns it on while a recording
 * enables the stage window event and off when none does, so an engine outside such a recording reads no clock per
 * item for it.
 *
 * <p>While on, each worker reads the engine's clock before and after every item's work and counts the difference
 * in its own bucket array (about 2 x 20 ns per item on these machines; no allocation after the worker's first item).
 * Threading: a volatile flag, read once per item by every worker; a worker sees a change within an item or two.
 */
public final class ServiceTimeSampling {
    private static volatile boolean on;

    private ServiceTimeSampling() {}

    /** Whether workers record service times now. */
    public static boolean isOn() { return on; }

    /** Turns recording on or off for every engine of this JVM (the counts recorded so far are kept). */
    public static void set(boolean recording) { on = recording; }
}
