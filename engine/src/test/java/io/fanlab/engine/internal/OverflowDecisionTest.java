package io.fanlab.engine.internal;

import io.fanlab.engine.spec.Admission;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** One rule per policy, decided once: what a full queue does, and the early-drop probability as a function of fill. */
class OverflowDecisionTest {

    @Test
    void eachPolicyMapsToWhatAFullQueueDoes() {
        assertThat(OverflowDecision.of(new Admission.Overflow.Block()).whenFull).isEqualTo(OverflowDecision.WhenFull.WAIT);
        assertThat(OverflowDecision.of(new Admission.Overflow.Block()).blocks()).isTrue();
        assertThat(OverflowDecision.of(new Admission.Overflow.DropOldest()).whenFull).isEqualTo(OverflowDecision.WhenFull.DROP_OLDEST);
        assertThat(OverflowDecision.of(new Admission.Overflow.DropNewest()).whenFull).isEqualTo(OverflowDecision.WhenFull.SHED_ARRIVING);
        assertThat(OverflowDecision.of(new Admission.Overflow.Probabilistic(0.5)).whenFull).isEqualTo(OverflowDecision.WhenFull.SHED_ARRIVING);
        assertThat(OverflowDecision.of(new Admission.Overflow.DropNewest()).blocks()).isFalse();
    }

    @Test
    void onlyProbabilisticShedsEarly() {
        for (Admission.Overflow o : new Admission.Overflow[] {new Admission.Overflow.Block(), new Admission.Overflow.DropOldest(), new Admission.Overflow.DropNewest()})
            assertThat(OverflowDecision.of(o).shedEarly(99, 100, false, 0.0)).as("%s", o).isFalse();
    }

    @Test
    void earlyDropRisesLinearlyFromTheThresholdToAFullQueue() {
        OverflowDecision d = OverflowDecision.of(new Admission.Overflow.Probabilistic(0.5));
        assertThat(d.shedEarly(49, 100, false, 0.0)).as("below the threshold: never").isFalse();
        assertThat(d.shedEarly(50, 100, false, 0.0)).as("at the threshold: probability 0").isFalse();
        // at fill 0.75 the probability is 0.5: draws below it shed, draws at or above it do not
        assertThat(d.shedEarly(75, 100, false, 0.49)).isTrue();
        assertThat(d.shedEarly(75, 100, false, 0.5)).isFalse();
        assertThat(d.shedEarly(100, 100, false, 0.999)).as("full: probability 1").isTrue();
        assertThat(d.shedEarly(100, 100, true, 0.0)).as("a loop re-entry is never shed early").isFalse();
    }

    @Test
    void aThresholdOfOneShedsOnlyWhenFull() {
        OverflowDecision d = OverflowDecision.of(new Admission.Overflow.Probabilistic(1.0));
        assertThat(d.shedEarly(99, 100, false, 0.0)).isFalse();
        assertThat(d.shedEarly(100, 100, false, 0.0)).isFalse(); // the full queue's rule (SHED_ARRIVING) sheds it
    }
}
