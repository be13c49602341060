package io.fanlab.harness.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ThreadCensusTest {
    @Test
    void seesNewPlatformAndVirtualThreadsAndForgetsThemWhenTheyEnd() throws Exception {
        List<ThreadCensus.Seen> base = ThreadCensus.take();
        CountDownLatch release = new CountDownLatch(1);
        Runnable park = () -> { try { release.await(); } catch (InterruptedException ignored) { } };
        Thread v = Thread.ofVirtual().name("census-virtual").start(park);
        Thread p = Thread.ofPlatform().name("census-platform").start(park);
        List<ThreadCensus.Seen> extra = ThreadCensus.newSince(base);
        assertThat(extra).extracting(ThreadCensus.Seen::name).contains("census-virtual", "census-platform");
        assertThat(extra).filteredOn(s -> s.name().equals("census-virtual")).allMatch(ThreadCensus.Seen::virtual);
        release.countDown();
        v.join();
        p.join();
        assertThat(ThreadCensus.newSince(base)).extracting(ThreadCensus.Seen::name).doesNotContain("census-virtual", "census-platform");
    }

    /**
     * JDK 21's JSON dump has no {@code virtual} field: a thread absent from the live platform threads is virtual; it
     * is the JVM's only when every frame is in a JDK module. Platform threads are the application's when their group
     * is the application's group or below it, whatever their names.
     */
    @Test
    void ownersFromAJdk21StyleDump() throws Exception {
        String json = """
                {"threadDump": {"processId": "1", "time": "t", "runtimeVersion": "21.0.5",
                  "threadContainers": [
                    {"container": "<root>", "parent": null, "owner": null, "threads": [
                      {"tid": "101", "name": "ForkJoinPool-7-worker-1", "stack": ["java.base/java.lang.Object.wait0(Native Method)"]},
                      {"tid": "102", "name": "SubPoller-0", "stack": ["java.base/sun.nio.ch.Poller.poll(Poller.java:197)",
                                                                     "java.base/java.lang.VirtualThread.run(VirtualThread.java:309)"]},
                      {"tid": "103", "name": "", "stack": ["java.base/java.lang.VirtualThread.park(VirtualThread.java:582)",
                                                          "com.example.Leaky.lambda$run$0(Leaky.java:12)",
                                                          "java.base/java.lang.VirtualThread.run(VirtualThread.java:309)"]}]},
                    {"container": "ForkJoinPool.commonPool/jdk.internal.vm.SharedThreadContainer@1", "parent": "<root>", "owner": null,
                     "threads": [{"tid": "104", "name": "ForkJoinPool.commonPool-worker-1", "stack": []}]}]}}
                """;
        ThreadGroup app = ThreadCensus.appGroup();
        Thread designThread = new Thread(new ThreadGroup(app, "design-group"), () -> { }, "ForkJoinPool-7-worker-1");
        Thread common = new Thread(() -> { }, "ForkJoinPool.commonPool-worker-1");
        List<ThreadCensus.Seen> seen = ThreadCensus.parse(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json),
                java.util.Map.of(101L, designThread, 104L, common), app);
        assertThat(seen).extracting(ThreadCensus.Seen::name, ThreadCensus.Seen::virtual, ThreadCensus.Seen::owner).containsExactly(
                org.assertj.core.groups.Tuple.tuple("ForkJoinPool-7-worker-1", false, ThreadCensus.Owner.APPLICATION),
                org.assertj.core.groups.Tuple.tuple("SubPoller-0", true, ThreadCensus.Owner.JVM),
                org.assertj.core.groups.Tuple.tuple("", true, ThreadCensus.Owner.APPLICATION),
                org.assertj.core.groups.Tuple.tuple("ForkJoinPool.commonPool-worker-1", false, ThreadCensus.Owner.JVM));
    }

    @Test
    void theJvmsOwnPlatformThreadsLiveOutsideTheApplicationsGroup() {
        ThreadGroup app = ThreadCensus.appGroup();
        assertThat(app.getName()).isEqualTo("main");
        ThreadGroup system = app.getParent();
        assertThat(ThreadCensus.jvmOwned(false, system, app, "<root>", List.of())).isTrue();
        assertThat(ThreadCensus.jvmOwned(false, new ThreadGroup(system, "InnocuousThreadGroup-like"), app, "<root>", List.of())).isTrue();
        assertThat(ThreadCensus.jvmOwned(false, new ThreadGroup(app, "sub"), app, "<root>", List.of())).isFalse();
    }
}
