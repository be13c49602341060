package io.fanlab.harness.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class UnitsTest {
    @Property
    void durationTextRoundTrips(@ForAll @LongRange(min = -1_000_000_000_000_000L, max = 1_000_000_000_000_000L) long nanos) {
        Duration d = Duration.ofNanos(nanos);
        assertThat(Units.parseDuration(Units.formatDuration(d))).isEqualTo(d);
    }

    @Property
    void sizeTextRoundTrips(@ForAll @LongRange(min = 0, max = 1L << 50) long bytes) {
        assertThat(Units.parseSize(Units.formatSize(bytes))).isEqualTo(bytes);
        assertThat(Units.parseByteRate(Units.formatByteRate(bytes))).isEqualTo(bytes);
    }

    @Property
    void rateTextRoundTrips(@ForAll double perSecond) {
        if (Double.isNaN(perSecond) || Double.isInfinite(perSecond)) return;
        assertThat(Units.parseRatePerSecond(Units.formatRate(perSecond))).isEqualTo(perSecond);
    }

    @Test
    void parsesEveryUnit() {
        assertThat(Units.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Units.parseDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Units.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Units.parseDuration("500us")).isEqualTo(Duration.ofNanos(500_000));
        assertThat(Units.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Units.parseDuration("7ns")).isEqualTo(Duration.ofNanos(7));
        assertThat(Units.parseRatePerSecond("1200/s")).isEqualTo(1200.0);
        assertThat(Units.parseRatePerSecond("72000/min")).isEqualTo(1200.0);
        assertThat(Units.parseRatePerSecond("3600/h")).isEqualTo(1.0);
        assertThat(Units.parseSize("64KiB")).isEqualTo(65536);
        assertThat(Units.parseSize("1MiB")).isEqualTo(1 << 20);
        assertThat(Units.parseSize("512B")).isEqualTo(512);
        assertThat(Units.parseSize("2KB")).isEqualTo(2000);
        assertThat(Units.parseByteRate("512MiB/s")).isEqualTo(512L << 20);
        assertThat(Units.formatDuration(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Units.formatSize(65536)).isEqualTo("64KiB");
    }

    @Test
    void bareNumbersAndUnknownUnitsAreRejected() {
        assertThat(rejected(() -> Units.parseDuration("100"))).containsExactly("100", "a duration with a unit: ns, us, ms, s, m or h, e.g. 250ms; a bare number has no unit");
        assertThat(rejected(() -> Units.parseDuration("100 sec"))).containsExactly("100 sec", "a duration with a unit: ns, us, ms, s, m or h, e.g. 250ms");
        assertThat(rejected(() -> Units.parseDuration("0.5ns")).get(1)).contains("a whole number of nanoseconds");
        assertThat(rejected(() -> Units.parseRatePerSecond("1200")).get(1)).endsWith("; a bare number has no unit");
        assertThat(rejected(() -> Units.parseSize("64")).get(1)).endsWith("; a bare number has no unit");
        assertThat(rejected(() -> Units.parseSize("1.5MiB"))).containsExactly("1.5MiB", "a size with a unit: B, KiB, MiB, GiB, KB, MB or GB, e.g. 64KiB");
        assertThat(rejected(() -> Units.parseSize("9999999999GiB")).get(1)).endsWith("at most 8EiB");
    }

    /** The parser's typed complaint: {value, rule}; the field is the caller's (empty here). */
    private static List<String> rejected(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        io.fanlab.engine.spec.InvalidField e = org.assertj.core.api.Assertions.catchThrowableOfType(io.fanlab.engine.spec.InvalidField.class, call);
        assertThat(e).as("an InvalidField").isNotNull();
        assertThat(e.field()).isEmpty();
        return List.of(e.value(), e.rule());
    }
}
