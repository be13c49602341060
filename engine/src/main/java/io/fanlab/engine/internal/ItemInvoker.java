package io.fanlab.engine.internal;

import io.fanlab.engine.Work;
import io.fanlab.engine.spec.StageSpec;

/**
 * Runs all attempts of one item on the calling worker thread and writes the item's outcome into an
 * {@link Invocation}. Must not throw: every failure of the work becomes FAILED, cancellation (the context's token
 * or an interrupt while it is set) becomes CANCELLED. Called concurrently by different workers, each with its own
 * context and invocation.
 */
public interface ItemInvoker {
    void invoke(Object input, ItemContext context, Invocation into);

    /**
     * The invoker for a stage.
     * PLUG-IN: the resilience {@code AttemptRunner} (timeout, retry, hedge per {@code spec.timeout/retry/hedge})
     * replaces {@link InlineItemInvoker} here; until then those three settings are not applied.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static ItemInvoker forStage(StageSpec spec, Work<?, ?> work) {
        return new InlineItemInvoker((Work) work);
    }
}
