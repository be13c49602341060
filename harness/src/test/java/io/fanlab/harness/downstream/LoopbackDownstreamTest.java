package io.fanlab.harness.downstream;

import static org.assertj.core.api.Assertions.*;

import io.fanlab.harness.fault.ActiveFault;
import io.fanlab.harness.fault.FaultSpec;
import io.fanlab.harness.fault.FaultState;
import io.fanlab.harness.scenario.DownstreamSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A real server on loopback. Elapsed-time checks are lower bounds plus one loose upper bound (a busy box). */
class LoopbackDownstreamTest {
    static final long MS = 1_000_000;
    final FaultState faults = FaultState.forStages(1);
    final List<LoopbackDownstream> started = new ArrayList<>();

    LoopbackDownstream start(int connections, double errorRate) {
        LoopbackDownstream d = LoopbackDownstream.start(new DownstreamSpec(connections, errorRate), faults, Duration.ofSeconds(20));
        started.add(d);
        return d;
    }

    @AfterEach
    void closeAll() { started.forEach(LoopbackDownstream::close); }

    static Set<String> platformThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("fanlab-") || n.startsWith("HTTP-Dispatcher") || n.startsWith("HttpClient"))
                .collect(Collectors.toSet());
    }

    @Test
    void latencyIsHonoured() throws Exception {
        LoopbackDownstream d = start(4, 0);
        d.call(0, 0.5); // warm the connection and the JIT's first path
        long t0 = System.nanoTime();
        long served = d.call(40 * MS, 0.5);
        long elapsed = System.nanoTime() - t0;
        assertThat(served).isEqualTo(40 * MS);
        assertThat(elapsed).isGreaterThanOrEqualTo(40 * MS).isLessThan(40 * MS + 2_000 * MS);
    }

    @Test
    void errorRateIsHonouredExactlyForTheDrawsGiven() throws Exception {
        LoopbackDownstream d = start(4, 0.2);
        int failures = 0;
        for (int i = 0; i < 20; i++) {
            try {
                d.call(0, i / 20.0);
            } catch (DownstreamError e) {
                assertThat(e.status()).isEqualTo(503);
                assertThat(i / 20.0).isLessThan(0.2);
                failures++;
            }
        }
        assertThat(failures).isEqualTo(4); // draws 0, .05, .10, .15
        ActiveFault injected = faults.activate(new FaultSpec.Downstream503(Duration.ZERO, Duration.ofHours(1), 0.3));
        failures = 0;
        for (int i = 0; i < 20; i++) {
            try { d.call(0, i / 20.0); } catch (DownstreamError e) { failures++; }
        }
        assertThat(failures).isEqualTo(10); // draw < 0.2 + 0.3
        injected.revoke();
        assertThatCode(() -> d.call(0, 0.2)).doesNotThrowAnyException();
        assertThat(d.served()).isEqualTo(41);
        assertThat(d.unavailable()).isEqualTo(14);
    }

    /** Go's MaxConnsPerHost bottleneck: 8 concurrent 50 ms calls through 2 connections run in 4 waves. */
    @Test
    void connectionLimitSerialisesCallsIntoWaves() throws Exception {
        LoopbackDownstream d = start(2, 0);
        d.call(0, 0.5);
        d.call(0, 0.5);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Long>> calls = new ArrayList<>();
        long t0;
        try (var callers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("fanlab-test-caller-", 0).factory())) {
            for (int i = 0; i < 8; i++) calls.add(callers.submit(() -> { go.await(); return d.call(50 * MS, 0.5); }));
            t0 = System.nanoTime();
            go.countDown();
            for (Future<Long> f : calls) assertThat(f.get(20, TimeUnit.SECONDS)).isEqualTo(50 * MS);
        }
        long elapsed = System.nanoTime() - t0;
        assertThat(d.maxInFlight()).isEqualTo(2);
        assertThat(elapsed).isGreaterThanOrEqualTo(200 * MS);
    }

    /** Go's MaxConnsPerHost caps sockets, not only requests: 200 calls from 16 callers reuse at most 3 connections. */
    @Test
    void connectionsAreReusedAndNeverMoreThanTheLimit() throws Exception {
        LoopbackDownstream d = start(3, 0);
        try (var callers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("fanlab-test-caller-", 0).factory())) {
            List<Future<Long>> calls = new ArrayList<>();
            for (int i = 0; i < 200; i++) calls.add(callers.submit(() -> d.call(MS, 0.5)));
            for (Future<Long> f : calls) assertThat(f.get(20, TimeUnit.SECONDS)).isEqualTo(MS);
        }
        assertThat(d.served()).isEqualTo(200);
        assertThat(d.maxInFlight()).isLessThanOrEqualTo(3);
        assertThat(d.connectionsOpened()).isLessThanOrEqualTo(3); // warm-up included: every later call reused one
    }

    /** The socket is an interruptible channel, so a platform thread's call ends on interrupt, not at the timeout. */
    @Test
    void interruptingAPlatformCallerEndsItsCall() throws Exception {
        LoopbackDownstream d = start(1, 0);
        try (var caller = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("fanlab-test-caller").factory())) {
            Future<Long> hung = caller.submit(() -> d.call(60_000 * MS, 0.5));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (d.inFlight() < 1 && System.nanoTime() < deadline) Thread.onSpinWait();
            long t0 = System.nanoTime();
            hung.cancel(true);
            caller.shutdown();
            assertThat(caller.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            assertThat(System.nanoTime() - t0).isLessThan(10_000 * MS);
        }
        assertThat(d.call(0, 0.5)).isZero(); // the pool replaced the closed connection
    }

    @Test
    void slowdownIsAppliedAndRevoked() throws Exception {
        LoopbackDownstream d = start(1, 0);
        ActiveFault slow = faults.activate(new FaultSpec.DownstreamSlow(Duration.ZERO, Duration.ofHours(1), 3, Duration.ofMillis(5)));
        long t0 = System.nanoTime();
        assertThat(d.call(10 * MS, 0.5)).isEqualTo(35 * MS);
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(35 * MS);
        slow.revoke();
        assertThat(d.call(10 * MS, 0.5)).isEqualTo(10 * MS);
    }

    @Test
    void aCallLongerThanTheTimeoutFails() throws Exception {
        LoopbackDownstream d = LoopbackDownstream.start(new DownstreamSpec(1, 0), faults, Duration.ofMillis(100));
        started.add(d);
        assertThatThrownBy(() -> d.call(5_000 * MS, 0.5)).isInstanceOf(java.net.http.HttpTimeoutException.class);
    }

    @Test
    void malformedRequestGets400() throws Exception {
        LoopbackDownstream d = start(1, 0);
        var client = java.net.http.HttpClient.newHttpClient();
        try {
            var r = client.send(java.net.http.HttpRequest.newBuilder(d.uri()).header("X-Fanlab-Delay-Us", "x").GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
            assertThat(r.statusCode()).isEqualTo(400);
        } finally {
            client.shutdownNow();
            client.awaitTermination(Duration.ofSeconds(10));
        }
    }

    @Test
    void invalidSpecNamesTheField() {
        // the record rejects these in its constructor (YAML names: connections, error_rate), before start sees them
        assertThatThrownBy(() -> LoopbackDownstream.start(new DownstreamSpec(0, 0), faults))
                .hasMessage("connections: 0 (expected: >= 1)");
        assertThatThrownBy(() -> LoopbackDownstream.start(new DownstreamSpec(1, 1.5), faults))
                .hasMessage("error_rate: 1.5 (expected: 0..1)");
    }

    @Test
    void closeLeavesNoThreadAndAbortsInFlightCalls() throws Exception {
        Set<String> before = platformThreads();
        LoopbackDownstream d = LoopbackDownstream.start(new DownstreamSpec(2, 0), faults, Duration.ofSeconds(20));
        d.call(0, 0.5);
        assertThat(platformThreads()).isNotEqualTo(before); // the JDK's dispatcher and selector threads
        Future<Long> hung;
        try (var caller = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("fanlab-test-caller").factory())) {
            hung = caller.submit(() -> d.call(60_000 * MS, 0.5));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (d.inFlight() < 1 && System.nanoTime() < deadline) Thread.onSpinWait();
            assertThat(d.inFlight()).as("the call is being served").isEqualTo(1);
            long t0 = System.nanoTime();
            d.close();
            assertThat(System.nanoTime() - t0).as("close does not wait for the 60 s call").isLessThan(20_000 * MS);
            assertThatThrownBy(() -> hung.get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(java.io.IOException.class);
        }
        assertThat(d.terminated()).isTrue();
        assertThat(platformThreads()).isEqualTo(before);
        d.close(); // idempotent
    }
}
