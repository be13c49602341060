/**
 * Capture of a point's measured window, in the point's own JVM: a JDK Flight Recorder recording with fanlab's
 * low-overhead settings ({@code fanlab-window.jfc}, summarised by {@link io.fanlab.harness.capture.JfrSummary}) and
 * async-profiler ({@link io.fanlab.harness.capture.AsyncProfilerWindow}: flame graphs and collapsed stacks per
 * event), started when the window starts and stopped when it ends, as JMH's profilers do (never warmup or drain).
 * {@link io.fanlab.harness.capture.WindowCapture} runs both. The collapsed stacks are read and compared by the
 * reports module ({@code io.fanlab.reports.profile}), the owner of the run directory's formats. One CPU sampler per
 * window: when async-profiler samples {@code cpu} (or {@code itimer}), the recording leaves out JFR's
 * {@code jdk.ExecutionSample}. The JFR summary reads the engine's stage windows, service-time percentiles included.
 *
 * <p>Lifecycle: {@code prepare} (before warmup: loads the native library, initialises JFR, so the window's start
 * costs milliseconds, not the 0.2-0.6 s of a first use) -> {@code start} (window start) -> {@code stop} (window
 * end: stops both, writes the raw files) -> {@code finish} (after the point: converts, parses, summarises). What
 * cannot be captured is named with its reason ("not captured: ...") and becomes a validity warning, or, when the
 * scenario says {@code required: true}, fails the point with {@link io.fanlab.harness.capture.CaptureUnavailableException}.
 *
 * <p>Threading: one capture per point JVM; {@code prepare}, {@code start}, {@code stop} and {@code finish} are
 * called in that order, from any threads, each once (start and stop are synchronized). async-profiler allows one
 * profiling session per JVM.
 */
package io.fanlab.harness.capture;
