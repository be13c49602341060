package io.fanlab.harness.design;

import java.util.function.BooleanSupplier;

/**
 * The scenario's work for one stage, supplied by the harness. Thread-safe; call from any worker thread.
 * Throws when the item fails in this stage (injected error, downstream 503, ...). Blocking work answers
 * interruption with {@link InterruptedException}; {@code cancelled} lets CPU work stop cooperatively.
 */
@FunctionalInterface
public interface StageWork {
    void run(Item item, BooleanSupplier cancelled) throws Exception;
}
