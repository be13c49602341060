/**
 * JDK Flight Recorder events about a running engine: one {@link io.fanlab.engine.observe.jfr.StageWindowEvent}
 * per stage every period (100 ms in fanlab's settings), built from the public {@link
 * io.fanlab.engine.observe.StageStats} snapshots, never one event per item (an enabled event costs about 60 ns on
 * these machines; a snapshot every 100 ms costs nothing per item). Service-time percentiles come from per-worker
 * bucket counts ({@link io.fanlab.engine.observe.ServiceTimes}) that workers keep only while a recording enables the
 * event: two clock reads and one counter per item, no allocation, no event.
 *
 * <p>Off by default: the event is {@code @Enabled(false) @StackTrace(false)}, so a production {@code jcmd
 * JFR.start} with the JDK's default settings does not switch it on; a settings file enables {@code
 * fanlab.StageWindow} with a period. Register an engine with {@link
 * io.fanlab.engine.observe.jfr.StageWindowEvents#register}; close the registration when the engine stops.
 *
 * <p>Threading: registration is thread-safe; the snapshots are taken on JFR's periodic-task thread, which calls
 * the engine's {@code stages()} (non-blocking). Dependencies: the JDK's {@code jdk.jfr} module only.
 */
package io.fanlab.engine.observe.jfr;
