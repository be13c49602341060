package io.fanlab.reports.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileDiffTest {
    static final CollapsedStacks A = CollapsedStacks.parse(List.of(
            "java/lang/Thread.run_[j];a/Work.run_[j];a/Work.spin_[j] 60",
            "java/lang/Thread.run_[j];a/Work.run_[j];a/Queue.take_[j] 30",
            "java/lang/Thread.run_[j];a/Work.run_[j] 10",
            "malformed line without count",
            ""));
    static final CollapsedStacks B = CollapsedStacks.parse(List.of(
            "java/lang/Thread.run_[j];a/Work.run_[j];a/Work.spin_[j] 20",
            "java/lang/Thread.run_[j];a/Work.run_[j];a/Queue.take_[j];a/Queue.lock_[j] 60",
            "java/lang/Thread.run_[j];a/Work.run_[j] 20"));

    @Test
    void framesAreNormalisedAndCountedSelfAndTotalOncePerStack() {
        assertThat(A.samples()).isEqualTo(100);
        assertThat(A.selfShare("a.Work.spin")).isEqualTo(0.6);
        assertThat(A.totalShare("a.Work.run")).isEqualTo(1.0);
        assertThat(A.selfShare("a.Work.run")).isEqualTo(0.1);
        assertThat(A.totalShare("java.lang.Thread.run")).isEqualTo(1.0);
        assertThat(A.topSelf(2)).containsExactly("a.Work.spin", "a.Queue.take");
        CollapsedStacks recursive = CollapsedStacks.parse(List.of("f;g;f 5"));
        assertThat(recursive.totalShare("f")).isEqualTo(1.0);
    }

    @Test
    void rowsOrderedByLargestSelfShareChangeAndSharesAddUp() {
        ProfileDiff d = ProfileDiff.of("w4", A, "w64", B);
        ProfileDiff.Row first = d.rows().get(0);
        assertThat(first.frame()).isIn("a.Work.spin", "a.Queue.lock");
        assertThat(Math.abs(first.selfDelta())).isEqualTo(0.6, within(1e-9));
        double selfA = d.rows().stream().mapToDouble(ProfileDiff.Row::selfA).sum();
        double selfB = d.rows().stream().mapToDouble(ProfileDiff.Row::selfB).sum();
        assertThat(selfA).isEqualTo(1.0, within(1e-9));
        assertThat(selfB).isEqualTo(1.0, within(1e-9));
        assertThat(d.table(3)).contains("w4: 100 samples, w64: 100 samples").contains("a.Queue.lock").contains("+60.0%");
        assertThat(d.html("t <x>", 5)).startsWith("<!DOCTYPE html>").contains("t &lt;x&gt;").doesNotContain("<x>");
    }
}
