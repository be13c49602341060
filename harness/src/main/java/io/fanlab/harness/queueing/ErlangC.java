package io.fanlab.harness.queueing;

/**
 * The M/M/c queue: Poisson arrivals at rate lambda, c identical servers with exponential service of rate mu, one
 * FIFO queue of unbounded length.
 *
 * <h2>Implementation notes</h2>
 * <ul>
 *   <li><b>Erlang C</b> (probability an arrival waits) is computed from Erlang B by the recurrence
 *       {@code B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1))} with offered load {@code a = lambda / mu}, then
 *       {@code C = c B / (c - a (1 - B))}. Every step stays in [0, 1], so there is no factorial or power to
 *       overflow; c up to {@link #MAX_SERVERS} costs O(c).</li>
 *   <li><b>Sojourn time</b> {@code T = W + S}: W is 0 with probability {@code 1 - C}, otherwise {@code Exp(theta)}
 *       with {@code theta = c mu - lambda}; S is {@code Exp(mu)}, independent of W. So
 *       {@code P(T > t) = (1 - C) e^{-mu t} + C P(X + Y > t)} with X ~ Exp(theta), Y ~ Exp(mu). For rates
 *       {@code p <= q}, {@code P(X + Y > t) = e^{-p t} (1 - p expm1(-(q - p) t) / (q - p))}, which tends to the
 *       Erlang-2 form {@code e^{-p t}(1 + p t)} as {@code q -> p} without the cancellation of the textbook form
 *       {@code (q e^{-p t} - p e^{-q t}) / (q - p)}.</li>
 *   <li><b>Quantiles</b> invert that CDF by bisection (bracket doubled from the mean until it holds the quantile,
 *       then halved until the interval is below 1e-12 relative).</li>
 * </ul>
 * Reference: Kleinrock, <i>Queueing Systems Vol. 1</i> (1975), section 3.5; Gross &amp; Harris, <i>Fundamentals
 * of Queueing Theory</i>, section 2.3 (M/M/c, waiting-time distribution).
 */
public final class ErlangC {
    public static final int MAX_SERVERS = 1_000_000;

    private ErlangC() {}

    /**
     * Predicts an M/M/c queue. With {@code rho = lambda / (c mu) >= 1} the queue is unstable: the prediction
     * says so ({@link Prediction#stable()} false) and its figures are NaN.
     *
     * @param lambdaPerSec   arrival rate, per second, > 0
     * @param meanServiceSec mean service time, seconds, > 0 (mu = 1 / meanServiceSec)
     * @param c              servers, 1..{@link #MAX_SERVERS}
     */
    public static Prediction mmc(double lambdaPerSec, double meanServiceSec, int c) {
        if (!(lambdaPerSec > 0) || Double.isInfinite(lambdaPerSec))
            throw new IllegalArgumentException("lambda: " + lambdaPerSec + "/s (expected: finite > 0/s)");
        if (!(meanServiceSec > 0) || Double.isInfinite(meanServiceSec))
            throw new IllegalArgumentException("meanService: " + meanServiceSec + "s (expected: finite > 0s)");
        if (c < 1 || c > MAX_SERVERS) throw new IllegalArgumentException("c: " + c + " (expected: 1.." + MAX_SERVERS + ")");
        double mu = 1 / meanServiceSec;
        double a = lambdaPerSec / mu;
        double rho = a / c;
        if (!(rho < 1)) return new Prediction(c, lambdaPerSec, mu, rho, false, Double.NaN, Double.NaN, Double.NaN);
        double b = erlangB(a, c);
        double waitProbability = c * b / (c - a * (1 - b));
        double meanWait = waitProbability / (c * mu - lambdaPerSec);
        return new Prediction(c, lambdaPerSec, mu, rho, true, waitProbability, meanWait, meanWait + 1 / mu);
    }

    /** Erlang B blocking probability for offered load {@code a} (erlangs) on {@code c} servers, by recurrence. */
    public static double erlangB(double a, int c) {
        if (!(a >= 0) || Double.isInfinite(a)) throw new IllegalArgumentException("a: " + a + " (expected: finite >= 0)");
        if (c < 0) throw new IllegalArgumentException("c: " + c + " (expected: >= 0)");
        double b = 1;
        for (int k = 1; k <= c; k++) b = a * b / (k + a * b);
        return b;
    }

    /**
     * An M/M/c prediction; rates per second, times in seconds.
     *
     * @param rho             utilisation lambda / (c mu)
     * @param stable          rho < 1; when false every figure below is NaN
     * @param waitProbability Erlang C: probability an arrival has to queue
     * @param meanWaitSec     mean time in queue
     * @param meanResponseSec mean sojourn time (queue + service)
     */
    public record Prediction(int c, double lambda, double mu, double rho, boolean stable, double waitProbability,
                             double meanWaitSec, double meanResponseSec) {

        /** Mean number in system, {@code lambda * meanResponseSec} (Little). */
        public double meanInSystem() { return lambda * meanResponseSec; }

        /** {@code P(T <= t)} for the sojourn time T, t in seconds. */
        public double responseCdf(double t) {
            requireStable();
            if (!(t > 0)) return 0;
            return 1 - responseSurvival(t);
        }

        private double responseSurvival(double t) {
            double theta = c * mu - lambda;
            return (1 - waitProbability) * Math.exp(-mu * t) + waitProbability * hypoexponentialSurvival(theta, mu, t);
        }

        /**
         * The response (sojourn) time quantile, seconds: the t with {@code P(T <= t) = q}.
         *
         * @param q in [0, 1)
         * @throws IllegalStateException when the queue is unstable
         */
        public double responseQuantileSec(double q) {
            requireStable();
            if (!(q >= 0 && q < 1)) throw new IllegalArgumentException("q: " + q + " (expected: 0 <= q < 1)");
            if (q == 0) return 0;
            double target = 1 - q; // solve on the survival function: no cancellation in the far tail
            double lo = 0, hi = Math.max(meanResponseSec, 1e-300);
            while (responseSurvival(hi) > target) {
                lo = hi;
                hi *= 2;
            }
            for (int i = 0; i < 2000 && hi - lo > 1e-12 * hi; i++) {
                double mid = (lo + hi) / 2;
                if (responseSurvival(mid) > target) lo = mid;
                else hi = mid;
            }
            return (lo + hi) / 2;
        }

        private void requireStable() {
            if (!stable) throw new IllegalStateException("M/M/" + c + " with rho " + rho + " is unstable (expected: rho < 1)");
        }

        /** One line: the figures, or "unstable". */
        public String summary() {
            if (!stable) return String.format(java.util.Locale.ROOT, "M/M/%d lambda=%.4g/s mu=%.4g/s rho=%.4f: unstable", c, lambda, mu, rho);
            return String.format(java.util.Locale.ROOT, "M/M/%d lambda=%.4g/s mu=%.4g/s rho=%.4f C=%.4f Wq=%.4gs W=%.4gs p99=%.4gs",
                    c, lambda, mu, rho, waitProbability, meanWaitSec, meanResponseSec, responseQuantileSec(0.99));
        }
    }

    /** P(X + Y > t) for independent X ~ Exp(r1), Y ~ Exp(r2); stable for r1 close to r2. */
    static double hypoexponentialSurvival(double r1, double r2, double t) {
        double p = Math.min(r1, r2), q = Math.max(r1, r2), d = q - p;
        double ratio = d == 0 ? -t : Math.expm1(-d * t) / d; // (e^{-dt} - 1) / d, -> -t as d -> 0
        return Math.exp(-p * t) * (1 - p * ratio);
    }
}
