package io.fanlab.harness.design;

import io.fanlab.engine.Outcome;

/**
 * Where a design reports each item's terminal state. Contract: exactly one call per submitted item, from any
 * thread, including items shed at admission and items cancelled by {@code cancel}. Thread-safe, non-blocking.
 */
@FunctionalInterface
public interface Completions {
    void complete(Item item, Outcome outcome, Throwable cause);
}
