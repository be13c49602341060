package io.fanlab.harness.downstream;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The client side of http work: a small blocking HTTP/1.1 client with keep-alive connections and a connection
 * limit, written for one server (the loopback downstream) and for one request shape (GET, no request body).
 *
 * <h2>Why not {@code java.net.http.HttpClient}</h2>
 * The JDK client was used first. Its asynchronous pipeline (selector thread, executor hand-offs, reactive body
 * subscribers) costs about 0.3-0.5 ms of CPU per request once compiled and 1.5-2 ms while the JIT warms up, and
 * its first answer takes about 1 s; at 1000 requests/s on 2 cores the warm-up alone saturates the machine, so every
 * HTTP point began with a 3-4 s stall (queues at their cap, p99 over 1 s) that landed in the measured window. This
 * client, blocking on a socket from the calling (usually virtual) thread, costs about 50-250 µs per request with the
 * server included, and answers from the first request. Measured figures: {@code scenarios/README.md}, "http work".
 *
 * <h2>Connection limit</h2>
 * Go's {@code http.Transport.MaxConnsPerHost} caps connections, and requests beyond the cap wait for one. A fair
 * {@link Semaphore} of {@code connections} permits is held around each request, and a request holding a permit
 * takes an idle connection or opens one: at most {@code connections} sockets exist at once, waiters are served in
 * arrival order, and the wait for a permit is part of the calling stage's service time, exactly as in Go, so a
 * too-small limit shows up as a bottleneck in the stage. Idle connections are reused most recent first.
 *
 * <h2>Failures</h2>
 * A non-200 answer throws {@link DownstreamError}; a request that is not answered within {@code timeout} (connect
 * included, the permit wait not) throws {@link HttpTimeoutException} and closes its connection. A reused connection
 * that fails before any byte of the answer arrived (the server closed it while idle) is replaced once by a new
 * one; the request is an idempotent GET. Any other transport failure closes the connection and is thrown.
 *
 * <h2>Threading</h2>
 * {@link #get} is thread-safe and blocks the caller (virtual or platform thread) on a {@link SocketChannel}; it
 * starts no thread. The channel is interruptible on both kinds of thread: interrupting a caller closes its
 * connection and {@link #get} throws {@link InterruptedException}. {@link #close()} closes every connection,
 * which aborts in-flight requests with an {@link IOException}.
 */
public final class HttpWork implements AutoCloseable {
    /** Default request timeout: long enough for any designed latency, short enough that a hung call ends. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final String DELAY_HEADER = "X-Fanlab-Delay-Us";
    static final String DRAW_HEADER = "X-Fanlab-Draw";
    static final String SERVED_HEADER = "X-Fanlab-Served-Us";

    private final InetSocketAddress address;
    private final String requestHead;
    private final Semaphore permits;
    private final int limit;
    private final long timeoutNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Connection> idle = new ArrayDeque<>(); // guarded by lock
    private final Set<Connection> open = new HashSet<>();           // guarded by lock
    private boolean closed;                                         // guarded by lock
    private final AtomicLong opened = new AtomicLong();

    /**
     * @param uri         the downstream's URI ({@code http://host:port/path})
     * @param connections connection limit, >= 1
     * @param timeout     per-request timeout (the permit wait is not part of it), > 0
     */
    public HttpWork(URI uri, int connections, Duration timeout) {
        if (connections < 1) throw new IllegalArgumentException("downstream.connections: " + connections + " (expected: >= 1)");
        if (timeout == null || timeout.isNegative() || timeout.isZero())
            throw new IllegalArgumentException("downstream.timeout: " + timeout + " (expected: > 0ms)");
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0)
            throw new IllegalArgumentException("downstream.uri: " + uri + " (expected: http://host:port/)");
        this.address = new InetSocketAddress(uri.getHost(), uri.getPort());
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        this.requestHead = "GET " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\n";
        this.limit = connections;
        this.permits = new Semaphore(connections, true);
        this.timeoutNanos = timeout.toNanos();
    }

    public int connections() { return limit; }

    /** TCP connections opened so far; never more than {@link #connections()} open at once. */
    public long connectionsOpened() { return opened.get(); }

    /**
     * One GET, holding a connection permit for its whole duration.
     *
     * @return the delay the server served, nanoseconds, or -1 if it did not say
     * @see Downstream#call
     */
    public long get(long delayNanos, double errorDraw) throws IOException, InterruptedException {
        if (delayNanos < 0) throw new IllegalArgumentException("delayNanos: " + delayNanos + " (expected: >= 0)");
        byte[] request = (requestHead + DELAY_HEADER + ": " + (delayNanos + 999) / 1000 + "\r\n"
                + DRAW_HEADER + ": " + errorDraw + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        permits.acquire();
        try {
            Response response = exchange(request, System.nanoTime() + timeoutNanos);
            if (response.status != 200) throw new DownstreamError(response.status);
            return response.servedUs < 0 ? -1 : response.servedUs * 1000;
        } finally {
            permits.release();
        }
    }

    /** Called with a permit held. */
    private Response exchange(byte[] request, long deadline) throws IOException, InterruptedException {
        Connection c = takeIdle();
        boolean reused = c != null;
        while (true) {
            if (c == null) c = connect(deadline);
            try {
                Response r = c.roundTrip(request, deadline);
                if (r.keepAlive) giveBack(c);
                else discard(c);
                return r;
            } catch (ClosedByInterruptException e) {
                discard(c);
                Thread.interrupted();
                InterruptedException ie = new InterruptedException("interrupted while waiting for the downstream");
                ie.initCause(e);
                throw ie;
            } catch (SocketTimeoutException e) {
                discard(c);
                throw timedOut(e);
            } catch (IOException e) {
                discard(c);
                if (reused && !c.answered && !isClosed() && !Thread.currentThread().isInterrupted()) {
                    reused = false; // a keep-alive connection the server closed while idle: one fresh try
                    c = null;
                    continue;
                }
                throw e;
            }
        }
    }

    private HttpTimeoutException timedOut(IOException cause) {
        HttpTimeoutException e = new HttpTimeoutException("downstream did not answer within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
        e.initCause(cause);
        return e;
    }

    private Connection takeIdle() {
        lock.lock();
        try {
            return idle.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    private Connection connect(long deadline) throws IOException, InterruptedException {
        SocketChannel ch = SocketChannel.open();
        Connection c = new Connection(ch);
        lock.lock();
        try {
            if (closed) {
                ch.close();
                throw new IOException("downstream client closed");
            }
            open.add(c);
        } finally {
            lock.unlock();
        }
        try {
            Socket s = ch.socket();
            s.setTcpNoDelay(true);
            s.connect(address, remainingMillis(deadline));
            opened.incrementAndGet();
            c.in = s.getInputStream();
            c.out = s.getOutputStream();
            return c;
        } catch (ClosedByInterruptException e) {
            discard(c);
            Thread.interrupted();
            InterruptedException ie = new InterruptedException("interrupted while connecting to the downstream");
            ie.initCause(e);
            throw ie;
        } catch (SocketTimeoutException e) {
            discard(c);
            throw timedOut(e);
        } catch (IOException | RuntimeException e) {
            discard(c);
            throw e;
        }
    }

    private void giveBack(Connection c) {
        lock.lock();
        try {
            if (!closed) {
                idle.addFirst(c);
                return;
            }
        } finally {
            lock.unlock();
        }
        discard(c);
    }

    private void discard(Connection c) {
        lock.lock();
        try {
            open.remove(c);
            idle.remove(c);
        } finally {
            lock.unlock();
        }
        c.closeQuietly();
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Remaining time to the deadline in whole milliseconds, at least 1 (0 would mean "no timeout" to a socket). */
    private static int remainingMillis(long deadline) throws SocketTimeoutException {
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new SocketTimeoutException("deadline passed");
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left)));
    }

    /** Closes every connection (aborting in-flight requests with an IOException); later calls fail. Idempotent. */
    @Override
    public void close() {
        Connection[] all;
        lock.lock();
        try {
            closed = true;
            all = open.toArray(Connection[]::new);
            open.clear();
            idle.clear();
        } finally {
            lock.unlock();
        }
        for (Connection c : all) c.closeQuietly();
    }

    /** True once close() has run and no connection is open. */
    boolean terminated() {
        lock.lock();
        try {
            return closed && open.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    private record Response(int status, long servedUs, boolean keepAlive) {}

    /** One keep-alive connection; used by one permit holder at a time. */
    private static final class Connection {
        private final SocketChannel channel;
        private InputStream in;
        private OutputStream out;
        private final byte[] buf = new byte[4096];
        private int pos, lim;
        /** True once the current round trip's answer began to arrive (a failure after that is not a stale connection). */
        boolean answered;

        Connection(SocketChannel channel) { this.channel = channel; }

        Response roundTrip(byte[] request, long deadline) throws IOException {
            answered = false;
            out.write(request);
            out.flush();
            String status = line(deadline);
            answered = true;
            // "HTTP/1.1 200 OK"
            if (!status.startsWith("HTTP/1.") || status.length() < 12)
                throw new IOException("downstream: malformed status line '" + status + "'");
            int code = Integer.parseInt(status.substring(9, 12));
            boolean keepAlive = status.startsWith("HTTP/1.1");
            long length = -1;
            boolean chunked = false;
            long served = -1;
            for (String h = line(deadline); !h.isEmpty(); h = line(deadline)) {
                int colon = h.indexOf(':');
                if (colon <= 0) throw new IOException("downstream: malformed header '" + h + "'");
                String name = h.substring(0, colon).trim();
                String value = h.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) length = Long.parseLong(value);
                else if (name.equalsIgnoreCase("Transfer-Encoding")) chunked = value.toLowerCase().contains("chunked");
                else if (name.equalsIgnoreCase("Connection")) keepAlive = !value.equalsIgnoreCase("close");
                else if (name.equalsIgnoreCase(SERVED_HEADER)) served = Long.parseLong(value);
            }
            if (chunked) {
                for (long size = Long.parseLong(chunkSize(line(deadline)), 16); size > 0; size = Long.parseLong(chunkSize(line(deadline)), 16)) {
                    skip(size, deadline);
                    line(deadline); // CRLF after the chunk
                }
                while (!line(deadline).isEmpty()) { } // trailers
            } else if (length >= 0) {
                skip(length, deadline);
            } else {
                keepAlive = false; // body delimited by the server closing the connection: not reusable
            }
            return new Response(code, served, keepAlive);
        }

        private static String chunkSize(String line) {
            int semi = line.indexOf(';');
            return (semi < 0 ? line : line.substring(0, semi)).trim();
        }

        private void fill(long deadline) throws IOException {
            channel.socket().setSoTimeout(remainingMillis(deadline));
            int n = in.read(buf, 0, buf.length);
            if (n < 0) throw new EOFException("downstream closed the connection");
            pos = 0;
            lim = n;
        }

        /** One header line without its CRLF, ASCII. */
        private String line(long deadline) throws IOException {
            StringBuilder sb = new StringBuilder(32);
            while (true) {
                if (pos == lim) fill(deadline);
                byte b = buf[pos++];
                if (b == '\n') {
                    int n = sb.length();
                    if (n > 0 && sb.charAt(n - 1) == '\r') sb.setLength(n - 1);
                    return sb.toString();
                }
                if (sb.length() > 8192) throw new IOException("downstream: header line longer than 8 KiB");
                sb.append((char) (b & 0xff));
            }
        }

        private void skip(long n, long deadline) throws IOException {
            while (n > 0) {
                if (pos == lim) fill(deadline);
                int k = (int) Math.min(n, lim - pos);
                pos += k;
                n -= k;
            }
        }

        void closeQuietly() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing: nothing to do
            }
        }
    }
}
