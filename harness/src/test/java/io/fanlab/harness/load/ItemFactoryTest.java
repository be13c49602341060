package io.fanlab.harness.load;

import static org.assertj.core.api.Assertions.*;

import io.fanlab.harness.design.Item;
import io.fanlab.harness.fault.FaultSpec;
import io.fanlab.harness.scenario.KeySpec;
import io.fanlab.harness.stream.ItemStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ItemFactoryTest {
    @Test
    void streamFactoryJudgesTheHotKeyWindowByOffsetFromRunStart() {
        var stream = new ItemStream(3, new KeySpec.Uniform(1_000_000), 5,
                List.of(new FaultSpec.HotKey(Duration.ofSeconds(1), Duration.ofSeconds(1), 1.0)));
        long runStart = 123_456_789_000L;
        ItemFactory f = ItemFactory.of(stream, runStart);
        for (long seq = 0; seq < 1000; seq++) {
            Item before = f.create(seq, runStart + 999_999_999L);
            Item inside = f.create(seq, runStart + 1_000_000_000L);
            assertThat(before.key()).isEqualTo(stream.key(seq, 999_999_999L));
            assertThat(inside.key()).isZero(); // share 1.0: every item in the window is hot
            assertThat(inside.tenant()).isEqualTo(stream.tenant(seq));
            assertThat(inside.intendedStartNanos()).isEqualTo(runStart + 1_000_000_000L);
            assertThat(inside.seq()).isEqualTo(seq);
            assertThat(inside.request()).isEqualTo(seq);
        }
    }
}
