package io.fanlab.engine.internal;

import io.fanlab.engine.Outcome;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/** A stage as a {@link StageQueue} sees it, without workers or a pipeline: flags to set, counts and endings to read. */
final class TestQueueHost implements StageQueue.Host {
    volatile boolean closed, externalClosed, stopWhenEmpty;
    volatile int width = 1;
    volatile ReorderBuffer reorder;
    final AtomicLong admitted = new AtomicLong();
    final AtomicLong observed = new AtomicLong();
    /** Items the queue ended itself (shed or cancelled), with their outcome. */
    final Queue<Ended> ended = new ConcurrentLinkedQueue<>();

    record Ended(Envelope e, Outcome outcome) {}

    final ReorderBuffer.Sink sink = new ReorderBuffer.Sink() {
        @Override public void emit(Envelope e) {}
        @Override public void cancelled(Envelope e) {}
    };

    /** When >= 0: {@link #closed()} reads left before the host closes itself (a cancel landing mid-offer). */
    final java.util.concurrent.atomic.AtomicInteger readsBeforeClose = new java.util.concurrent.atomic.AtomicInteger(-1);

    @Override public boolean closed() {
        if (readsBeforeClose.get() >= 0 && readsBeforeClose.getAndDecrement() == 0) closed = true;
        return closed;
    }
    @Override public boolean externalClosed() { return externalClosed; }
    @Override public boolean stopWhenEmpty() { return stopWhenEmpty; }
    @Override public int width() { return width; }
    @Override public ReorderBuffer reorder() { return reorder; }
    @Override public ReorderBuffer.Sink inOrder() { return sink; }
    @Override public boolean timed() { return false; }
    @Override public long now() { return 0; }
    @Override public void count(boolean external, int n) { admitted.addAndGet(n); }
    @Override public void admitted(Envelope e) { observed.incrementAndGet(); }
    @Override public void admitted(Envelope[] items, int from, int to) { observed.addAndGet(to - from); }
    @Override public void end(Envelope e, Outcome o) { ended.add(new Ended(e, o)); }

    @Override
    public void refused(Envelope e, boolean external) { // as the stage does
        if (external) throw new IllegalStateException("refused");
        admitted.incrementAndGet();
        ended.add(new Ended(e, Outcome.CANCELLED));
    }

    long endedAs(Outcome o) { return ended.stream().filter(x -> x.outcome() == o).count(); }
}
