package io.fanlab.harness.design;

import static org.assertj.core.api.Assertions.*;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The cancel seam of one item: the design's handle runs exactly once, whichever of cancel and onCancel comes first. */
class ItemCancelTest {
    static Item item() { return new Item(1, 0, -1, 0, 0); }

    @Test
    void aCancelAfterTheHandleRunsItOnceOnTheCancellingThread() {
        Item it = item();
        AtomicInteger runs = new AtomicInteger();
        it.onCancel(runs::incrementAndGet);
        assertThat(it.cancelRequested()).isFalse();
        assertThat(it.cancel()).isTrue();
        assertThat(it.cancel()).isFalse();
        assertThat(runs).hasValue(1);
        assertThat(it.cancelRequested()).isTrue();
    }

    @Test
    void aCancelBeforeTheHandleRunsItWhenTheDesignRegistersIt() {
        Item it = item();
        assertThat(it.cancel()).as("no design handle yet: only recorded").isTrue();
        AtomicInteger runs = new AtomicInteger();
        it.onCancel(runs::incrementAndGet);
        assertThat(runs).hasValue(1);
        assertThat(it.cancel()).isFalse();
        assertThat(runs).hasValue(1);
    }

    @Test
    void oneHandlePerItem() {
        Item it = item();
        it.onCancel(() -> { });
        assertThatThrownBy(() -> it.onCancel(() -> { })).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already registered");
    }

    /** Concurrent cancel and registration: the handle runs exactly once in every interleaving. */
    @Test
    void concurrentCancelAndRegistrationRunTheHandleOnce() throws Exception {
        for (int round = 0; round < 500; round++) {
            Item it = item();
            AtomicInteger runs = new AtomicInteger();
            Thread a = Thread.ofPlatform().start(() -> it.onCancel(runs::incrementAndGet));
            Thread b = Thread.ofPlatform().start(it::cancel);
            Thread c = Thread.ofPlatform().start(it::cancel);
            a.join();
            b.join();
            c.join();
            assertThat(runs).as("round %d", round).hasValue(1);
        }
    }
}
