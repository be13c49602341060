/**
 * Building and running fan-out pipelines: {@link io.fanlab.engine.pipeline.Pipeline} (immutable typed
 * description: linear, branch, diamond, loop), {@link io.fanlab.engine.pipeline.FanOutEngine} (running engine:
 * submit, width changes, stats, close and cancel), {@link io.fanlab.engine.pipeline.TerminalListener} (exactly one
 * call per item per exit; a {@link io.fanlab.engine.pipeline.BatchTerminalListener} also takes completed items as
 * runs, one call per worker run) and {@link io.fanlab.engine.pipeline.ShutdownReport}.
 *
 * <p>Conservation: every item admitted ends in exactly one terminal {@link io.fanlab.engine.Outcome} per exit; the
 * per-stage and pipeline {@link io.fanlab.engine.observe.Tally} always add up and show {@code inFlight == 0} after
 * close or cancel (unless a listener call itself never returned).
 *
 * <p>Policies: every {@link io.fanlab.engine.spec.StageSpec} setting is applied: timeout, retry and hedge per item
 * (attempts with a timeout or hedge run on their own virtual threads), concurrency limit, rate limit and bulkhead
 * before an item starts. Per-item inputs of those policies (tenant, weight) come from {@link
 * io.fanlab.engine.pipeline.ItemTraits}. See {@code engine/POLICIES.md}.
 *
 * <p>Threading: engines are thread-safe; listener and observer are called on engine threads concurrently.
 */
package io.fanlab.engine.pipeline;
