package io.fanlab.engine.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A run of submitted items without envelopes: {@code items[from..from+count)}, as {@code submitAll} gave them to a
 * stage whose workers take plain runs (see {@code StageRuntime}: the first and last stage of its path, unordered,
 * Batched, no key, no deadline, observer or start gate, inline work, and a listener that takes runs). One ring slot
 * holds one RawRun ({@link Ring#offerRaw}); the worker that takes it works on the items where they are.
 *
 * <p>Ownership: {@code items} belongs to the run once offered (the offering call made it and does not touch it
 * again); several runs may share one array, each its own segment. While a worker holds the run, a non-null element
 * is an item nobody decided yet: the worker decides the completed ones with its run claim (one CAS per run, see
 * {@code StageRuntime.Worker}), and only after a cancel gave up on the worker are elements claimed one by one, by
 * CAS to null ({@link #claim}), by the canceller or the worker, whoever wins. {@code firstSequence} is written
 * before the slot is published; the items' sequences are {@code firstSequence + j}.
 */
final class RawRun {
    private static final VarHandle ITEM = MethodHandles.arrayElementVarHandle(Object[].class);

    final Object[] items;
    final int from;
    final int count;
    /** The exit the items head for (the pipeline's main exit). */
    final String exit;
    long firstSequence;

    RawRun(Object[] items, int from, int count, String exit) {
        this.items = items;
        this.from = from;
        this.count = count;
        this.exit = exit;
    }

    /** The j-th item, or null when it was claimed (a volatile read). */
    Object item(int j) { return ITEM.getVolatile(items, from + j); }

    /** Claims the j-th item (CAS to null). @return the item if this caller won it, else null */
    Object claim(int j) {
        Object x = ITEM.getVolatile(items, from + j);
        return x != null && ITEM.compareAndSet(items, from + j, x, null) ? x : null;
    }

    /** An envelope for the j-th item (its path leaves the plain run: a failure, a cancel, a drain). */
    Envelope envelope(int j, Object item) {
        Envelope e = new Envelope(item, exit, item);
        e.sequence = firstSequence + j;
        return e;
    }
}
