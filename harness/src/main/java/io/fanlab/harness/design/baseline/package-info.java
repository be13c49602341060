/**
 * Baseline designs that a sweep puts beside the reference engine: a plain {@link java.util.concurrent.ThreadPoolExecutor}
 * with one submit per item ({@code tpe}) and a virtual thread per item behind a semaphore ({@code vt-per-item}).
 * They run every stage's work in sequence inside one task and declare no {@link io.fanlab.harness.design.Policy} (timeouts,
 * retries, hedging, limits, ordering, per-key, admission other than block); the runner names each ignored policy in the point's warnings.
 */
package io.fanlab.harness.design.baseline;
