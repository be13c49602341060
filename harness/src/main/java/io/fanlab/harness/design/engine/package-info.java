/**
 * The reference engine as designs: {@code engine} runs the scenario's pipeline exactly as configured; the
 * variants override one choice on every stage so a sweep can compare them side by side: {@code engine-sharded},
 * {@code engine-stealing}, {@code engine-batched} (dispatch) and {@code engine-virtual} (virtual-thread workers).
 * Per-key stages keep their dispatch (per-key routing needs a shard per worker).
 */
package io.fanlab.harness.design.engine;
