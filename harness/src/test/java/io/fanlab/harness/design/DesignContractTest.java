package io.fanlab.harness.design;

import io.fanlab.harness.design.contract.DesignContract;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every design on the classpath keeps (the reference engine's variants, the baselines, and any
 * user design a test classpath adds): nothing lost, nothing duplicated, no thread left behind after close or
 * cancel, cancel returns within its bound and counts the stuck item. The checks are the shipped test kit,
 * {@link DesignContract}, which a user's own tests call the same way.
 */
class DesignContractTest {

    /** Every design on the classpath except the deliberately broken ones of the failure-mode tests. */
    static Stream<String> designs() { return Designs.discover().keySet().stream().filter(n -> !n.startsWith("broken-")); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("designs")
    void everyItemEndsExactlyOnceAndNoThreadIsLeftAfterClose(String name) throws Exception {
        DesignContract.of(Designs.discover().get(name)).nothingLostNothingDuplicated();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("designs")
    void cancelEndsInFlightItemsAndReportsAStuckOne(String name) throws Exception {
        DesignContract.of(Designs.discover().get(name)).cancelIsBoundedAndCountsStuckItems();
    }
}
