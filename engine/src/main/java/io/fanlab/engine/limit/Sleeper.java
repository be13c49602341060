package io.fanlab.engine.limit;

import java.util.concurrent.TimeUnit;

/**
 * Waits for a duration. Exists so that waiting code (token buckets, retry backoff) can be tested with a fake that
 * advances a manual clock instead of sleeping.
 */
@FunctionalInterface
public interface Sleeper {
    /** Sleeps about {@code nanos} nanoseconds (returns at once when {@code nanos <= 0}); interruptible. */
    void sleepNanos(long nanos) throws InterruptedException;

    /** The real one: {@link TimeUnit#sleep}, which parks a virtual thread without pinning its carrier. */
    Sleeper SYSTEM = nanos -> {
        if (nanos > 0) TimeUnit.NANOSECONDS.sleep(nanos);
        else if (Thread.interrupted()) throw new InterruptedException();
    };
}
