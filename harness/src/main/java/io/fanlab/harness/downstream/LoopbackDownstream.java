package io.fanlab.harness.downstream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fanlab.harness.fault.FaultState;
import io.fanlab.harness.scenario.DownstreamSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The loopback HTTP downstream: a JDK {@code com.sun.net.httpserver.HttpServer} on 127.0.0.1 (ephemeral port) in
 * this JVM, plus the {@link HttpWork} client that calls it.
 *
 * <h2>Why in-process</h2>
 * The runner already forks one JVM per sweep point, so a downstream inside that JVM is isolated from other points
 * (its state, heap and threads die with the point). A separate downstream process would cost a second JVM start
 * per point on a 2-core box and buy no CPU isolation: its threads would share the point's two cores either way.
 * The trade-off: the downstream's GC and allocation share the measured JVM's heap and collector, so heavy
 * downstream traffic shows up in the point's GC logs (small: each request allocates a few hundred bytes); and a
 * fault that slows the JVM (GcPressure, CpuHog) slows the downstream too, as it would a co-located sidecar.
 *
 * <h2>Protocol</h2>
 * {@code GET /} with {@code X-Fanlab-Delay-Us} (latency to serve, microseconds) and {@code X-Fanlab-Draw} (the
 * item's 503 draw in [0,1)), both computed client-side from the item's draws so the server is deterministic. The
 * server reads the downstream faults once per request, sleeps {@code delay * factor + added}, then answers 503 when
 * {@code draw < errorRate + injected 503 rate}, else 200 with a 3-byte body. Both answers carry
 * {@code X-Fanlab-Served-Us}, the delay slept. A malformed header gets 400.
 *
 * <h2>Threading</h2>
 * The server runs each exchange on its own virtual thread ({@code fanlab-downstream-N}, never pooled), so
 * concurrent requests are bounded only by the client's connection limit. The server's accept loop runs on the
 * JDK's {@code HTTP-Dispatcher} platform thread (named by the JDK). {@link #close()} stops the server, interrupts
 * sleeping handlers, closes the client (its connections) and waits for the handler threads.
 */
public final class LoopbackDownstream implements Downstream {
    private static final byte[] OK = "ok\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UNAVAILABLE = "no\n".getBytes(StandardCharsets.US_ASCII);

    private final DownstreamSpec spec;
    private final FaultState faults;
    private final HttpServer server;
    private final ExecutorService handlers;
    private final HttpWork client;
    private final URI uri;
    private final ReentrantLock closeLock = new ReentrantLock();
    private boolean closed; // guarded by closeLock
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong unavailable = new AtomicLong();

    private LoopbackDownstream(DownstreamSpec spec, FaultState faults, Duration timeout) throws IOException {
        this.spec = spec;
        this.faults = faults;
        this.handlers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("fanlab-downstream-", 0).factory());
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
        this.uri = URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort() + "/");
        this.client = new HttpWork(uri, spec.connections(), timeout);
    }

    /** Starts the server and client with {@link HttpWork#DEFAULT_TIMEOUT}. */
    public static LoopbackDownstream start(DownstreamSpec spec, FaultState faults) {
        return start(spec, faults, HttpWork.DEFAULT_TIMEOUT);
    }

    /**
     * Starts the server on 127.0.0.1 (ephemeral port) and a client limited to {@code spec.connections()}.
     *
     * @throws IllegalArgumentException if the spec is invalid
     * @throws UncheckedIOException     if the server cannot bind
     */
    public static LoopbackDownstream start(DownstreamSpec spec, FaultState faults, Duration timeout) {
        if (spec == null) throw new IllegalArgumentException("downstream: null (expected: a downstream spec)");
        if (spec.connections() < 1) throw new IllegalArgumentException("downstream.connections: " + spec.connections() + " (expected: >= 1)");
        if (!(spec.errorRate() >= 0 && spec.errorRate() <= 1))
            throw new IllegalArgumentException("downstream.errorRate: " + spec.errorRate() + " (expected: 0 <= errorRate <= 1)");
        if (faults == null) throw new IllegalArgumentException("faults: null (expected: the run's fault state)");
        try {
            LoopbackDownstream d = new LoopbackDownstream(spec, faults, timeout);
            d.warm();
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException("downstream: cannot start the loopback server: " + e.getMessage(), e);
        }
    }

    /**
     * Calls served by {@link #start} before it returns, so that the server's and the client's first calls (class
     * loading, first connections, the interpreter's slowest path) happen before the point's timeline and not in
     * its warmup or measured window. 1000 calls pass the JIT's first-tier thresholds (a few hundred invocations);
     * with zero delay they take about 0.1-0.3 s on 2 cores.
     */
    static final int WARM_CALLS = 1000;
    /** Upper bound of {@link #warm()}: on a saturated machine it stops here rather than delay the point. */
    static final Duration WARM_BUDGET = Duration.ofSeconds(3);

    /**
     * Serves {@link #WARM_CALLS} zero-delay calls from up to 4 virtual threads (at most {@code connections}), then
     * resets the counters; nothing it does is visible in {@link #served()}, {@link #unavailable()} or
     * {@link #maxInFlight()}.
     */
    private void warm() {
        int callers = Math.min(4, spec.connections());
        long deadline = System.nanoTime() + WARM_BUDGET.toNanos();
        java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(WARM_CALLS);
        try (ExecutorService warmers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("fanlab-downstream-warm-", 0).factory())) {
            for (int i = 0; i < callers; i++) {
                warmers.submit(() -> {
                    while (left.getAndDecrement() > 0 && System.nanoTime() < deadline) {
                        try {
                            client.get(0, Math.nextDown(1.0));
                        } catch (DownstreamError e) {
                            // error_rate 1: a 503 warms the same path
                        } catch (IOException e) {
                            return; // the run's own calls will report a broken downstream
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                });
            }
        }
        served.set(0);
        unavailable.set(0);
        maxInFlight.set(0);
    }

    public URI uri() { return uri; }

    public DownstreamSpec spec() { return spec; }

    /** Requests answered so far (200 or 503). */
    public long served() { return served.get(); }

    /** 503 answers so far. */
    public long unavailable() { return unavailable.get(); }

    /** Requests the server is serving (parsing or sleeping) now. */
    public int inFlight() { return inFlight.get(); }

    /** Highest number of requests the server was serving (parsing or sleeping) at once. */
    public int maxInFlight() { return maxInFlight.get(); }

    @Override
    public long call(long delayNanos, double errorDraw) throws IOException, InterruptedException {
        return client.get(delayNanos, errorDraw);
    }

    /**
     * Serves one exchange. The in-flight count covers parsing and sleeping and is decremented before the answer is
     * sent, so a client that reuses a freed connection permit can never be counted together with the request it
     * replaced: {@link #maxInFlight()} is exact.
     */
    private void handle(HttpExchange ex) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        boolean counted = true;
        try (ex) {
            long delayUs;
            double draw;
            try {
                delayUs = Long.parseLong(ex.getRequestHeaders().getFirst(HttpWork.DELAY_HEADER));
                draw = Double.parseDouble(ex.getRequestHeaders().getFirst(HttpWork.DRAW_HEADER));
                if (delayUs < 0 || !(draw >= 0 && draw < 1)) throw new NumberFormatException();
            } catch (NumberFormatException | NullPointerException e) {
                ex.sendResponseHeaders(400, -1);
                return;
            }
            FaultState.DownstreamFaults f = faults.downstream();
            long sleepNanos = f.delayNanos(TimeUnit.MICROSECONDS.toNanos(delayUs));
            if (sleepNanos > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(sleepNanos));
                } catch (InterruptedException e) {
                    return; // close(): the exchange is closed without an answer
                }
            }
            inFlight.decrementAndGet();
            counted = false;
            boolean fail = draw < Math.min(1, spec.errorRate() + f.errorRate());
            served.incrementAndGet(); // counted before the answer leaves, so a caller that got it sees the count
            if (fail) unavailable.incrementAndGet();
            byte[] body = fail ? UNAVAILABLE : OK;
            ex.getResponseHeaders().set(HttpWork.SERVED_HEADER, Long.toString(TimeUnit.NANOSECONDS.toMicros(sleepNanos)));
            ex.sendResponseHeaders(fail ? 503 : 200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        } finally {
            if (counted) inFlight.decrementAndGet();
        }
    }

    /**
     * Stops the server (no new exchanges), interrupts in-flight handlers, closes the client and waits (up to 10 s
     * each) for the handler threads. Idempotent.
     */
    @Override
    public void close() {
        closeLock.lock();
        try {
            if (closed) return;
            closed = true;
        } finally {
            closeLock.unlock();
        }
        client.close();
        server.stop(0);
        handlers.shutdownNow();
        try {
            handlers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** TCP connections the client has opened so far, warm-up included. */
    long connectionsOpened() { return client.connectionsOpened(); }

    /** True once close() has completed and every handler and client thread has ended. */
    boolean terminated() { return handlers.isTerminated() && client.terminated(); }
}
