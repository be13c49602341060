package io.fanlab.reports.usl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.util.Pair;

/**
 * Fits the Universal Scalability Law to (concurrency, throughput) measurements.
 *
 * <h2>Implementation notes</h2>
 * <ul>
 *   <li>Least squares on throughput itself (not on normalised capacity), like R {@code usl} with
 *       {@code method = "nlxb"}/{@code "nls"}: all three coefficients sigma, kappa and lambda are estimated, so no
 *       measurement at N = 1 is needed.</li>
 *   <li>Solver: commons-math3 {@link LevenbergMarquardtOptimizer} with the analytic Jacobian.</li>
 *   <li>Constraints sigma &gt;= 0, kappa &gt;= 0, lambda &gt; 0 are enforced by a <b>bounds clamp</b>: the
 *       optimizer's parameter validator projects every trial point back into the feasible box
 *       (sigma, kappa to {@code max(0, v)}, lambda to {@code max(1e-12 * scale, v)}). A transform
 *       (sigma = s^2) was not used because its zero gradient at 0 stalls LM exactly where real data often sits
 *       (kappa = 0 for an Amdahl-shaped curve).</li>
 *   <li>Start: lambda0 = max(X_i / N_i); sigma0, kappa0 from the linear least squares of Gunther's quadratic
 *       {@code N lambda0 / X - 1 = sigma (N - 1) + kappa N (N - 1)} clamped at 0. Three further starts
 *       (sigma0 in {0.001, 0.05, 0.3}, kappa0 = 1e-4) are tried and the smallest residual sum wins, so a poor
 *       first guess cannot trap the fit in a flat region.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class UslFit {

    /** Method string reported in {@link UslResult#method()}. */
    public static final String METHOD = "levenberg-marquardt (commons-math3), sigma,kappa >= 0 by bounds clamp";

    private UslFit() {
    }

    /**
     * Fits the model to {@code x[i]} measured at concurrency {@code n[i]}.
     *
     * @param n concurrency levels, each finite and {@code > 0}; repeats of a level are allowed
     * @param x throughputs, each finite and {@code >= 0}, same length as {@code n}
     * @throws IllegalArgumentException when the arrays differ in length, hold fewer than 3 points or fewer than
     *                                  2 distinct concurrency levels, or hold a value outside its rule
     * @throws IllegalStateException    when no start converges (the message names the solver's reason)
     */
    public static UslResult fit(double[] n, double[] x) {
        if (n == null || x == null) throw new IllegalArgumentException("n, x: null (expected: arrays)");
        if (n.length != x.length) {
            throw new IllegalArgumentException("x.length: " + x.length + " (expected: == n.length " + n.length + ")");
        }
        if (n.length < 3) throw new IllegalArgumentException("points: " + n.length + " (expected: >= 3)");
        double maxRate = 0;
        double minN = Double.POSITIVE_INFINITY;
        double maxN = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n.length; i++) {
            if (!(n[i] > 0) || !Double.isFinite(n[i])) {
                throw new IllegalArgumentException("n[" + i + "]: " + n[i] + " (expected: finite and > 0)");
            }
            if (!(x[i] >= 0) || !Double.isFinite(x[i])) {
                throw new IllegalArgumentException("x[" + i + "]: " + x[i] + " (expected: finite and >= 0)");
            }
            maxRate = Math.max(maxRate, x[i] / n[i]);
            minN = Math.min(minN, n[i]);
            maxN = Math.max(maxN, n[i]);
        }
        if (minN == maxN) throw new IllegalArgumentException("n: all " + minN + " (expected: >= 2 distinct levels)");
        if (maxRate == 0) throw new IllegalArgumentException("x: all 0 (expected: some throughput > 0)");

        double lambdaFloor = 1e-12 * maxRate;
        List<double[]> starts = new ArrayList<>();
        starts.add(quadraticStart(n, x, maxRate));
        for (double s : new double[] {0.001, 0.05, 0.3}) starts.add(new double[] {s, 1e-4, maxRate});

        LeastSquaresOptimizer.Optimum best = null;
        RuntimeException lastFailure = null;
        for (double[] start : starts) {
            try {
                LeastSquaresOptimizer.Optimum o = solve(n, x, start, lambdaFloor);
                if (best == null || o.getCost() < best.getCost()) best = o;
            } catch (RuntimeException e) {
                lastFailure = e;
            }
        }
        if (best == null) throw new IllegalStateException("USL fit did not converge: " + lastFailure.getMessage(), lastFailure);
        double[] p = clamp(best.getPoint(), lambdaFloor).toArray();
        double sigma = p[0];
        double kappa = p[1];
        double lambda = p[2];
        double mean = 0;
        for (double v : x) mean += v;
        mean /= x.length;
        double rss = 0;
        double tss = 0;
        for (int i = 0; i < n.length; i++) {
            double r = x[i] - UslResult.throughput(sigma, kappa, lambda, n[i]);
            rss += r * r;
            tss += (x[i] - mean) * (x[i] - mean);
        }
        double r2 = tss == 0 ? (rss == 0 ? 1 : 0) : 1 - rss / tss;
        return UslResult.of(sigma, kappa, lambda, r2, METHOD);
    }

    /**
     * Reads a CSV of concurrency and throughput and fits it. Columns: first = N, second = throughput; further columns
     * are ignored. Separator: comma, semicolon or tab. A first line whose first field is not a number is a header.
     * Blank lines and lines starting with {@code #} are skipped.
     *
     * @throws IOException              when the file cannot be read
     * @throws IllegalArgumentException for a bad row, naming {@code file:line}, the field, the value and the rule,
     *                                  or when the rows do not satisfy {@link #fit(double[], double[])}
     */
    public static UslResult fitCsv(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        List<double[]> rows = new ArrayList<>();
        boolean first = true;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (i == 0 && line.startsWith("\uFEFF")) line = line.substring(1);
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] f = line.split("\\s*[,;\\t]\\s*");
            String where = csv + ":" + (i + 1) + ": ";
            if (first) {
                first = false;
                if (!isNumber(f[0])) continue; // header
            }
            if (f.length < 2) {
                throw new IllegalArgumentException(where + "row: \"" + line + "\" (expected: N,throughput)");
            }
            double nv = parse(f[0], where + "N");
            double xv = parse(f[1], where + "throughput");
            if (!(nv > 0)) throw new IllegalArgumentException(where + "N: " + f[0] + " (expected: > 0)");
            if (!(xv >= 0)) throw new IllegalArgumentException(where + "throughput: " + f[1] + " (expected: >= 0)");
            rows.add(new double[] {nv, xv});
        }
        if (rows.size() < 3) {
            throw new IllegalArgumentException(csv + ": rows: " + rows.size() + " (expected: >= 3 data rows)");
        }
        double[] n = new double[rows.size()];
        double[] x = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            n[i] = rows.get(i)[0];
            x[i] = rows.get(i)[1];
        }
        try {
            return fit(n, x);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(csv + ": " + e.getMessage(), e);
        }
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s.strip());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static double parse(String s, String what) {
        try {
            double v = Double.parseDouble(s.strip());
            if (!Double.isFinite(v)) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": \"" + s + "\" (expected: a finite number)", e);
        }
    }

    private static double[] quadraticStart(double[] n, double[] x, double lambda0) {
        // y = N lambda0 / X - 1 = sigma (N-1) + kappa N (N-1), linear least squares in (sigma, kappa), no intercept
        double a11 = 0, a12 = 0, a22 = 0, b1 = 0, b2 = 0;
        for (int i = 0; i < n.length; i++) {
            if (x[i] <= 0) continue;
            double y = n[i] * lambda0 / x[i] - 1;
            double u = n[i] - 1;
            double v = n[i] * (n[i] - 1);
            a11 += u * u;
            a12 += u * v;
            a22 += v * v;
            b1 += u * y;
            b2 += v * y;
        }
        double det = a11 * a22 - a12 * a12;
        double s = 0.01;
        double k = 1e-4;
        if (Math.abs(det) > 1e-300) {
            s = (b1 * a22 - b2 * a12) / det;
            k = (a11 * b2 - a12 * b1) / det;
        }
        return new double[] {Math.max(0, s), Math.max(0, k), lambda0};
    }

    private static RealVector clamp(RealVector p, double lambdaFloor) {
        return new ArrayRealVector(new double[] {
            Math.max(0, p.getEntry(0)), Math.max(0, p.getEntry(1)), Math.max(lambdaFloor, p.getEntry(2))});
    }

    private static LeastSquaresOptimizer.Optimum solve(double[] n, double[] x, double[] start, double lambdaFloor) {
        MultivariateJacobianFunction model = point -> {
            double s = point.getEntry(0), k = point.getEntry(1), l = point.getEntry(2);
            double[] value = new double[n.length];
            double[][] jac = new double[n.length][3];
            for (int i = 0; i < n.length; i++) {
                double ni = n[i];
                double d = 1 + s * (ni - 1) + k * ni * (ni - 1);
                value[i] = l * ni / d;
                double dd = d * d;
                jac[i][0] = -l * ni * (ni - 1) / dd;
                jac[i][1] = -l * ni * ni * (ni - 1) / dd;
                jac[i][2] = ni / d;
            }
            return new Pair<>(new ArrayRealVector(value, false), new Array2DRowRealMatrix(jac, false));
        };
        LeastSquaresOptimizer.Optimum o = new LevenbergMarquardtOptimizer()
            .withCostRelativeTolerance(1e-14)
            .withParameterRelativeTolerance(1e-14)
            .withOrthoTolerance(1e-14)
            .optimize(new LeastSquaresBuilder()
                .model(model)
                .target(x)
                .start(start)
                .parameterValidator(p -> clamp(p, lambdaFloor))
                .maxEvaluations(20_000)
                .maxIterations(20_000)
                .build());
        return o;
    }
}
