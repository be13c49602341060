package io.fanlab.harness.capture;

import io.fanlab.harness.scenario.CaptureSpec;
import io.fanlab.reports.profile.CollapsedStacks;
import io.fanlab.reports.run.PointResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import one.convert.Arguments;
import one.convert.JfrToFlame;
import one.profiler.AsyncProfiler;

/**
 * async-profiler over one window, in JFR mode (the one mode that records several events at once): the scenario's
 * events go to {@code profile.jfr}, and {@link #finish} converts each into a flame graph ({@code profile-<event>.html},
 * self-contained) and collapsed stacks ({@code profile-<event>.collapsed}) with the {@code jfr-converter} artifact.
 *
 * <p>Fallbacks, each named in {@link #notes()}: the native library cannot load (no build for this OS/arch, or the
 * {@value #LIB_PROPERTY} system property names a file that is not there) -> nothing is profiled; {@code cpu}
 * refused (perf_events denied: {@code perf_event_paranoid}, a container without the syscall) -> {@code itimer}.
 * Hardware counters are not offered (these VMs have no PMU).
 *
 * <p>Threading: one instance per JVM (async-profiler is a per-process singleton); methods called once each, in order.
 */
public final class AsyncProfilerWindow {
    /** System property: load the native library from this path instead of extracting it from the jar (tests force a failure with it). */
    public static final String LIB_PROPERTY = "fanlab.capture.asyncProfilerLib";
    static final String ALLOC_INTERVAL = "512k";
    static final String LOCK_THRESHOLD = "10us";
    /** Extra start options appended to every command (empty): for the overhead test's comparisons of profiler settings. */
    static volatile String extraOptions = "";

    private final AsyncProfiler profiler;
    private final List<CaptureSpec.Event> events;
    private final long intervalNanos;
    private final Path dir;
    private final List<String> notes = new ArrayList<>();
    private CaptureSpec.Event cpuAs = CaptureSpec.Event.CPU;
    private boolean started;

    private AsyncProfilerWindow(AsyncProfiler profiler, List<CaptureSpec.Event> events, long intervalNanos, Path dir) {
        this.profiler = profiler;
        this.events = events;
        this.intervalNanos = intervalNanos;
        this.dir = dir;
    }

    /**
     * Loads the native library (60-600 ms: call before warmup).
     *
     * @throws IllegalStateException with the reason when the library cannot be loaded
     */
    public static AsyncProfilerWindow load(List<CaptureSpec.Event> events, long intervalNanos, Path dir) {
        String lib = System.getProperty(LIB_PROPERTY);
        AsyncProfiler p;
        if (lib != null && !lib.isBlank() && !Files.isRegularFile(Path.of(lib))) // checked first: a loaded library would answer for any path
            throw new IllegalStateException("async-profiler native library not loaded (" + LIB_PROPERTY + "=" + lib + ": no such file)");
        try {
            p = lib == null || lib.isBlank() ? AsyncProfiler.getInstance() : AsyncProfiler.getInstance(lib);
        } catch (Throwable e) { // UnsatisfiedLinkError, IllegalStateException from the extractor, SecurityException
            throw new IllegalStateException("async-profiler native library not loaded (" + System.getProperty("os.name") + "/"
                    + System.getProperty("os.arch") + (lib == null ? "" : ", " + LIB_PROPERTY + "=" + lib) + "): " + e.getMessage(), e);
        }
        return new AsyncProfilerWindow(p, List.copyOf(events), intervalNanos, dir);
    }

    /**
     * Starts and stops a throwaway session (before warmup): the first start of a JVM costs 0.1-0.4 s (JFR-mode set-up),
     * later ones a few ms; and it settles the cpu -> itimer fallback before the window.
     *
     * @throws IllegalStateException when no session can start
     */
    public synchronized void warmUp() {
        Path scratch = dir.resolve("profile-warmup.jfr");
        startSession(scratch);
        try {
            profiler.execute("stop");
            java.nio.file.Files.deleteIfExists(scratch);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("async-profiler did not stop: " + e.getMessage(), e);
        }
    }

    /** Starts profiling the window. @throws IllegalStateException when it cannot start */
    public synchronized void start() {
        startSession(raw());
        started = true;
    }

    /** Starts a session writing {@code file}; a refused {@code cpu} is retried as {@code itimer} (noted once). */
    private void startSession(Path file) {
        try {
            profiler.execute(command(cpuAs, file));
        } catch (IOException | RuntimeException e) {
            if (cpuAs != CaptureSpec.Event.CPU || !events.contains(CaptureSpec.Event.CPU))
                throw new IllegalStateException("async-profiler did not start: " + e.getMessage(), e);
            try {
                profiler.execute(command(CaptureSpec.Event.ITIMER, file));
                cpuAs = CaptureSpec.Event.ITIMER;
                notes.add("async-profiler cpu (perf_events) refused (" + e.getMessage() + "); sampled with itimer instead");
            } catch (IOException | RuntimeException e2) {
                throw new IllegalStateException("async-profiler did not start: " + e2.getMessage(), e2);
            }
        }
    }

    /**
     * The start command: cpu (or itimer) drives {@code event=} when asked, else wall, else alloc, else lock; the
     * others ride as options ({@code wall=}, {@code alloc=}, {@code lock=}).
     */
    String command(CaptureSpec.Event cpuAsEvent, Path file) {
        String interval = intervalNanos % 1_000_000 == 0 ? intervalNanos / 1_000_000 + "ms" : Math.max(1, intervalNanos / 1000) + "us";
        StringBuilder sb = new StringBuilder("start,jfr,file=").append(file);
        if (events.contains(CaptureSpec.Event.CPU)) sb.append(",event=").append(cpuAsEvent.key).append(",interval=").append(interval);
        else if (events.contains(CaptureSpec.Event.ITIMER)) sb.append(",event=itimer,interval=").append(interval);
        else if (events.contains(CaptureSpec.Event.WALL)) sb.append(",event=wall,interval=").append(interval);
        else if (events.contains(CaptureSpec.Event.ALLOC)) sb.append(",event=alloc");
        else sb.append(",event=lock");
        boolean timed = events.contains(CaptureSpec.Event.CPU) || events.contains(CaptureSpec.Event.ITIMER);
        if (timed && events.contains(CaptureSpec.Event.WALL)) sb.append(",wall=").append(interval);
        if (events.contains(CaptureSpec.Event.ALLOC)) sb.append(",alloc=").append(ALLOC_INTERVAL);
        if (events.contains(CaptureSpec.Event.LOCK)) sb.append(",lock=").append(LOCK_THRESHOLD);
        if (!extraOptions.isEmpty()) sb.append(',').append(extraOptions);
        return sb.toString();
    }

    /** Whether this profiler samples on-CPU stacks ({@code cpu}, or {@code itimer} in its place). */
    public boolean samplesCpu() { return events.contains(CaptureSpec.Event.CPU) || events.contains(CaptureSpec.Event.ITIMER); }

    Path raw() { return dir.resolve("profile.jfr"); }

    /** Stops profiling and writes {@code profile.jfr}. */
    public synchronized void stop() throws IOException {
        if (!started) return;
        started = false;
        profiler.execute("stop");
    }

    /** Converts the raw recording into a flame graph and collapsed stacks per event. Call after {@link #stop}. */
    public List<PointResult.Profile> finish(String title) throws IOException {
        List<PointResult.Profile> out = new ArrayList<>();
        if (!Files.exists(raw())) {
            notes.add("async-profiler wrote no recording");
            return out;
        }
        for (CaptureSpec.Event e : events) {
            String flag = switch (e) {
                case CPU, ITIMER -> null;
                case WALL -> "--wall";
                case ALLOC -> "--alloc";
                case LOCK -> "--lock";
            };
            String html = "profile-" + e.key + ".html", collapsed = "profile-" + e.key + ".collapsed";
            String t = title + " - " + (e == CaptureSpec.Event.CPU ? cpuAs.key : e.key);
            JfrToFlame.convert(raw().toString(), dir.resolve(html).toString(), args(flag, "--title", t));
            JfrToFlame.convert(raw().toString(), dir.resolve(collapsed).toString(), args(flag, "--output", "collapsed"));
            CollapsedStacks stacks = CollapsedStacks.read(dir.resolve(collapsed));
            List<PointResult.Frame> top = stacks.topSelf(8).stream()
                    .map(f -> new PointResult.Frame(f, stacks.selfShare(f), stacks.totalShare(f))).toList();
            out.add(new PointResult.Profile(e.key, e == CaptureSpec.Event.CPU ? cpuAs.key : e.key, html, collapsed, stacks.samples(), top));
        }
        return out;
    }

    private static Arguments args(String flag, String... more) {
        List<String> a = new ArrayList<>();
        if (flag != null) a.add(flag);
        a.addAll(List.of(more));
        return new Arguments(a.toArray(String[]::new));
    }

    /** Fallbacks taken, for the point's warnings. */
    public List<String> notes() { return List.copyOf(notes); }

    @Override public String toString() { return String.format(Locale.ROOT, "async-profiler %s %s", profiler.getVersion(), events); }
}
