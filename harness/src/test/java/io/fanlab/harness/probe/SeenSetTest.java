package io.fanlab.harness.probe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** SeenSet (issue 10, defect 12): duplicates are found below 2^32; above it items are counted unchecked, never an exception. */
class SeenSetTest {
    @Test
    void findsDuplicatesAcrossChunks() {
        SeenSet s = new SeenSet();
        for (long seq : new long[] {0, 1, 63, 64, (1 << 20) - 1, 1 << 20, SeenSet.CAPACITY - 1}) {
            assertThat(s.add(seq)).as("first add of " + seq).isTrue();
            assertThat(s.add(seq)).as("second add of " + seq).isFalse();
        }
        assertThat(s.unchecked()).isZero();
    }

    @Test
    void beyondTwoToTheThirtyTwoItemsAreCountedUncheckedNotRefused() {
        SeenSet s = new SeenSet();
        assertThat(SeenSet.CAPACITY).isEqualTo(1L << 32);
        assertThat(s.add(1L << 32)).isTrue();
        assertThat(s.add((1L << 32) + 5)).isTrue();
        assertThat(s.unchecked()).isEqualTo(2);
    }
}
