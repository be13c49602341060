package io.fanlab.harness.scenario;

import io.fanlab.engine.spec.Check;
import io.fanlab.engine.spec.InvalidField;
import java.time.Duration;
import java.util.List;

/**
 * What to capture in each point's measured window (and only there: not in warmup or cooldown), in the point's JVM.
 *
 * @param jfr      a JDK Flight Recorder recording with fanlab's low-overhead settings ({@code points/<id>/window.jfr})
 *                 and its summary in {@code point.json}
 * @param profiler async-profiler events, in order; empty = no async-profiler. One flame graph and one collapsed-stack
 *                 file per event
 * @param interval async-profiler's sampling interval for cpu, itimer and wall (alloc samples every 512 KiB, lock
 *                 records contention of 10 us or more)
 * @param required true: a capture that cannot run (no native library, JFR unavailable) fails the point; false: the
 *                 point runs on with a validity warning naming what was not captured
 */
public record CaptureSpec(boolean jfr, List<Event> profiler, Duration interval, boolean required) {
    /** async-profiler events fanlab asks for; {@code cpu} falls back to {@code itimer} where perf_events are denied. */
    public enum Event {
        CPU("cpu"), ITIMER("itimer"), WALL("wall"), ALLOC("alloc"), LOCK("lock");

        public final String key;

        Event(String key) { this.key = key; }

        public static Event of(String key) {
            for (Event e : values()) if (e.key.equals(key)) return e;
            return null;
        }
    }

    /** Nothing captured ({@code capture: none}, {@code --no-capture}). */
    public static final CaptureSpec NONE = new CaptureSpec(false, List.of(), Duration.ofMillis(10), false);

    public CaptureSpec {
        profiler = List.copyOf(Check.notNull("capture", "profiler", profiler));
        if (profiler.stream().distinct().count() != profiler.size())
            throw new InvalidField("profiler", String.valueOf(keys(profiler)), "each event once");
        if (profiler.contains(Event.CPU) && profiler.contains(Event.ITIMER))
            throw new InvalidField("profiler", String.valueOf(keys(profiler)), "cpu or itimer, not both: both sample CPU time");
        Check.notNull("capture", "interval", interval);
        if (interval.isNegative() || interval.isZero() || interval.compareTo(Duration.ofSeconds(1)) > 0)
            throw new InvalidField("interval", interval.toMillis() + "ms", "> 0ms and <= 1s");
    }

    private static java.util.List<String> keys(List<Event> events) { return events.stream().map(e -> e.key).toList(); }

    /** Whether anything is captured at all. */
    public boolean any() { return jfr || !profiler.isEmpty(); }
}
