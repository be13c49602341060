package io.fanlab.harness.run;

import io.fanlab.harness.probe.ThreadCensus;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The leak census tells the JVM's own threads from the application's by what owns them, not by their names: the
 * threads a point's work makes the JDK start lazily are the JVM's; a pool the design forgot is the design's, even
 * when its threads are named exactly like the JDK's ({@code ForkJoinPool-N-worker-M}).
 */
class HousekeepingThreadsTest {
    @Test
    void virtualThreadSocketPollersAndCarriersAreTheJvms() throws Exception {
        List<ThreadCensus.Seen> before = ThreadCensus.take();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread reader = Thread.ofVirtual().start(() -> { // blocks on a socket read: the JDK starts its I/O pollers
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort()); InputStream in = s.getInputStream()) {
                    in.read();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (Socket peer = server.accept(); OutputStream out = peer.getOutputStream()) {
                // write only once the reader is parked on its read, so that the JDK needed its pollers for it
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (reader.getState() != Thread.State.WAITING && System.nanoTime() < deadline) Thread.onSpinWait();
                assertThat(reader.getState()).isEqualTo(Thread.State.WAITING);
                out.write(1);
            }
            reader.join(5_000);
        }
        ForkJoinPool.commonPool().submit(() -> { }).get(); // the common pool is the JVM's too
        assertThat(ThreadCensus.leakedSince(before, s -> false, 2_000_000_000L)).isEmpty();
    }

    @Test
    void theFlightRecordersThreadsAreTheJvms() throws Exception {
        List<ThreadCensus.Seen> before = ThreadCensus.take();
        try (jdk.jfr.Recording r = new jdk.jfr.Recording()) {
            r.enable("jdk.CPULoad").withPeriod(java.time.Duration.ofMillis(100));
            r.start();
            Thread.sleep(300);
            r.stop();
        }
        assertThat(ThreadCensus.leakedSince(before, s -> false, 0)).as("JFR Periodic Tasks, JFR Recorder Thread").isEmpty();
    }

    @Test
    void forgottenPoolsAreTheDesignsWhateverTheirNames() throws Exception {
        List<ThreadCensus.Seen> before = ThreadCensus.take();
        ForkJoinPool fj = new ForkJoinPool(2);
        ExecutorService ws = Executors.newWorkStealingPool(2);
        ExecutorService fixed = Executors.newFixedThreadPool(1);
        try {
            fj.submit(() -> { }).get();
            ws.submit(() -> { }).get();
            fixed.submit(() -> { }).get();
            List<ThreadCensus.Seen> leaked = ThreadCensus.leakedSince(before, s -> false, 0);
            assertThat(leaked).extracting(ThreadCensus.Seen::name)
                    .anyMatch(n -> n.matches("ForkJoinPool-\\d+-worker-\\d+"))
                    .anyMatch(n -> n.startsWith("pool-"));
            assertThat(leaked).hasSizeGreaterThanOrEqualTo(3).allMatch(s -> s.owner() == ThreadCensus.Owner.APPLICATION);
        } finally {
            fj.shutdownNow();
            ws.shutdownNow();
            fixed.shutdownNow();
            fj.awaitTermination(5, TimeUnit.SECONDS);
            ws.awaitTermination(5, TimeUnit.SECONDS);
            fixed.awaitTermination(5, TimeUnit.SECONDS);
        }
        assertThat(ThreadCensus.leakedSince(before, s -> false, 2_000_000_000L)).isEmpty();
    }

    @Test
    void theHarnessKnowsItsOwnThreadsByTheNamesItGivesThem() {
        for (String n : List.of("fanlab-sampler", "fanlab-generator", "fanlab-user-3", "fanlab-point-stdout", "fanlab-downstream-12"))
            assertThat(PointRunner.harnessThread(new ThreadCensus.Seen(1, n, false))).as(n).isTrue();
        for (String n : List.of("fanlab-fan-0", "pool-1-thread-1", "ForkJoinPool-1-worker-1", "MasterPoller", "fanlab-apply-3"))
            assertThat(PointRunner.harnessThread(new ThreadCensus.Seen(1, n, false))).as(n).isFalse();
    }
}
