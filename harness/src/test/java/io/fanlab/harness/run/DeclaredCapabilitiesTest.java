package io.fanlab.harness.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanlab.harness.design.Design;
import io.fanlab.harness.design.DesignContext;
import io.fanlab.harness.design.Designs;
import io.fanlab.harness.design.Policy;
import io.fanlab.harness.design.RunningDesign;
import io.fanlab.harness.scenario.Scenario;
import io.fanlab.harness.scenario.ScenarioLoader;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The runner warns by a design's declared capabilities, never by its name. */
class DeclaredCapabilitiesTest {
    static final String TWO_STAGES = """
            load: {open: {rate: 100/s}}
            pipeline:
              - name: a
                admission: {overflow: drop_newest}
                timeout: 5ms
                retry: {max_attempts: 3}
                work: {sleep: {constant: 1ms}}
              - name: b
                order: {ordered: {window: 8}}
                work: {cpu: {constant: 10us}}
            """;

    static Scenario scenario(String yaml) throws Exception {
        return ScenarioLoader.parse(yaml, Path.of("caps.yaml"), Designs.discover().keySet());
    }

    static List<String> warnings(Scenario s, Design d) {
        try (PointEnvironment env = PointEnvironment.create(s, s.pipeline().stream().map(c -> c.spec().name()).toList())) {
            return env.warnings(d);
        }
    }

    /** A design named like the engine that declares nothing: the name no longer buys silence. */
    record Declaring(String name, Set<Policy> capabilities) implements Design {
        @Override public String description() { return "test"; }
        @Override public RunningDesign start(DesignContext context) { throw new UnsupportedOperationException(); }
    }

    @Test
    void policiesAreUsedOnlyWhenTheyDifferFromTheFormatsDefaults() throws Exception {
        Scenario s = scenario(TWO_STAGES);
        assertThat(Policy.usedBy(s.pipeline().get(0).spec())).containsExactlyInAnyOrder(Policy.ADMISSION, Policy.TIMEOUT, Policy.RETRY);
        assertThat(Policy.usedBy(s.pipeline().get(1).spec())).containsExactly(Policy.ORDER);
    }

    @Test
    void aDesignThatDeclaresNothingIsToldEveryIgnoredPolicyWhateverItsName() throws Exception {
        assertThat(warnings(scenario(TWO_STAGES), new Declaring("engine-lookalike", Set.of()))).containsExactly(
                "design engine-lookalike ignores a.admission, a.timeout, a.retry, b.order",
                "design engine-lookalike runs all 2 stages in one task at the swept width");
    }

    @Test
    void declaredPoliciesAreNotWarnedAbout() throws Exception {
        assertThat(warnings(scenario(TWO_STAGES), new Declaring("mine", EnumSet.of(Policy.TIMEOUT, Policy.RETRY, Policy.PIPELINE))))
                .containsExactly("design mine ignores a.admission, b.order");
    }

    @Test
    void theBuiltInDesignsDeclareTheirs() throws Exception {
        Map<String, Design> all = Designs.discover();
        Scenario s = scenario(TWO_STAGES);
        for (String engine : List.of("engine", "engine-sharded", "engine-stealing", "engine-batched", "engine-virtual"))
            assertThat(warnings(s, all.get(engine))).as(engine).isEmpty();
        // the baselines block when full whatever admission says: that is now a declared-capability warning too
        assertThat(warnings(s, all.get("tpe"))).first().asString().startsWith("design tpe ignores a.admission, a.timeout");
        assertThat(warnings(s, all.get("vt-per-item"))).first().asString().startsWith("design vt-per-item ignores a.admission,");
    }

    /** A first or quorum join has losers to cancel: a design that cannot cancel one item is told so; join all is not. */
    @Test
    void aJoinWithLosersWarnsADesignThatCannotCancelOneItem() throws Exception {
        String yaml = """
                load: {open: {rate: 100/s}, fanout: 4, join: %s}
                pipeline:
                  - name: q
                    work: {sleep: {constant: 1ms}}
                """;
        Design none = new Declaring("mine", Set.of());
        assertThat(warnings(scenario(yaml.formatted("first")), none))
                .containsExactly("design mine cannot cancel one item (no cancel capability): the join's losers run to their end");
        assertThat(warnings(scenario(yaml.formatted("all")), none)).isEmpty();
        Map<String, Design> all = Designs.discover();
        for (String d : List.of("engine", "tpe", "vt-per-item"))
            assertThat(warnings(scenario(yaml.formatted("quorum(2)")), all.get(d))).as(d).isEmpty();
    }
}
