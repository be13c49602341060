package io.fanlab.harness.scenario;

import io.fanlab.engine.spec.Admission;
import io.fanlab.engine.spec.Dispatch;
import io.fanlab.engine.spec.ErrorPolicy;
import io.fanlab.engine.spec.Order;
import io.fanlab.engine.spec.RetryPolicy;
import io.fanlab.engine.spec.ThreadKind;
import io.fanlab.harness.dist.Distribution;
import io.fanlab.harness.load.LoadSpec;
import java.time.Duration;
import java.util.List;

/**
 * Every default of the scenario format, in one place (like JMH's {@code runner/Defaults}). The loader fills an
 * absent field from here and the writer then writes it out explicitly, so a run directory's resolved scenario
 * never depends on the defaults of the version that reads it. {@code scenarios/README.md} lists the same values.
 */
public final class Defaults {
    private Defaults() {}

    /** Scenario seed: every random draw (arrivals, keys, service times, errors) derives from it. */
    public static final long SEED = 1;
    /** Description when none is given. */
    public static final String DESCRIPTION = "";

    /** Warmup (JIT, pools, caches; not recorded): 2 s is enough for C2 on the simple work kinds. */
    public static final Duration WARMUP = Duration.ofSeconds(2);
    /** Measured window: 10 s gives ~10^4 samples per point at 1000/s, enough for a stable p99. */
    public static final Duration MEASURE = Duration.ofSeconds(10);
    /** Cooldown (drain, not recorded): long enough to drain queues at the usual service times. */
    public static final Duration COOLDOWN = Duration.ofSeconds(1);
    /** When a point cancels its design: after the cooldown drain (see {@link CancelAt}). */
    public static final CancelAt CANCEL = CancelAt.AFTER_COOLDOWN;

    /** Open arrival shape when {@code arrival} is absent: Poisson (the memoryless arrivals of independent clients). */
    public static final String ARRIVAL = "poisson";
    /** Items per request: 1 (a plain stream, no scatter-gather). */
    public static final int FANOUT = 1;
    /** {@code load.speed} of a trace replay: the recorded pace. */
    public static final double TRACE_SPEED = 1.0;
    /** Join of a scatter-gather request: all items. */
    public static final LoadSpec.Join JOIN = new LoadSpec.Join.All();
    /** Think time of a closed-model user: none (each user sends its next request at once). */
    public static final Distribution THINK = new Distribution.Constant(Duration.ZERO);

    /** Keys: none (no key-dependent behaviour). */
    public static final KeySpec KEYS = new KeySpec.None();

    /** Stage width when not given (the sweep normally sets it per point). */
    public static final int WIDTH = 1;
    /** Platform threads: the conservative choice; virtual threads are opt-in per stage. */
    public static final ThreadKind THREADS = ThreadKind.PLATFORM;
    /** Input queue bound: 1024 items (bounded, so overload shows as back-pressure, not heap growth). */
    public static final int QUEUE = 1024;
    /** Output order: completion order. */
    public static final Order ORDER = Order.UNORDERED;
    /** Dispatch: one shared queue. */
    public static final Dispatch DISPATCH = Dispatch.SHARED;
    /** Full queue: the producer blocks (back-pressure); no queue deadline. */
    public static final Admission ADMISSION = Admission.BLOCK;
    /** A failure after retries is counted and the stream goes on. */
    public static final ErrorPolicy ON_ERROR = ErrorPolicy.CONTINUE;
    /** No retries (retry: none). */
    public static final RetryPolicy RETRY = RetryPolicy.NONE;
    /** Per-key routing: off. */
    public static final boolean PER_KEY = false;
    /** Intrinsic error rate of a stage: 0. */
    public static final double ERROR_RATE = 0.0;

    /** Batched dispatch: adaptive batch size (latency first at low load). */
    public static final boolean BATCH_ADAPTIVE = true;
    /** Retry: first backoff when {@code retry} is given without {@code backoff}. */
    public static final Duration RETRY_BACKOFF = Duration.ofMillis(10);
    /** Retry: {@code max_backoff} when absent is this multiple of {@code backoff}. */
    public static final int RETRY_MAX_BACKOFF_FACTOR = 10;
    /** Retry: equal jitter over half the delay. */
    public static final double RETRY_JITTER = 0.5;
    /** Retry: at most 10% extra attempts (a retry storm cannot more than 1.1x the load). */
    public static final double RETRY_BUDGET = 0.1;
    /** Hedge: the percentile when neither {@code delay} nor {@code percentile} is given, and the value kept when {@code delay} is. */
    public static final double HEDGE_PERCENTILE = 95;
    /** Hedge: at most 5% extra attempts. */
    public static final double HEDGE_BUDGET = 0.05;
    /** Limits: lower bound of an adaptive limit. */
    public static final int LIMIT_MIN = 1;
    /** AIMD: multiplicative decrease (Netflix concurrency-limits' default). */
    public static final double AIMD_BACKOFF = 0.9;
    /** AIMD: an attempt slower than this counts as a drop (Netflix concurrency-limits' default 5 s). */
    public static final Duration AIMD_TIMEOUT = Duration.ofSeconds(5);
    /** Gradient2: RTT tolerance (Netflix concurrency-limits' default). */
    public static final double GRADIENT_TOLERANCE = 1.5;
    /** Gradient2: queue-size allowance (Netflix concurrency-limits' default). */
    public static final int GRADIENT_QUEUE_SIZE = 4;
    /** Rate limit: tokens saved (1 = strict pacing, no bursts). */
    public static final int RATE_LIMIT_BURST = 1;
    /** Bulkhead: tenants may borrow unused permits. */
    public static final boolean BULKHEAD_BURST = true;

    /** Loopback downstream: client connection limit. */
    public static final int DOWNSTREAM_CONNECTIONS = 64;
    /** Loopback downstream: base 503 probability. */
    public static final double DOWNSTREAM_ERROR_RATE = 0.0;

    /** Fault factors and extras that leave latency unchanged unless set. */
    public static final double FAULT_FACTOR = 1.0;
    public static final Duration FAULT_ADDED = Duration.ZERO;
    /** Latency spike: affects every item. */
    public static final double FAULT_FRACTION = 1.0;
    /** Fault {@code stage}: every stage. Written as {@code '*'}; a stage may not be named so. */
    public static final String ALL_STAGES = "*";
    /** Worker stall: one worker. */
    public static final int FAULT_WORKERS = 1;
    /** CPU hog: one thread. */
    public static final int FAULT_THREADS = 1;

    /** SLO latency: response time (from intended start; honest under coordinated omission). */
    public static final SloSpec.Metric SLO_METRIC = SloSpec.Metric.RESPONSE;
    /** SLO latency: percentile. */
    public static final double SLO_PERCENTILE = 99;
    /** SLOs when the section is absent: the invariants every design must keep. */
    public static final List<SloSpec> SLOS = List.of(new SloSpec.NothingLost(), new SloSpec.NoLeakedThreads());

    /** Sweep: the reference engine only. */
    public static final List<String> DESIGNS = List.of("engine");
    /** Sweep: one repeat per point. */
    public static final int REPEATS = 1;
    /** A sweep runs every point even after the run is lost (the report then shows every width). */
    public static final boolean ABORT_ON_FAIL = false;
    /** What a run gates on: the recommended width of each design (its SLOs) and checks at every point. */
    public static final io.fanlab.reports.analysis.Gate GATE = io.fanlab.reports.analysis.Gate.DEFAULT;
    /** Compare tolerances per metric (see io.fanlab.reports.compare.Metric for each default and its reason). */
    public static final io.fanlab.reports.compare.Tolerances COMPARE = io.fanlab.reports.compare.Tolerances.DEFAULT;
    /**
     * Capture (absent {@code capture:}): a JFR recording of the measured window with fanlab's low-overhead settings
     * and async-profiler's cpu event at 20 ms (JFR's own CPU sampler then off; measured cost: reports/RESULTS.md,
     * "Capture overhead": 10 ms with JFR's sampler beside it sat at the 3% target, so both were cut); not
     * required, so a machine without the native library still runs, with a warning.
     */
    public static final CaptureSpec CAPTURE = new CaptureSpec(true, List.of(CaptureSpec.Event.CPU), Duration.ofMillis(20), false);
    /** Capture with {@code capture:} given but a field absent: JFR on. */
    public static final boolean CAPTURE_JFR = true;
    /** async-profiler sampling interval when {@code interval} is absent. */
    public static final Duration CAPTURE_INTERVAL = Duration.ofMillis(20);
    /** A capture that cannot run warns and the run goes on. */
    public static final boolean CAPTURE_REQUIRED = false;

    /* Sweep stage (absent): the first stage; sweep widths (absent): that stage's width. */
}
