package io.fanlab.harness.run;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The leak census ignores the JVM's own threads, including those a point's work makes the JDK start lazily. */
class HousekeepingThreadsTest {
    @Test
    void virtualThreadSocketPollersAreHousekeepingNotLeaks() throws Exception {
        Set<String> before = names();
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
        List<String> started = names().stream().filter(n -> !before.contains(n)).toList();
        assertThat(started).allSatisfy(n -> assertThat(PointRunner.HOUSEKEEPING.matcher(n).matches()).as(n).isTrue());
    }

    @Test
    void aDesignsThreadsAreNeverHousekeeping() {
        for (String n : List.of("fanlab-fan-0", "pool-1-thread-1", "worker-3", "Thread-7", "my-poller-thread"))
            assertThat(PointRunner.HOUSEKEEPING.matcher(n).matches()).as(n).isFalse();
        for (String n : List.of("MasterPoller", "SubPoller-0", "Read-Poller", "C2 CompilerThread0"))
            assertThat(PointRunner.HOUSEKEEPING.matcher(n).matches()).as(n).isTrue();
    }

    private static Set<String> names() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).collect(Collectors.toSet());
    }
}
