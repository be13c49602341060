package io.fanlab.engine.spec;

/** Output order of a stage. */
public sealed interface Order {
    /** Items leave in completion order. */
    record Unordered() implements Order {}

    /**
     * Items leave in input-sequence order. At most {@code window} items may be admitted beyond the oldest
     * unfinished one; when the window is full the stage stops taking input (back-pressure) instead of growing
     * its reorder buffer. The buffer depth is reported as a gauge.
     */
    record Ordered(int window) implements Order {
        public Ordered { Check.atLeast("order", "window", window, 1); }
    }

    Order UNORDERED = new Unordered();
}
