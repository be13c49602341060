package io.fanlab.engine.observe.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Percentage;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * One stage of one engine over one period (the window since the previous event of the same stage): counts are
 * deltas over the window, gauges are read at its end, service-time percentiles describe the items run in the window
 * (from the stage's {@link io.fanlab.engine.observe.ServiceTimes} buckets, recorded only while a recording enables
 * this event; 0 with {@code serviceSamples == 0}). Emitted by {@link StageWindowEvents}; disabled unless a
 * recording's settings enable {@value #NAME}.
 */
@Name(StageWindowEvent.NAME)
@Label("Fan-out stage window")
@Category({"fanlab", "Engine"})
@Description("One stage of a fan-out engine over one period: items in and out, busy time, service-time percentiles, queue depth, limit")
@Enabled(false)
@StackTrace(false)
@Period("100 ms")
public final class StageWindowEvent extends Event {
    public static final String NAME = "fanlab.StageWindow";

    @Label("Engine") public String engine;
    @Label("Stage") public String stage;
    @Label("Width") public int width;
    @Label("Window") @Timespan(Timespan.NANOSECONDS) public long windowNanos;
    @Label("Items In") @Description("items offered to the stage in the window (shed included)") public long itemsIn;
    @Label("Items Out") @Description("items that left the stage with a result in the window") public long itemsOut;
    @Label("Errors") public long errors;
    @Label("Shed") public long shed;
    @Label("Busy Time") @Description("sum over the stage's workers of time not spent waiting for items, in the window")
    @Timespan(Timespan.NANOSECONDS) public long busyNanos;
    @Label("Utilisation") @Description("busy time / (window x width)") @Percentage public double utilisation;
    @Label("Mean Busy per Item") @Timespan(Timespan.NANOSECONDS) public long busyPerItemNanos;
    @Label("Busiest Worker Share") @Description("the busiest worker's share of the stage's items in the window (1/width when even)")
    @Percentage public double busiestWorkerShare;
    @Label("Queue Depth") public int queueDepth;
    @Label("In Flight") public long inflight;
    @Label("Limit") public int limit;
    @Label("Reorder Depth") public int reorderDepth;
    @Label("Service Samples") @Description("items whose service time the window's percentiles describe (items a worker ran in the window)")
    public long serviceSamples;
    @Label("Service p50") @Description("median service time in the window (time in the stage's work per item; log buckets, at most 12.5% high)")
    @Timespan(Timespan.NANOSECONDS) public long serviceP50;
    @Label("Service p99") @Description("99th percentile of service time in the window (log buckets, at most 12.5% high)")
    @Timespan(Timespan.NANOSECONDS) public long serviceP99;
    @Label("Service Max") @Description("longest service time in the window (log buckets, at most 12.5% high)")
    @Timespan(Timespan.NANOSECONDS) public long serviceMax;
}
