package io.fanlab.harness.validity;

import io.fanlab.reports.run.PointResult;
import java.util.Locale;

/**
 * The M/M/c self-test's verdict on one point (scenarios/selftest.yaml, and any point that is an M/M/c system):
 * measured response time against the Erlang C prediction.
 *
 * <p>The prediction is the calibrated one when the point has it: Erlang C with the service mean the machine
 * actually delivered (a 2 ms sleep overshoots by the timer slack), which isolates what the harness adds (generator
 * lag, hand-off, recording) from the sleep's own overshoot. Otherwise the nominal one.
 *
 * <h2>Bounds</h2>
 * Pass when {@code |mean error| <= 5%} and {@code |p99 error| <= 10%} at utilisation {@code rho <= 0.8}. Points above
 * 0.8 are reported, not judged: near saturation the prediction's sensitivity to the measured service rate grows like
 * {@code 1 / (1 - rho)} (a 1% error in mu moves the mean wait by 5% at rho 0.8 and 10% at 0.9), so the bound would
 * judge the calibration, not the harness. 5% on the mean is about 0.1 ms of a 2 ms service: above the harness's own
 * floor on a quiet machine (RESULTS.md), so a pass says the harness adds less than the design's own variation. 10%
 * on p99: a p99 from a few thousand exponential samples has a relative standard error of a few percent.
 */
public final class SelfTestVerdict {
    public static final double MEAN_BOUND = 0.05;
    public static final double P99_BOUND = 0.10;
    public static final double RHO_BOUND = 0.8;
    public static final String PASS = "pass", FAIL = "fail", NOT_JUDGED = "not_judged";

    private SelfTestVerdict() {}

    /**
     * The verdict, or null when there is no prediction or no measured response. Utilisation is judged on the
     * service time the machine delivered whenever one was measured: when that makes the system unstable
     * ({@code rho >= 1}, so there is no calibrated prediction), the point is near saturation and not judged, even if
     * the nominal prediction exists.
     *
     * @param service the point's measured service time ({@code service_ms}), or null
     */
    public static PointResult.SelfTest judge(PointResult.ErlangC e, PointResult.Latency response, PointResult.Latency service) {
        if (e == null || response == null || response.count() == 0) return null;
        boolean cal = e.calibratedMu() != null && e.calibratedMeanMs() != null && e.calibratedP99Ms() != null;
        double mu = cal ? e.calibratedMu() : e.mu();
        double mean = cal ? e.calibratedMeanMs() : e.meanMs();
        double p99 = cal ? e.calibratedP99Ms() : e.p99Ms();
        double rho = e.lambda() / (e.c() * mu);
        if (!cal && service != null && service.count() > 0 && service.mean() > 0) rho = e.lambda() * service.mean() / 1000 / e.c();
        double meanErr = (response.mean() - mean) / mean;
        double p99Err = (response.p99() - p99) / p99;
        String verdict = rho > RHO_BOUND ? NOT_JUDGED
                : Math.abs(meanErr) <= MEAN_BOUND && Math.abs(p99Err) <= P99_BOUND ? PASS : FAIL;
        return new PointResult.SelfTest(verdict, cal ? "calibrated" : "nominal", rho, meanErr, p99Err, MEAN_BOUND, P99_BOUND, RHO_BOUND);
    }

    /** One sentence for warnings and the console. */
    public static String describe(PointResult.SelfTest s) {
        String head = switch (s.verdict()) {
            case PASS -> "self-test passed";
            case FAIL -> "self-test failed (this machine cannot measure to the bounds now)";
            default -> String.format(Locale.ROOT, "self-test not judged (rho %.2f > %.1f: near saturation)", s.rho(), s.rhoBound());
        };
        return String.format(Locale.ROOT, "%s: M/M/c at rho %.2f, mean response %+.1f%% (bound %.0f%%), p99 %+.1f%% (bound %.0f%%) vs Erlang C (%s)",
                head, s.rho(), s.meanError() * 100, s.meanBound() * 100, s.p99Error() * 100, s.p99Bound() * 100, s.basis());
    }
}
