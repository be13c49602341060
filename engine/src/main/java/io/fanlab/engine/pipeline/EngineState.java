package io.fanlab.engine.pipeline;

/**
 * Lifecycle of a {@link FanOutEngine}:
 * {@code RUNNING -> DRAINING -> STOPPED} (close), {@code RUNNING|DRAINING -> CANCELLING -> STOPPED} (cancel, or a
 * close past its deadline), {@code RUNNING|DRAINING -> FAILED -> STOPPED} (a FAIL_FAST error cancels the engine on
 * its own thread; close or cancel then collects the report). Only RUNNING takes input.
 */
public enum EngineState { RUNNING, DRAINING, CANCELLING, FAILED, STOPPED }
