/**
 * Building and running fan-out pipelines: {@link io.fanlab.engine.pipeline.Pipeline} (immutable typed
 * description: linear, branch, diamond, loop), {@link io.fanlab.engine.pipeline.FanOutEngine} (running engine:
 * submit, width changes, stats, close and cancel), {@link io.fanlab.engine.pipeline.TerminalListener} (exactly one
 * call per item per exit) and {@link io.fanlab.engine.pipeline.ShutdownReport}.
 *
 * <p>Conservation: every item admitted ends in exactly one terminal {@link io.fanlab.engine.Outcome} per exit; the
 * per-stage and pipeline {@link io.fanlab.engine.observe.Tally} always add up and show {@code inFlight == 0} after
 * close or cancel (unless a listener call itself never returned).
 *
 * <p>Threading: engines are thread-safe; listener and observer are called on engine threads concurrently.
 * Stages whose spec asks for timeout, retry, hedge, concurrency limit, rate limit or bulkhead run without them
 * until the policy packages are plugged in (see {@code io.fanlab.engine.internal}).
 */
package io.fanlab.engine.pipeline;
