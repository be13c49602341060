package io.fanlab.reports.usl;

/**
 * A fitted Universal Scalability Law model {@code X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1))}.
 *
 * @param sigma  contention coefficient, {@code >= 0} (dimensionless)
 * @param kappa  coherency coefficient, {@code >= 0} (dimensionless)
 * @param lambda throughput of one unit of concurrency, {@code > 0}, in the unit of the fitted throughput
 * @param nPeak  concurrency of peak throughput, {@code sqrt((1 - sigma) / kappa)}; {@code +Infinity} when
 *               {@code kappa == 0} (no retrograde region) and {@code NaN} when {@code sigma >= 1}
 * @param xMax   predicted throughput at {@code nPeak}; when {@code kappa == 0} the asymptote {@code lambda / sigma}
 *               ({@code +Infinity} when sigma is also 0)
 * @param r2     coefficient of determination {@code 1 - RSS / TSS} of the fit over the input points
 * @param method how the coefficients were found, for the report (e.g. {@code "levenberg-marquardt, bounds clamp"})
 */
public record UslResult(double sigma, double kappa, double lambda, double nPeak, double xMax, double r2, String method) {

    public UslResult {
        if (!(sigma >= 0)) throw new IllegalArgumentException("sigma: " + sigma + " (expected: >= 0)");
        if (!(kappa >= 0)) throw new IllegalArgumentException("kappa: " + kappa + " (expected: >= 0)");
        if (!(lambda > 0)) throw new IllegalArgumentException("lambda: " + lambda + " (expected: > 0)");
        if (method == null || method.isBlank()) throw new IllegalArgumentException("method: " + method + " (expected: non-blank)");
    }

    /** Builds a result from the three coefficients, deriving {@code nPeak} and {@code xMax}; {@code r2} as given. */
    public static UslResult of(double sigma, double kappa, double lambda, double r2, String method) {
        double nPeak = kappa == 0 ? Double.POSITIVE_INFINITY : Math.sqrt((1 - sigma) / kappa);
        double xMax;
        if (kappa == 0) {
            xMax = sigma == 0 ? Double.POSITIVE_INFINITY : lambda / sigma;
        } else {
            xMax = throughput(sigma, kappa, lambda, nPeak);
        }
        return new UslResult(sigma, kappa, lambda, nPeak, xMax, r2, method);
    }

    /** Predicted throughput at concurrency {@code n} (same unit as lambda). */
    public double throughputAt(double n) {
        return throughput(sigma, kappa, lambda, n);
    }

    static double throughput(double sigma, double kappa, double lambda, double n) {
        return lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
    }
}
