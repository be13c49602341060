package io.fanlab.engine.spec;

/** What a stage does when an item's work fails after its retries. */
public enum ErrorPolicy {
    /** The first failure cancels the whole pipeline; the item ends FAILED, the rest CANCELLED. */
    FAIL_FAST,
    /** Count the failure, end the item FAILED and go on. */
    CONTINUE,
    /** End the item DEAD_LETTERED and keep it with its cause for inspection. */
    DEAD_LETTER
}
