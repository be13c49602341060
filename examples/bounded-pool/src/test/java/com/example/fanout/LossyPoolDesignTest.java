package com.example.fanout;

import io.fanlab.harness.design.contract.DesignContract;
import io.fanlab.junit.FanlabScenario;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What a failing build looks like: the same checks against a design that loses items. Off by default (it fails
 * on purpose); fanlab's own build turns it on with -Dfanlab.example.broken=true and checks the messages.
 */
@EnabledIfSystemProperty(named = "fanlab.example.broken", matches = "true")
class LossyPoolDesignTest {

    @FanlabScenario(value = "scenarios/bounded-pool.yaml", designClasses = LossyPoolDesign.class)
    void meetsItsSlosAtEveryWidth() { }

    @Test
    void keepsTheDesignContract() throws Exception {
        DesignContract.of(new LossyPoolDesign()).nothingLostNothingDuplicated();
    }
}
