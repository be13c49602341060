package io.fanlab.engine.pipeline;

import io.fanlab.engine.observe.Tally;

import java.time.Duration;
import java.util.List;

/**
 * What {@link FanOutEngine#close(Duration)} or {@link FanOutEngine#cancel(Duration)} did.
 *
 * @param drained   true when every admitted item ended normally before the deadline (close only; false after cancel
 *                  or when close had to cancel what was left)
 * @param took      wall time the call took
 * @param stuck     items whose worker was still running when the bound passed; their threads are the only engine
 *                  threads still alive
 * @param tally     the pipeline tally after shutdown ({@code inFlight == 0})
 */
public record ShutdownReport(boolean drained, Duration took, List<StuckItem> stuck, Tally tally) {
    public ShutdownReport {
        stuck = List.copyOf(stuck);
    }
}
