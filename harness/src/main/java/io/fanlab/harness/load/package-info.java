/**
 * Load models: what the run offers and when. {@link io.fanlab.harness.load.LoadSpec} and
 * {@link io.fanlab.harness.load.Rate} describe the load; {@link io.fanlab.harness.load.ArrivalSchedule} turns an
 * open arrival shape (plus load-spike faults), or a {@link io.fanlab.harness.load.RecordedTrace} replayed at a speed,
 * into a deterministic sequence of intended start offsets (a replay's ends after its last row);
 * {@link io.fanlab.harness.load.OpenLoadGenerator} submits items at those intended times on one dedicated platform
 * thread and measures how late it was; {@link io.fanlab.harness.load.ClosedLoadGenerator} runs one virtual thread
 * per user.
 *
 * <p>Contract: the open model never waits for the system: items carry their <em>intended</em> start, so latency
 * measured from it includes any queueing the generator suffered (no coordinated omission). The generator's own
 * lateness is reported separately in {@link io.fanlab.harness.load.GeneratorStats} and judged by a named rule. The
 * open model has a deadline (the end offset plus the missed-start threshold): arrivals it could not hand over by
 * then are counted as not started ({@link io.fanlab.harness.load.GeneratorStats#notStarted()}), never dropped
 * silently and never submitted after the window.
 *
 * <p>Threading: specs and schedules' construction are pure; a schedule is a single-consumer iterator; each
 * generator runs once and may be stopped from any thread. Times are {@code System.nanoTime()}-style nanoseconds;
 * offsets are nanoseconds since the start of the run (warmup included).
 */
package io.fanlab.harness.load;
