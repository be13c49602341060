package io.fanlab.bench;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;

import static org.assertj.core.api.Assertions.assertThat;

/** The "~1 us" work level in every benchmark's params is the calibrated {@link ItemWork#TOKENS_1US}. */
class WorkParamsTest {
    private static String[] params(Class<?> c, String field) throws NoSuchFieldException {
        return c.getField(field).getAnnotation(Param.class).value();
    }

    @Test
    void cpuBenchmarksUseNoWorkAndTheCalibratedTokens() throws Exception {
        String oneMicro = Integer.toString(ItemWork.TOKENS_1US);
        assertThat(params(CpuFanOutBenchmark.class, "tokens")).containsExactly("0", oneMicro);
        assertThat(params(BatchSizeBenchmark.class, "tokens")).containsExactly("0", oneMicro);
        assertThat(params(WorkCalibrationBenchmark.class, "tokens")).containsExactly(oneMicro);
    }

    @Test
    void cpuBenchmarkCoversEveryEngineVariantAndPeerAtTheIssueWidths() throws Exception {
        assertThat(params(CpuFanOutBenchmark.class, "design"))
                .containsExactlyInAnyOrderElementsOf(concat(concat(Designs.ENGINE_VARIANTS, Designs.SUBMITALL_VARIANTS), Designs.CPU_PEERS));
        assertThat(params(CpuFanOutBenchmark.class, "width")).containsExactly("1", "2", "4", "8", "16", "64");
        assertThat(params(IoFanOutBenchmark.class, "width")).containsExactly("16", "64", "256", "1024");
    }

    private static java.util.List<String> concat(java.util.List<String> a, java.util.List<String> b) {
        var out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
