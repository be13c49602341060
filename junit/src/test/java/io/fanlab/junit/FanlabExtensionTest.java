package io.fanlab.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * {@code @FanlabScenario} end to end, through the JUnit Platform launcher: a passing design runs the body with the
 * result; a design that loses items fails the test with the verdict and the body does not run. The nested classes
 * are run only by these tests (surefire skips nested classes).
 */
class FanlabExtensionTest {
    static final AtomicBoolean bodyRan = new AtomicBoolean();

    static class Passing {
        @FanlabScenario(value = "scenarios/tiny.yaml", designClasses = TestDesigns.Pooled.class, report = true)
        void pooledMeetsItsSlos(FanlabResult result) {
            bodyRan.set(true);
            assertThat(result.point("junit-pooled", 4).offered()).isPositive();
        }
    }

    static class Failing {
        @FanlabScenario(value = "scenarios/tiny.yaml", designClasses = TestDesigns.Lossy.class, widths = {2, 4}, inProcess = true, report = false)
        void lossyLosesItems() {
            bodyRan.set(true);
        }
    }

    static List<TestExecutionResult> run(Class<?> c) {
        List<TestExecutionResult> results = new ArrayList<>();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(c)).build(), new TestExecutionListener() {
            @Override public void executionFinished(TestIdentifier id, TestExecutionResult r) { if (id.isTest()) results.add(r); }
        });
        return results;
    }

    @Test
    void aPassingScenarioRunsTheBodyWithTheResultAndWritesTheRunUnderTarget() {
        bodyRan.set(false);
        List<TestExecutionResult> r = run(Passing.class);
        assertThat(r).singleElement().satisfies(x -> assertThat(x.getStatus()).as("%s", x.getThrowable()).isEqualTo(TestExecutionResult.Status.SUCCESSFUL));
        assertThat(bodyRan).isTrue();
        Path dir = Path.of("target/fanlab-runs/Passing.pooledMeetsItsSlos");
        assertThat(dir.resolve("results.json")).exists();
        assertThat(dir.resolve("report.html")).exists();
        assertThat(Files.exists(dir.resolve("points/junit-pooled-w4-r0/point.json"))).isTrue();
    }

    @Test
    void aLossyDesignFailsTheTestWithTheVerdictAndTheBodyDoesNotRun() {
        bodyRan.set(false);
        List<TestExecutionResult> r = run(Failing.class);
        assertThat(r).singleElement().satisfies(x -> {
            assertThat(x.getStatus()).isEqualTo(TestExecutionResult.Status.FAILED);
            assertThat(x.getThrowable()).get().isInstanceOf(org.opentest4j.AssertionFailedError.class);
            String m = x.getThrowable().get().getMessage();
            assertThat(m).startsWith("fanlab scenario 'tiny' failed: 2 of 2 point(s) missed an SLO or a check\n");
            assertThat(m).containsPattern("junit-lossy at width 2: items lost or duplicated: \\d+ of \\d+ offered items never ended");
            assertThat(m).containsPattern("junit-lossy at width 4: items lost or duplicated");
            assertThat(m).contains("FAIL (items lost)").contains("target/fanlab-runs/Failing.lossyLosesItems");
        });
        assertThat(bodyRan).isFalse();
    }
}
