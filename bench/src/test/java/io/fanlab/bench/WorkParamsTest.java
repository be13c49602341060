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

    @Test
    void ioBenchmarkDefaultsToTheSteadyShapeAndTheIssuesWorkAndMeasuresTheCeiling() throws Exception {
        assertThat(params(IoFanOutBenchmark.class, "op")).containsExactly("steady");
        assertThat(params(IoFanOutBenchmark.class, "work")).containsExactly("park");
        assertThat(params(IoFanOutBenchmark.class, "design")).contains("vt-loop", "vt-semaphore", "engine-shared-virtual");
    }

    @Test
    void steadyOpsHoldAtLeast32WavesAndNeverFewerItemsThanTheOriginalShape() {
        assertThat(IoFanOutBenchmark.itemsPerOp("steady", 16)).isEqualTo(4096);
        assertThat(IoFanOutBenchmark.itemsPerOp("steady", 128)).isEqualTo(4096);
        assertThat(IoFanOutBenchmark.itemsPerOp("steady", 256)).isEqualTo(8192);
        assertThat(IoFanOutBenchmark.itemsPerOp("steady", 1024)).isEqualTo(32 * 1024);
        assertThat(IoFanOutBenchmark.itemsPerOp("4096", 1024)).isEqualTo(4096);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IoFanOutBenchmark.itemsPerOp("4097", 16))
                .hasMessage("op: 4097 (expected: steady or 4096)");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IoFanOutBenchmark.itemsPerOp("steady", 0))
                .hasMessage("width: 0 (expected: >= 1)");
    }

    @Test
    void blockingWorkLastsAtLeastItsTimeByEitherPath() throws Exception {
        long nanos = 2_000_000;
        for (ItemWork w : java.util.List.of(ItemWork.park(nanos), ItemWork.sleep(nanos))) {
            long t0 = System.nanoTime();
            assertThat(w.apply(7)).isEqualTo(7);
            assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(nanos);
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ItemWork.sleep(0)).hasMessage("nanos: 0 (expected: > 0)");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IoFanOutBenchmark.work("spin")).hasMessage("work: spin (expected: park or sleep)");
    }

    private static java.util.List<String> concat(java.util.List<String> a, java.util.List<String> b) {
        var out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
