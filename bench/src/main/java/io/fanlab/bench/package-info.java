/**
 * JMH benchmarks of the fanlab engine against other JVM fan-out mechanisms.
 *
 * <p>One benchmark operation pushes a fixed number of pre-boxed {@link java.lang.Integer} items through a fan-out
 * stage of width N (a {@link io.fanlab.bench.FanOutDesign}) and waits until every item's work has finished, checking
 * the count with a {@link io.fanlab.bench.CompletionGate}; scores are items per second
 * ({@code @OperationsPerInvocation(items)}; the I/O benchmark, whose op size depends on the width, counts its items in
 * a JMH {@code @AuxCounters} result named {@code items}). Work per item is a {@link io.fanlab.bench.ItemWork}: a calibrated CPU loop
 * ({@code Blackhole.consumeCPU}) or a 1 ms park.
 *
 * <p>Threading: a design is built in a trial-level setup, pushed into by the single JMH benchmark thread, and closed in
 * the trial-level teardown; its workers call the gate concurrently. Every design's queues are bounded (1024 slots)
 * and a full queue blocks (or spins, for the lock-free peers) the pushing thread.
 *
 * <p>{@link io.fanlab.bench.Summary} turns JMH JSON results into the markdown table and target ratios of
 * {@code bench/README.md}.
 */
package io.fanlab.bench;
