/**
 * Probes: wait-free latency and counter recording on worker threads, read by one reporter thread.
 *
 * <p>Threading: {@code record*} methods may be called concurrently from any number of threads and never block
 * (HdrHistogram {@link org.HdrHistogram.Recorder} underneath, a writer-reader phaser). {@code flip}/snapshot
 * methods are for a single reader thread at a time. Units: microseconds inside histograms, nanoseconds at the API.
 */
package io.fanlab.harness.probe;
