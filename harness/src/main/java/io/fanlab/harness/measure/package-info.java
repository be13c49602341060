/**
 * The measurement core of a point: what happens when an item is offered and when a design reports it terminal.
 * {@link io.fanlab.harness.measure.CompletionSink} turns those two events into the point's counts, latency
 * populations (response, service, scatter-gather request), Little's law figures and censored items;
 * {@link io.fanlab.harness.measure.RequestJoins} decides each scatter-gather request exactly once (and the sink
 * then cancels a first or quorum join's losers through the design's cancel handle);
 * {@link io.fanlab.harness.measure.TopKeys} finds the hot keys; {@link io.fanlab.harness.measure.DeadLetters}
 * keeps a bounded sample of dead-lettered items for the run directory. The sink also counts, live, the values of
 * a latency population above a bound ({@code countAbove}: the early stop's figures; registered before the first
 * item, read by the sampler).
 *
 * <p>Threading: {@code submitted} and {@code complete} may be called concurrently from any thread and do not block
 * (lock-free counters and maps; {@link io.fanlab.harness.measure.TopKeys} takes a short lock). Reading figures is
 * for one reader thread (the sampler during the run, the runner after it). Time comes from an injected
 * {@code LongSupplier} nano clock, so every rule here is unit-tested with a manual clock. Units: nanoseconds at the
 * API, microseconds inside latency histograms (see {@link io.fanlab.harness.probe.LatencyProbe}). Cancelling a
 * loser runs the design's handle on the thread that reported the deciding item, inside {@code complete}; a design
 * may report the loser from that handle at once, so {@code complete} is re-entrant (it holds no lock across it).
 */
package io.fanlab.harness.measure;
