package io.fanlab.harness.design.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fanlab.harness.design.Designs;
import io.fanlab.harness.design.broken.BrokenDesigns;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The kit fails designs that break the contract, with a message that says how; it passes a correct one. */
class DesignContractKitTest {

    @Test
    void aDesignThatLosesItemsFailsWithTheMissingItems() {
        assertThatThrownBy(() -> DesignContract.of(new BrokenDesigns.Lossy()).items(1_000).nothingLostNothingDuplicated())
                .isInstanceOf(AssertionError.class)
                .hasMessage("design broken-lossy: nothing lost, nothing duplicated: 1000 items submitted, 10 never reported"
                        + " (first seqs: [99, 199, 299, 399, 499, 599, 699, 799, 899, 999]), 0 reported more than once");
    }

    @Test
    void aDesignThatLeaksAThreadFailsNamingTheThread() {
        assertThatThrownBy(() -> DesignContract.of(new BrokenDesigns.Leaky()).items(100).threadGrace(Duration.ofMillis(300)).nothingLostNothingDuplicated())
                .isInstanceOf(AssertionError.class)
                .hasMessage("design broken-leaky: nothing lost, nothing duplicated: 1 thread(s) still alive 300 ms after the design stopped: [fanlab-leak]");
    }

    @Test
    void verifyRunsEveryCheckAndPassesACorrectDesign() throws Exception {
        DesignContract.of(Designs.discover().get("tpe")).items(500).verify();
        assertThat(DesignContract.JDK_THREADS.matcher("ForkJoinPool.commonPool-worker-3").matches()).isTrue();
        assertThat(DesignContract.JDK_THREADS.matcher("pool-1-thread-1").matches()).isFalse();
    }
}
