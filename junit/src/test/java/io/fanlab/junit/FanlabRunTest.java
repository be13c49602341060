package io.fanlab.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fanlab.reports.run.RunJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/** Scenarios run from code: forked points see the test classpath, failures read as verdicts, bad input says why. */
class FanlabRunTest {
    @TempDir Path tmp;

    @Test
    void aDesignInstanceRunsInForkedPointJvmsFromTheTestClasspath() throws Exception {
        FanlabResult r = FanlabRun.scenario("scenarios/tiny.yaml").design(new TestDesigns.Pooled()).widths(2, 4)
                .runDirectory(tmp.resolve("pooled")).noReport().run();
        assertThat(r.failures()).isEmpty();
        assertThat(r.passed()).isTrue();
        r.assertPassed();
        assertThat(r.points()).extracting(p -> p.design() + "@" + p.width()).containsExactly("junit-pooled@2", "junit-pooled@4");
        assertThat(r.point("junit-pooled", 4).offered()).isPositive();
        // each point ran in its own JVM: the point folders hold the child's logs
        assertThat(tmp.resolve("pooled/points/junit-pooled-w4-r0/stderr.log")).exists();
        JsonNode env = RunJson.MAPPER.readTree(tmp.resolve("pooled/environment.json").toFile());
        assertThat(env.path("command").asText()).isEqualTo("mvn test -Dtest=" + FanlabRunTest.class.getName() + "#aDesignInstanceRunsInForkedPointJvmsFromTheTestClasspath");
    }

    @Test
    void aDesignThatLosesItemsFailsWithWhereAndHowMany() {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        FanlabResult r = FanlabRun.scenario(ScenarioBuilder.named("lossy").seed(3).phases("200ms", "800ms", "300ms").openLoad("constant", "250/s")
                        .stage("work", s -> s.queue(256).sleep("constant", "1ms")).latencySlo("response", 99, "500ms").nothingLost().sweep("work", 4))
                .design(new TestDesigns.Lossy()).inProcess().noReport().runDirectory(tmp.resolve("lossy")).output(new PrintStream(progress, true)).run();
        assertThat(r.passed()).isFalse();
        // the first line is the lost items; a machine too busy for the generator may add an "invalid measurement" line
        assertThat(r.failures().get(0)).matches("junit-lossy at width 4: items lost or duplicated: \\d+ of \\d+ offered items never ended \\(completed \\d+, .*\\)");
        long offered = r.point("junit-lossy", 4).offered();
        assertThat(r.failures().get(0)).contains(offered / 50 + " of " + offered + " offered items never ended");
        assertThatThrownBy(r::assertPassed).isInstanceOf(AssertionFailedError.class)
                .hasMessageStartingWith("fanlab scenario 'lossy' failed: 1 of 1 point(s) missed an SLO or a check\n  junit-lossy at width 4: items lost")
                .hasMessageContaining("FAIL (items lost)")
                .hasMessageContaining("run directory: " + tmp.resolve("lossy"));
        assertThat(progress.toString()).contains("junit-lossy");
    }

    @Test
    void aMissedSloNamesTheSloTheWidthAndActualVersusLimit() {
        FanlabResult r = FanlabRun.scenario(ScenarioBuilder.named("slow").seed(3).phases("200ms", "800ms", "300ms").openLoad("constant", "200/s")
                        .stage("work", s -> s.queue(256).sleep("constant", "2ms")).latencySlo("response", 50, "1ms").sweep("work", 4))
                .designs("tpe").inProcess().noReport().runDirectory(tmp.resolve("slow")).output(new PrintStream(new ByteArrayOutputStream())).run();
        assertThat(r.passed()).isFalse();
        assertThat(r.failures()).anySatisfy(f -> assertThat(f)
                .matches("tpe at width 4: SLO 'p50 response <= 1ms' missed: actual \\d+(\\.\\d+)?ms vs limit 1ms"));
    }

    @Test
    void widthsAndRepeatsSweepAsFromTheCli() {
        // widths >= users: a user stopped while blocked in vt-per-item's submit is counted offered but never reported
        // (the SPI does not say whose an interrupted submit's item is), which this test is not about
        FanlabResult r = FanlabRun.scenario(ScenarioBuilder.named("sweep").phases("100ms", "400ms", "200ms").closedLoad(2)
                        .stage("work", s -> s.sleep("constant", "1ms")).nothingLost().sweep("work", 1).repeats(2))
                .designs("tpe", "vt-per-item").widths(2, 3).inProcess().noReport().runDirectory(tmp.resolve("sweep"))
                .output(new PrintStream(new ByteArrayOutputStream())).run();
        assertThat(r.points()).extracting(p -> p.id()).containsExactly(
                "tpe-w2-r0", "tpe-w2-r1", "tpe-w3-r0", "tpe-w3-r1", "vt-per-item-w2-r0", "vt-per-item-w2-r1", "vt-per-item-w3-r0", "vt-per-item-w3-r1");
        assertThat(r.failures()).isEmpty();
        assertThat(tmp.resolve("sweep/results.json")).exists();
    }

    @Test
    void aDesignForkedPointsCannotRecreateIsBadInputUnlessInProcess() {
        assertThatThrownBy(() -> FanlabRun.scenario("scenarios/tiny.yaml").design(new TestDesigns.Configured(3)).runDirectory(tmp.resolve("c")).run())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("design 'junit-configured-3'").hasMessageContaining("public no-argument constructor").hasMessageContaining("inProcess()");
        assertThat(Files.exists(tmp.resolve("c"))).isFalse();
    }

    @Test
    void anInvalidScenarioListsEveryProblem() {
        assertThatThrownBy(() -> FanlabRun.scenario(ScenarioBuilder.named("bad").openLoad("fast").stage("w", s -> s.sleep("constant", "1ms")))
                .designs("nope").run())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("builder:bad:").hasMessageContaining("load.open.rate").hasMessageContaining("nothing was run");
    }

    @Test
    void requireCapabilitiesRefusesADesignThatWouldIgnoreAPolicy() {
        assertThatThrownBy(() -> FanlabRun.scenario(ScenarioBuilder.named("caps").openLoad("100/s").stage("w", s -> s.timeout("5ms").sleep("constant", "1ms")))
                .designs("tpe").requireCapabilities().runDirectory(tmp.resolve("caps")).run())
                .isInstanceOf(AssertionFailedError.class)
                .hasMessage("fanlab: requireCapabilities: design tpe would ignore w.timeout (declared: [GRAPH, CANCEL]); nothing was run.");
    }
}
