package io.fanlab.harness.downstream;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The client side of http work: a JDK {@link HttpClient} (HTTP/1.1) with a connection limit.
 *
 * <h2>Connection limit</h2>
 * The JDK client has no per-host connection cap: it opens a new connection whenever none is idle. Go's
 * {@code http.Transport.MaxConnsPerHost} caps connections, and requests beyond the cap wait for one. We model the
 * cap with a fair {@link Semaphore} of {@code connections} permits held around each request: at most
 * {@code connections} requests are in flight, hence at most that many HTTP/1.1 connections are busy (the pool
 * keeps them alive for reuse), and waiters are served in arrival order. The wait for a permit is part of the
 * calling stage's service time, exactly as in Go, so a too-small limit shows up as a bottleneck in the stage.
 * What the semaphore caps is requests in flight, not sockets: a connection that has not yet gone back to the
 * client's pool when the next permit holder sends may make the client open another one, so the number of TCP
 * connections opened over a run can exceed {@code connections} (never the number in use at once).
 *
 * <h2>Threading</h2>
 * {@link #get} is thread-safe and blocks the caller (virtual or platform thread). The client's internal tasks run
 * on virtual threads named {@code fanlab-downstream-client-N} (one per task, never pooled); the JDK's own selector
 * thread ({@code HttpClient-N-SelectorManager}) is named by the JDK. {@link #close()} aborts in-flight requests
 * and waits for all of them.
 */
public final class HttpWork implements AutoCloseable {
    /** Default request timeout: long enough for any designed latency, short enough that a hung call ends. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final String DELAY_HEADER = "X-Fanlab-Delay-Us";
    static final String DRAW_HEADER = "X-Fanlab-Draw";
    static final String SERVED_HEADER = "X-Fanlab-Served-Us";

    private final URI uri;
    private final Semaphore connections;
    private final int limit;
    private final Duration timeout;
    private final ExecutorService executor;
    private final HttpClient client;

    /**
     * @param uri         the downstream's URI
     * @param connections connection limit, >= 1
     * @param timeout     per-request timeout (the permit wait is not part of it), > 0
     */
    public HttpWork(URI uri, int connections, Duration timeout) {
        if (connections < 1) throw new IllegalArgumentException("downstream.connections: " + connections + " (expected: >= 1)");
        if (timeout == null || timeout.isNegative() || timeout.isZero())
            throw new IllegalArgumentException("downstream.timeout: " + timeout + " (expected: > 0ms)");
        this.uri = uri;
        this.limit = connections;
        this.connections = new Semaphore(connections, true);
        this.timeout = timeout;
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("fanlab-downstream-client-", 0).factory());
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                .connectTimeout(timeout).build();
    }

    public int connections() { return limit; }

    /**
     * One GET, holding a connection permit for its whole duration.
     *
     * @return the delay the server served, nanoseconds, or -1 if it did not say
     * @see Downstream#call
     */
    public long get(long delayNanos, double errorDraw) throws IOException, InterruptedException {
        if (delayNanos < 0) throw new IllegalArgumentException("delayNanos: " + delayNanos + " (expected: >= 0)");
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET()
                .header(DELAY_HEADER, Long.toString((delayNanos + 999) / 1000))
                .header(DRAW_HEADER, Double.toString(errorDraw))
                .build();
        connections.acquire();
        HttpResponse<Void> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.discarding());
        } finally {
            connections.release();
        }
        if (response.statusCode() != 200) throw new DownstreamError(response.statusCode());
        return response.headers().firstValueAsLong(SERVED_HEADER).stream().map(us -> us * 1000).findFirst().orElse(-1L);
    }

    /** Aborts in-flight requests and waits (up to 10 s) for the client and its threads to terminate. Idempotent. */
    @Override
    public void close() {
        client.shutdownNow();
        boolean interrupted = false;
        try {
            client.awaitTermination(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            interrupted = true;
        }
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** True once close() has completed and every client thread has ended. */
    boolean terminated() { return client.isTerminated() && executor.isTerminated(); }
}
