package io.fanlab.engine.limit;

import io.fanlab.engine.spec.Bulkhead;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantBulkheadTest {

    @Test
    void capsAreFloorOfShareTimesTotalAtLeastOne() {
        var total = new AtomicInteger(10);
        var b = new TenantBulkhead(new Bulkhead(Map.of("a", 0.5, "b", 0.29, "c", 0.01), false), total::get);
        assertThat(b.cap("a")).isEqualTo(5);
        assertThat(b.cap("b")).isEqualTo(2);
        assertThat(b.cap("c")).isEqualTo(1);   // floor 0.1 -> at least 1
        assertThat(b.cap("zz")).isEqualTo(2);  // others: floor(0.2 * 10)
        total.set(100);
        assertThat(b.cap("b")).isEqualTo(29);  // 0.29 * 100 is 28.999... in binary
    }

    @Test
    void withoutBurstATenantNeverExceedsItsCap() {
        var b = new TenantBulkhead(new Bulkhead(Map.of("a", 0.3), false), () -> 10);
        assertThat(b.tryAcquire("a", 2)).isTrue();
        assertThat(b.tryAcquire("a", 2)).isFalse(); // 4 > 3
        assertThat(b.tryAcquire("a", 1)).isTrue();
        assertThat(b.inUse("a")).isEqualTo(3);
        // others share the remaining 0.7: 7 permits for all unlisted tenants together
        assertThat(b.tryAcquire("x", 4)).isTrue();
        assertThat(b.tryAcquire("y", 3)).isTrue();
        assertThat(b.tryAcquire("z", 1)).isFalse();
        b.release("x", 4);
        assertThat(b.inUse("x")).isZero();
        assertThat(b.tryAcquire("z", 1)).isTrue();
        assertThat(b.totalInUse()).isEqualTo(7);
    }

    @Test
    void withBurstATenantBorrowsUnusedPermitsButNeverTheTotal() {
        var b = new TenantBulkhead(new Bulkhead(Map.of("a", 0.3, "b", 0.7), true), () -> 10);
        assertThat(b.tryAcquire("a", 8)).isTrue();  // over its cap of 3, total 8 <= 10
        assertThat(b.tryAcquire("b", 3)).isFalse(); // total would be 11
        assertThat(b.tryAcquire("b", 2)).isTrue();
        assertThat(b.tryAcquire("a", 1)).isFalse();
        b.release("a", 8);
        assertThat(b.tryAcquire("b", 8)).isTrue();
    }

    @Test
    void releasingMoreThanHeldIsAnError() {
        var b = new TenantBulkhead(new Bulkhead(Map.of(), false), () -> 10);
        assertThat(b.tryAcquire("a", 2)).isTrue();
        assertThatThrownBy(() -> b.release("a", 3)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("holds 2");
        assertThatThrownBy(() -> b.tryAcquire("a", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("weight: 0 (expected: >= 1)");
    }

    record Op(String tenant, int weight, boolean acquire) {}

    @Provide
    Arbitrary<Op> ops() {
        return Combinators.combine(Arbitraries.of("a", "b", "c", "x", "y"), Arbitraries.integers().between(1, 6),
                Arbitraries.integers().between(0, 2)).as((t, w, k) -> new Op(t, w, k != 0));
    }

    @Property(tries = 300)
    void neverExceedsTotalAndWithoutBurstNeverACap(@ForAll boolean burst, @ForAll @IntRange(min = 1, max = 40) int total,
                                                   @ForAll @Size(max = 100) List<@From("ops") Op> script) {
        var spec = new Bulkhead(Map.of("a", 0.5, "b", 0.25, "c", 0.05), burst);
        var b = new TenantBulkhead(spec, () -> total);
        Map<String, List<Integer>> held = new HashMap<>();
        for (Op op : script) {
            if (op.acquire()) {
                if (b.tryAcquire(op.tenant(), op.weight()))
                    held.computeIfAbsent(op.tenant(), t -> new ArrayList<>()).add(op.weight());
            } else {
                List<Integer> mine = held.getOrDefault(op.tenant(), List.of());
                if (!mine.isEmpty()) b.release(op.tenant(), mine.removeLast());
            }
            int sum = 0, others = 0;
            for (String t : List.of("a", "b", "c", "x", "y")) {
                int h = b.inUse(t);
                assertThat(h).isEqualTo(held.getOrDefault(t, List.of()).stream().mapToInt(Integer::intValue).sum());
                sum += h;
                if (t.equals("x") || t.equals("y")) others += h;
                else if (!burst) assertThat(h).isLessThanOrEqualTo(b.cap(t));
            }
            assertThat(sum).isLessThanOrEqualTo(total).isEqualTo(b.totalInUse());
            if (!burst) assertThat(others).isLessThanOrEqualTo(b.cap("x"));
        }
    }
}
