package io.fanlab.engine.resilience;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RetryBudgetTest {

    @Test
    void startsFullAndRefillsByRatioPerFirstAttempt() {
        var b = new RetryBudget(0.1);
        assertThat(b.cap()).isEqualTo(10.0);
        for (int i = 0; i < 10; i++) assertThat(b.tryWithdraw()).isTrue();
        assertThat(b.tryWithdraw()).isFalse();
        for (int i = 0; i < 9; i++) b.deposit();
        assertThat(b.balance()).isEqualTo(0.9);
        assertThat(b.tryWithdraw()).isFalse();
        b.deposit();
        assertThat(b.balance()).isEqualTo(1.0);
        assertThat(b.tryWithdraw()).isTrue();
        assertThat(b.balance()).isEqualTo(0.0);
    }

    @Test
    void capIsMaxOfTenAndHundredTimesRatio() {
        assertThat(new RetryBudget(0.5).cap()).isEqualTo(50.0);
        assertThat(new RetryBudget(0.01).cap()).isEqualTo(10.0);
        var b = new RetryBudget(0.5);
        b.deposit();
        assertThat(b.balance()).isEqualTo(50.0);
    }

    @Test
    void zeroRatioAllowsNothing() {
        var b = new RetryBudget(0);
        b.deposit();
        assertThat(b.tryWithdraw()).isFalse();
    }

    /** Withdrawals never exceed cap + ratio * deposits, for any interleaving (true = deposit). */
    @Property(tries = 200)
    void withdrawalsBoundedByCapPlusDeposits(@ForAll @DoubleRange(min = 0, max = 1) double ratio,
                                             @ForAll @Size(max = 300) List<Boolean> ops) {
        var b = new RetryBudget(ratio);
        int deposits = 0, withdrawn = 0;
        for (boolean deposit : ops) {
            if (deposit) { b.deposit(); deposits++; }
            else if (b.tryWithdraw()) withdrawn++;
            assertThat(b.balance()).isBetween(0.0, b.cap());
        }
        assertThat((double) withdrawn).isLessThanOrEqualTo(b.cap() + ratio * deposits + 1e-6);
    }
}
