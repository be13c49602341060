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
    }

    @Test
    void aDesignThatForgetsADefaultNamedForkJoinPoolFails() {
        // its threads are named like the JDK's own (ForkJoinPool-N-worker-M): only a census by owner finds them
        var leaky = new BrokenDesigns().designs().stream().filter(d -> d.name().equals("broken-leaky-forkjoin")).findFirst().orElseThrow();
        assertThatThrownBy(() -> DesignContract.of(leaky).items(100).threadGrace(Duration.ofMillis(300)).nothingLostNothingDuplicated())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("design broken-leaky-forkjoin: nothing lost, nothing duplicated: ")
                .hasMessageContaining("ForkJoinPool-");
    }
}
