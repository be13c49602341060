/**
 * The reference engine as designs: {@code engine} runs the scenario's pipeline exactly as configured; the
 * variants override one choice on every stage so a sweep can compare them side by side: {@code engine-sharded},
 * {@code engine-stealing}, {@code engine-batched} (dispatch), {@code engine-virtual} (virtual-thread workers) and {@code engine-no-hedge}
 * (hedge policies removed: the baseline a hedging scenario compares against; it declares no hedge capability, so
 * the run warns that it ignores the hedge).
 * Per-key stages keep their dispatch (per-key routing needs a shard per worker).
 */
package io.fanlab.harness.design.engine;
