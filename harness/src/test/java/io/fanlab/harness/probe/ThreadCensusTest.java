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
}
