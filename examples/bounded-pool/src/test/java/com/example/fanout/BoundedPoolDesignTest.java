package com.example.fanout;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fanlab.harness.design.contract.DesignContract;
import io.fanlab.junit.FanlabResult;
import io.fanlab.junit.FanlabRun;
import io.fanlab.junit.FanlabScenario;
import io.fanlab.junit.ScenarioBuilder;
import org.junit.jupiter.api.Test;

/** The example design's tests: a scenario from a file, one built in code, and the design contract. */
class BoundedPoolDesignTest {

    /** Each width runs in its own JVM; the run directory is target/fanlab-runs/BoundedPoolDesignTest.meetsItsSlosAtEveryWidth/. */
    @FanlabScenario("scenarios/bounded-pool.yaml")
    void meetsItsSlosAtEveryWidth(FanlabResult result) {
        assertTrue(result.point("bounded-pool", 8).throughput() > 0);
    }

    /** The same kind of check from code, with a design instance and a scenario built in code (in this JVM, for speed). */
    @Test
    void keepsEveryItemWithFourUsers() {
        FanlabRun.scenario(ScenarioBuilder.named("built-in-code").seed(7).phases("200ms", "1s", "300ms").closedLoad(4)
                        .stage("work", s -> s.queue(128).sleep("exponential", "1ms")).nothingLost().noLeakedThreads().sweep("work", 4))
                .design(new BoundedPoolDesign()).inProcess().run().assertPassed();
    }

    /** Nothing lost or duplicated, cancel bounded with a stuck item, no thread left behind. */
    @Test
    void keepsTheDesignContract() throws Exception {
        DesignContract.of(new BoundedPoolDesign()).verify();
    }
}
