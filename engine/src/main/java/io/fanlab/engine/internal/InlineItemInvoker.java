package io.fanlab.engine.internal;

import io.fanlab.engine.Work;

import java.util.concurrent.CancellationException;

/**
 * Runs the work once, inline on the worker thread: no timeout, no retry, no hedge. A throw is FAILED unless the
 * item was cancelled meanwhile (then CANCELLED, as is a {@link CancellationException} or {@link InterruptedException}
 * thrown after cancellation). A result returned after cancellation is still reported COMPLETED; the stage decides
 * that a cancelled stage drops it.
 */
public final class InlineItemInvoker implements ItemInvoker {
    private final Work<Object, Object> work;

    public InlineItemInvoker(Work<Object, Object> work) {
        this.work = work;
    }

    /** The stage's work (a stage's plain-run loop calls it directly, see {@code StageRuntime}). */
    Work<Object, Object> work() { return work; }

    @Override
    public void invoke(Object input, ItemContext context, Invocation into) {
        into.attempts = 1;
        try {
            into.completed(work.apply(input, context));
        } catch (Throwable t) {
            if (context.isCancelled()) into.cancelled();
            else into.failed(t);
        }
    }
}
