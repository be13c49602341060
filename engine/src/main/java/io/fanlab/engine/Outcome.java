package io.fanlab.engine;

/** The terminal state of an item. Every item that enters a stage or pipeline ends in exactly one of these. */
public enum Outcome {
    COMPLETED, FAILED, SHED, TIMED_OUT, CANCELLED, DEAD_LETTERED
}
