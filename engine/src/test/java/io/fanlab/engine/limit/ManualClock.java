package io.fanlab.engine.limit;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A nano clock tests move by hand. */
final class ManualClock implements LongSupplier {
    private final AtomicLong now = new AtomicLong();

    ManualClock() {}

    ManualClock(long start) { now.set(start); }

    @Override public long getAsLong() { return now.get(); }

    void advance(long nanos) { now.addAndGet(nanos); }

    void set(long nanos) { now.set(nanos); }
}
