package io.fanlab.engine.pipeline;

/**
 * An item whose worker did not stop within the cancel bound (its work ignored interruption and the token). The
 * item was counted CANCELLED once, when the bound passed; the result its work may still produce is ignored.
 *
 * @param stage    stage name
 * @param sequence the item's sequence in that stage
 * @param item     the item's input to that stage
 * @param thread   the name of the worker thread still running it
 */
public record StuckItem(String stage, long sequence, Object item, String thread) {}
