package io.fanlab.harness.capture;

import io.fanlab.harness.scenario.CaptureSpec;
import io.fanlab.reports.run.PointResult;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import jdk.jfr.Configuration;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;

/**
 * The capture of one point's measured window: JFR with {@value #SETTINGS} and async-profiler, as the scenario's
 * {@link CaptureSpec} asks. See the package documentation for the lifecycle and the fallbacks.
 *
 * <p>Implementation notes: the first JFR recording of a JVM takes 0.2-0.3 s to start and async-profiler's library
 * 0.06-0.6 s to load, so {@link #prepare} does both before warmup (a throwaway recording warms JFR up) and
 * {@link #start} costs a few ms. The window's CPU time is read from the process's CPU clock at start and stop
 * (the denominator of CPU per item and of GC's CPU share).
 */
public final class WindowCapture {
    /** The JFR settings, a classpath resource next to this class. */
    public static final String SETTINGS = "fanlab-window.jfc";
    /** The window's recording in the point's directory. */
    public static final String JFR_FILE = "window.jfr";
    /** JFR's own CPU sampler, left out of the recording when async-profiler samples CPU (see {@link #prepare}). */
    static final String JFR_CPU_SAMPLE = "jdk.ExecutionSample";

    private final CaptureSpec spec;
    private final Path dir;
    private final String title;
    private final Recording recording;
    private final AsyncProfilerWindow profiler;
    private final List<String> notCaptured = new ArrayList<>();
    private long startNanos, stopNanos, cpuAtStart, cpuAtStop;
    private volatile long coveredNanos;
    private boolean running, ran;

    private WindowCapture(CaptureSpec spec, Path dir, String title, Recording recording, AsyncProfilerWindow profiler, List<String> notCaptured) {
        this.spec = spec;
        this.dir = dir;
        this.title = title;
        this.recording = recording;
        this.profiler = profiler;
        this.notCaptured.addAll(notCaptured);
    }

    /**
     * Gets everything ready before warmup. What cannot be captured is listed in {@link #notCaptured()}.
     *
     * @throws CaptureUnavailableException when {@code spec.required()} and some asked capture cannot run
     */
    public static WindowCapture prepare(CaptureSpec spec, Path pointDir, String title) throws CaptureUnavailableException {
        return prepare(spec, pointDir, title, false);
    }

    /** As {@link #prepare(CaptureSpec, Path, String)}; {@code keepJfrCpuSampler}: keep JFR's CPU sampler beside async-profiler's, as before (the overhead test's comparison). */
    static WindowCapture prepare(CaptureSpec spec, Path pointDir, String title, boolean keepJfrCpuSampler) throws CaptureUnavailableException {
        List<String> missing = new ArrayList<>();
        AsyncProfilerWindow ap = null;
        if (!spec.profiler().isEmpty()) {
            try {
                ap = AsyncProfilerWindow.load(spec.profiler(), spec.interval().toNanos(), pointDir);
                ap.warmUp();
            } catch (IllegalStateException e) {
                missing.add(e.getMessage());
            }
        }
        Recording rec = null;
        if (spec.jfr()) {
            try {
                rec = jfrRecording(!keepJfrCpuSampler && ap != null && ap.samplesCpu());
            } catch (RuntimeException | IOException | ParseException | LinkageError e) {
                missing.add("JFR: " + e.getMessage());
            }
        }
        if (spec.required() && !missing.isEmpty()) {
            if (rec != null) rec.close();
            throw new CaptureUnavailableException("required capture cannot run: " + String.join("; ", missing));
        }
        return new WindowCapture(spec, pointDir, title, rec, ap, missing);
    }

    /**
     * The window's recording with {@value #SETTINGS}; without {@value #JFR_CPU_SAMPLE} when async-profiler samples CPU
     * ({@code profilerSamplesCpu}): two samplers interrupting the same threads cost twice for one flame graph.
     */
    private static Recording jfrRecording(boolean profilerSamplesCpu) throws IOException, ParseException {
        if (!FlightRecorder.isAvailable()) throw new IllegalStateException("Flight Recorder is not available in this JVM");
        Configuration c;
        try (Reader r = new InputStreamReader(java.util.Objects.requireNonNull(WindowCapture.class.getResourceAsStream(SETTINGS),
                SETTINGS + " missing from the classpath"), StandardCharsets.UTF_8)) {
            c = Configuration.create(r);
        }
        // the engine's event class is registered by the design (after this): a first start with a new event type
        // costs 0.3-0.9 s more (measured here), which would fall inside the window: register it before the warm-up
        FlightRecorder.register(io.fanlab.engine.observe.jfr.StageWindowEvent.class);
        try (Recording warm = new Recording(c)) { // the first start of a JVM is slow: pay it here, not in the window
            warm.setToDisk(true); // as the real one: the disk repository is set up here too
            warm.start();
            warm.stop();
        }
        Recording rec = new Recording(c);
        if (profilerSamplesCpu) rec.disable(JFR_CPU_SAMPLE);
        rec.setName("fanlab-window");
        rec.setToDisk(true);
        return rec;
    }

    /** Starts the window's capture (a few ms). A profiler that refuses to start is noted, or fails when required. */
    public synchronized void start() throws CaptureUnavailableException {
        if (ran) throw new IllegalStateException("capture: start called twice (expected: prepare, start, stop, finish, once each)");
        ran = true;
        running = true;
        if (recording != null) recording.start();
        if (profiler != null) {
            try {
                profiler.start();
            } catch (IllegalStateException e) {
                if (spec.required()) throw new CaptureUnavailableException("required capture cannot run: " + e.getMessage());
                notCaptured.add(e.getMessage());
            }
        }
        // the window's figures count from here: both recorders run (their start takes ms, or more on a starved machine)
        startNanos = System.nanoTime();
        cpuAtStart = processCpuNanos();
    }

    /** Stops the window's capture and writes the raw recordings (tens of ms). Idempotent; a no-op before start. */
    public synchronized void stop() throws IOException {
        if (!running) return;
        running = false;
        stopNanos = System.nanoTime();
        cpuAtStop = processCpuNanos();
        coveredNanos = stopNanos - startNanos;
        IOException failed = null;
        if (profiler != null) {
            try {
                profiler.stop();
            } catch (IOException | RuntimeException e) {
                notCaptured.add("async-profiler did not stop cleanly: " + e.getMessage());
            }
        }
        if (recording != null) {
            try {
                recording.stop();
                recording.dump(dir.resolve(JFR_FILE));
            } catch (IOException e) {
                failed = e;
            } finally {
                recording.close();
            }
        }
        if (failed != null) throw failed;
    }

    /**
     * Converts and summarises (0.1-1 s: call after the point's measurements). With nothing asked, the record still
     * carries the window's length and the JVM's CPU time in it (CPU per item, and the capture-overhead comparison),
     * with no JFR summary and no profiles; null when the window never started. A conversion that fails is noted in
     * {@link PointResult.Capture#notCaptured()}, not thrown.
     */
    public PointResult.Capture finish() {
        if (!ran) return null;
        double windowS = (stopNanos - startNanos) / 1e9;
        double cpuS = (cpuAtStop - cpuAtStart) / 1e9;
        PointResult.Jfr jfr = null;
        String jfrFile = null;
        if (recording != null && ran) {
            try {
                jfr = JfrSummary.read(dir.resolve(JFR_FILE), windowS, cpuS);
                jfrFile = JFR_FILE;
            } catch (IOException | RuntimeException e) {
                notCaptured.add("JFR summary: " + e.getMessage());
            }
        }
        List<PointResult.Profile> profiles = List.of();
        if (profiler != null && ran) {
            try {
                profiles = profiler.finish(title);
            } catch (IOException | RuntimeException e) {
                notCaptured.add("async-profiler conversion: " + e);
            }
            notCaptured.addAll(profiler.notes());
        }
        return new PointResult.Capture(windowS, cpuS, Runtime.getRuntime().availableProcessors(), jfrFile, jfr, profiles, List.copyOf(notCaptured));
    }

    /** Nanoseconds from the moment both recorders ran to stop (0 before stop). */
    public long coveredNanos() { return coveredNanos; }

    /** What was asked and cannot be captured, with reasons (so far). */
    public synchronized List<String> notCaptured() { return List.copyOf(notCaptured); }

    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long t = os.getProcessCpuTime();
            if (t >= 0) return t;
        }
        return 0;
    }
}
