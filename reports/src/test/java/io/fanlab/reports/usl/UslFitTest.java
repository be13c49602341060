package io.fanlab.reports.usl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

class UslFitTest {

    /**
     * R package {@code usl} (smoeding/usl) dataset {@code specsdm91}: SPEC SDM91 on a 16-CPU Sun SPARCcenter 2000
     * (Gunther, Guerrilla Capacity Planning, 2007). Expected fit from the package's own test transcripts
     * {@code tests/summary.Rout.save} and {@code tests/usl-nlxb.Rout.save}: alpha (sigma) 2.773e-02,
     * beta (kappa) 1.044e-04, gamma (lambda) 9.000e+01 (89.9952330 with nlxb), R^2 0.9896,
     * {@code tests/peak-scalability.Rout.save}: peak 97 (2 significant digits).
     */
    static final double[] SPEC_N = {1, 18, 36, 72, 108, 144, 216};
    static final double[] SPEC_X = {64.9, 995.9, 1652.4, 1853.2, 1828.9, 1775.0, 1702.2};

    /**
     * usl4j (codahale/usl4j) {@code ModelTest}: Cisco benchmark from Baron Schwartz, Practical Scalability Analysis
     * with the Universal Scalability Law; the book's fitted values: kappa 7.690945e-4, sigma 0.02671591,
     * lambda 995.6486, N_max 35, X_max 12341 (usl4j asserts within 0.02%).
     */
    static final double[] CISCO_N = new double[32];
    static final double[] CISCO_X = {955.16, 1878.91, 2688.01, 3548.68, 4315.54, 5130.43, 5931.37, 6531.08, 7219.8,
        7867.61, 8278.71, 8646.7, 9047.84, 9426.55, 9645.37, 9897.24, 10097.6, 10240.5, 10532.39, 10798.52, 11151.43,
        11518.63, 11806, 12089.37, 12075.41, 12177.29, 12211.41, 12158.93, 12155.27, 12118.04, 12140.4, 12074.39};

    static {
        for (int i = 0; i < 32; i++) CISCO_N[i] = i + 1;
    }

    @Test
    void specsdm91_matchesRUslPackage_within0_1percentOnCoefficients() {
        UslResult r = UslFit.fit(SPEC_N, SPEC_X);
        // R prints 4 significant digits (summary) / 7 (nlxb lambda); we hold 0.1% on each coefficient.
        assertThat(r.sigma()).isCloseTo(0.0277285, withinPercentage(0.1));
        assertThat(r.kappa()).isCloseTo(0.0001044, withinPercentage(0.1));
        assertThat(r.lambda()).isCloseTo(89.9952330, withinPercentage(0.1));
        assertThat(r.r2()).isCloseTo(0.9896, within(0.00005));
        assertThat(Math.round(r.nPeak())).isEqualTo(97); // R: signif(peak.scalability(u), 2) == 97
        assertThat(r.method()).contains("levenberg-marquardt").contains("clamp");
    }

    @Test
    void specsdm91_residualExtremesMatchRSummary_within0_05() {
        UslResult r = UslFit.fit(SPEC_N, SPEC_X);
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < SPEC_N.length; i++) {
            double res = SPEC_X[i] - r.throughputAt(SPEC_N[i]);
            min = Math.min(min, res);
            max = Math.max(max, res);
        }
        assertThat(min).isCloseTo(-81.66, within(0.05)); // summary.Rout.save: Residuals Min -81.66, Max 111.09
        assertThat(max).isCloseTo(111.09, within(0.05));
    }

    @Test
    void cisco_matchesBookValuesAsUsl4j_within0_02percent() {
        UslResult r = UslFit.fit(CISCO_N, CISCO_X);
        assertThat(r.sigma()).isCloseTo(0.02671591, withinPercentage(0.02));
        assertThat(r.kappa()).isCloseTo(7.690945E-4, withinPercentage(0.02));
        assertThat(r.lambda()).isCloseTo(995.6486, withinPercentage(0.02));
        assertThat(Math.floor(r.nPeak())).isEqualTo(35); // book lists N_max 35 (whole users); exact sqrt((1-s)/k) = 35.57
        assertThat(r.xMax()).isCloseTo(12341, withinPercentage(0.02));
        // usl4j ModelTest.throughputAtConcurrency(20) == 11063.633137626028
        assertThat(r.throughputAt(20)).isCloseTo(11063.633, withinPercentage(0.02));
    }

    @Test
    void amdahlData_givesKappaZero_infinitePeak_andAsymptoteXmax() {
        double[] n = {1, 2, 4, 8, 16, 32};
        double[] x = new double[n.length];
        for (int i = 0; i < n.length; i++) x[i] = UslResult.throughput(0.1, 0, 100, n[i]);
        UslResult r = UslFit.fit(n, x);
        assertThat(r.kappa()).isLessThan(1e-12);
        assertThat(r.sigma()).isCloseTo(0.1, within(1e-6));
        assertThat(r.nPeak()).isGreaterThan(1e5);
        UslResult exact = UslResult.of(0.1, 0, 100, 1, "exact");
        assertThat(exact.nPeak()).isInfinite();
        assertThat(exact.xMax()).isEqualTo(1000.0); // kappa == 0: asymptote lambda / sigma
    }

    @Test
    void superlinearData_isClampedAtSigmaZero_neverNegative() {
        double[] n = {1, 2, 3, 4, 5};
        double[] x = {100, 210, 330, 450, 580};
        UslResult r = UslFit.fit(n, x);
        assertThat(r.sigma()).isGreaterThanOrEqualTo(0);
        assertThat(r.kappa()).isGreaterThanOrEqualTo(0);
        assertThat(r.lambda()).isPositive();
    }

    @Property(tries = 60)
    void recoversKnownCoefficients_fromExactUslData(
            @ForAll @DoubleRange(min = 0.0, max = 0.3) double sigma,
            @ForAll @DoubleRange(min = 0.0, max = 2.0) double kappaPerMille,
            @ForAll @DoubleRange(min = 1, max = 1e5) double lambda,
            @ForAll @IntRange(min = 6, max = 16) int points) {
        double kappa = kappaPerMille / 1000;
        double[] n = new double[points];
        double[] x = new double[points];
        for (int i = 0; i < points; i++) {
            n[i] = 1 + 4 * i; // 1, 5, 9, ... up to 61
            x[i] = UslResult.throughput(sigma, kappa, lambda, n[i]);
        }
        UslResult r = UslFit.fit(n, x);
        assertThat(r.lambda()).isCloseTo(lambda, withinPercentage(0.01));
        assertThat(r.sigma()).isCloseTo(sigma, within(1e-6));
        assertThat(r.kappa()).isCloseTo(kappa, within(1e-8));
        assertThat(r.r2()).isGreaterThan(0.999999);
    }

    @Test
    void fitCsv_readsHeaderAndRows(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("spec.csv");
        StringBuilder sb = new StringBuilder("N,throughput\n");
        for (int i = 0; i < SPEC_N.length; i++) sb.append(SPEC_N[i]).append(", ").append(SPEC_X[i]).append('\n');
        Files.writeString(csv, sb);
        UslResult r = UslFit.fitCsv(csv);
        assertThat(r.sigma()).isCloseTo(0.0277285, withinPercentage(0.1));
    }

    @Test
    void fitCsv_withoutHeader_semicolonSeparated(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("cisco.csv");
        StringBuilder sb = new StringBuilder("# cisco\n");
        for (int i = 0; i < CISCO_N.length; i++) sb.append(CISCO_N[i]).append(';').append(CISCO_X[i]).append('\n');
        Files.writeString(csv, sb);
        assertThat(UslFit.fitCsv(csv).lambda()).isCloseTo(995.6486, withinPercentage(0.02));
    }

    @Test
    void fitCsv_badRow_namesFileLineFieldAndRule(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "N,throughput\n1,10\n2,abc\n3,25\n");
        assertThatThrownBy(() -> UslFit.fitCsv(csv))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage(csv + ":3: throughput: \"abc\" (expected: a finite number)");
        Files.writeString(csv, "1,10\n0,20\n3,25\n");
        assertThatThrownBy(() -> UslFit.fitCsv(csv)).hasMessage(csv + ":2: N: 0 (expected: > 0)");
        Files.writeString(csv, "1,10\n2\n");
        assertThatThrownBy(() -> UslFit.fitCsv(csv)).hasMessage(csv + ":2: row: \"2\" (expected: N,throughput)");
        Files.writeString(csv, "N,X\n1,10\n2,20\n");
        assertThatThrownBy(() -> UslFit.fitCsv(csv)).hasMessage(csv + ": rows: 2 (expected: >= 3 data rows)");
    }

    @Test
    void fit_rejectsInvalidInput_withFieldValueRule() {
        assertThatThrownBy(() -> UslFit.fit(new double[] {1, 2}, new double[] {1, 2}))
            .hasMessage("points: 2 (expected: >= 3)");
        assertThatThrownBy(() -> UslFit.fit(new double[] {1, 2, 3}, new double[] {1, 2}))
            .hasMessage("x.length: 2 (expected: == n.length 3)");
        assertThatThrownBy(() -> UslFit.fit(new double[] {1, -2, 3}, new double[] {1, 2, 3}))
            .hasMessage("n[1]: -2.0 (expected: finite and > 0)");
        assertThatThrownBy(() -> UslFit.fit(new double[] {4, 4, 4}, new double[] {1, 2, 3}))
            .hasMessage("n: all 4.0 (expected: >= 2 distinct levels)");
    }
}
