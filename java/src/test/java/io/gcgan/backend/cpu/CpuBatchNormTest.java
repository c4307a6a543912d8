package io.gcgan.backend.cpu;

import io.gcgan.backend.BatchNormRunningStats;
import io.gcgan.backend.BatchNormShape;
import io.gcgan.backend.Storage;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.testutil.Close;
import io.gcgan.tensor.testutil.Data;
import io.gcgan.tensor.testutil.Host;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CpuBatchNorm's forward and backward against float64 loops over [n, c, s], on inputs large enough
 * ({@code c * n * s >= Parallel.MIN_PARALLEL_WORK}) that the channels are split into ranges that do not start at
 * channel 0: the composed-reference tests in io.gcgan.nn use small inputs, which run as one range from channel 0,
 * so an offset slip in a range's channels (or in its running statistics) went unseen there.
 *
 * <p>Each channel gets its own mean and spread (channel k's values are centred on k / 4 with width 1 + k / 8), so
 * a value read from, or written to, another channel shows.
 */
class CpuBatchNormTest {

    private static final CpuBackend B = CpuBackend.instance();
    private static final double EPS = 1e-5;
    private static final double FACTOR = 0.1;
    /** {n, c, s}. */
    private static final long[][] SHAPES = {{32, 2048, 1}, {8, 64, 81}, {16, 40, 7}, {64, 180, 3}};

    /** dtype, {n, c, s}, affine, running statistics. */
    static Stream<Arguments> cases() {
        // [32, 2048] (BatchNorm1d, s == 1), [8, 64, 9, 9] (s = 81: not a multiple of the 4 partial sums),
        // [16, 40, 7] and [64, 180, 3] (s = 3: runs shorter than the 4 partial sums); each c * n * s >= 32768,
        // so split over the cores into ranges of channels.
        long[][] shapes = SHAPES;
        List<Arguments> out = new ArrayList<>();
        for (DType dt : DType.values()) {
            for (long[] shape : shapes) {
                out.add(Arguments.of(dt, shape, true, true));
                out.add(Arguments.of(dt, shape, false, false));
            }
        }
        return out.stream();
    }

    private static double[] input(Random rnd, long n, long c, long s, DType dt) {
        double[] x = new double[Math.toIntExact(n * c * s)];
        for (long i = 0; i < n; i++) {
            for (long k = 0; k < c; k++) {
                for (long j = 0; j < s; j++) {
                    x[(int) ((i * c + k) * s + j)] = k / 4.0 + (1 + k / 8.0) * (2 * rnd.nextDouble() - 1);
                }
            }
        }
        return Host.read(Host.of(dt, x)); // as stored, so the reference starts from the same values
    }

    private static double tol(DType dt) {
        return dt == DType.FLOAT64 ? 1e-11 : 2e-5;
    }

    @ParameterizedTest(name = "{0} {1} affine={2} running={3}")
    @MethodSource("cases")
    void forwardMatchesAFloat64LoopInEveryChannelRange(DType dt, long[] shape, boolean affine, boolean running) {
        long n = shape[0];
        long c = shape[1];
        long s = shape[2];
        int cc = (int) c;
        Random rnd = new Random(n * 1000 + c + s);
        double[] x = input(rnd, n, c, s, dt);
        double[] w = affine ? Host.read(Host.of(dt, Data.uniform(rnd, cc, 0.5, 2, dt))) : null;
        double[] b = affine ? Host.read(Host.of(dt, Data.uniform(rnd, cc, -1, 1, dt))) : null;
        double[] rm0 = Data.uniform(rnd, cc, -1, 1, dt);
        double[] rv0 = Data.uniform(rnd, cc, 0.5, 2, dt);

        double count = n * s;
        double[] mean = new double[cc];
        double[] var = new double[cc];
        double[] y = new double[x.length];
        double[] rm = new double[cc];
        double[] rv = new double[cc];
        for (int k = 0; k < cc; k++) {
            double sum = 0;
            for (long i = 0; i < n; i++) {
                for (long j = 0; j < s; j++) {
                    sum += x[(int) ((i * c + k) * s + j)];
                }
            }
            mean[k] = sum / count;
            double sq = 0;
            for (long i = 0; i < n; i++) {
                for (long j = 0; j < s; j++) {
                    double d = x[(int) ((i * c + k) * s + j)] - mean[k];
                    sq += d * d;
                }
            }
            var[k] = sq / count;
            double inv = 1 / Math.sqrt(var[k] + EPS);
            for (long i = 0; i < n; i++) {
                for (long j = 0; j < s; j++) {
                    int at = (int) ((i * c + k) * s + j);
                    y[at] = (x[at] - mean[k]) * inv * (affine ? w[k] : 1) + (affine ? b[k] : 0);
                }
            }
            rm[k] = (1 - FACTOR) * rm0[k] + FACTOR * mean[k];
            rv[k] = (1 - FACTOR) * rv0[k] + FACTOR * var[k] * count / (count - 1); // unbiased into the running var
        }

        Storage ys = Host.poisoned(dt, x.length);
        Storage ms = Host.poisoned(dt, c);
        Storage vs = Host.poisoned(dt, c);
        Storage rms = Host.of(dt, rm0);
        Storage rvs = Host.of(dt, rv0);
        B.batchNormForward(Host.of(dt, x), affine ? Host.of(dt, w) : null, affine ? Host.of(dt, b) : null,
                new BatchNormShape(n, c, s), EPS, ys, ms, vs,
                running ? new BatchNormRunningStats(rms, rvs, FACTOR) : null);
        String tag = dt + " [" + n + ", " + c + ", " + s + "] affine=" + affine + " running=" + running;
        double t = tol(dt);
        Close.assertAllClose("mean " + tag, mean, Host.read(ms), t, t);
        Close.assertAllClose("biased var " + tag, var, Host.read(vs), t, t);
        Close.assertAllClose("y " + tag, new long[] {n, c, s}, y, Host.read(ys), t, t);
        Close.assertAllClose("running mean " + tag, running ? rm : rm0, Host.read(rms), t, t);
        Close.assertAllClose("running var " + tag, running ? rv : rv0, Host.read(rvs), t, t);
    }

    /** dtype, {n, c, s}, affine, which of dx, dWeight, dBias are asked for. */
    static Stream<Arguments> backwardCases() {
        long[][] shapes = SHAPES;
        List<Arguments> out = new ArrayList<>();
        for (DType dt : DType.values()) {
            for (long[] shape : shapes) {
                out.add(Arguments.of(dt, shape, true, "dx dWeight dBias"));
                out.add(Arguments.of(dt, shape, false, "dx"));
                out.add(Arguments.of(dt, shape, true, "dWeight dBias"));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} affine={2} {3}")
    @MethodSource("backwardCases")
    void backwardMatchesAFloat64LoopInEveryChannelRange(DType dt, long[] shape, boolean affine, String wanted) {
        long n = shape[0];
        long c = shape[1];
        long s = shape[2];
        int cc = (int) c;
        Random rnd = new Random(n * 1000 + c + s + 7);
        double[] x = input(rnd, n, c, s, dt);
        double[] dy = Host.read(Host.of(dt, Data.uniform(rnd, x.length, -1, 1, dt)));
        double[] w = affine ? Host.read(Host.of(dt, Data.uniform(rnd, cc, 0.5, 2, dt))) : null;
        // The statistics are inputs here: per-channel values near the data's, rounded to dt as stored.
        double[] mean = new double[cc];
        double[] var = new double[cc];
        for (int k = 0; k < cc; k++) {
            mean[k] = k / 4.0 + 0.1 * rnd.nextGaussian();
            var[k] = Math.pow(1 + k / 8.0, 2) / 3 * (0.8 + 0.4 * rnd.nextDouble());
        }
        mean = Host.read(Host.of(dt, mean));
        var = Host.read(Host.of(dt, var));

        double count = n * s;
        double[] dBias = new double[cc];
        double[] dWeight = new double[cc];
        double[] dx = new double[x.length];
        for (int k = 0; k < cc; k++) {
            double inv = 1 / Math.sqrt(var[k] + EPS);
            for (long i = 0; i < n; i++) {
                for (long j = 0; j < s; j++) {
                    int at = (int) ((i * c + k) * s + j);
                    dBias[k] += dy[at];
                    dWeight[k] += dy[at] * (x[at] - mean[k]) * inv;
                }
            }
            double scale = (affine ? w[k] : 1) * inv;
            for (long i = 0; i < n; i++) {
                for (long j = 0; j < s; j++) {
                    int at = (int) ((i * c + k) * s + j);
                    double xhat = (x[at] - mean[k]) * inv;
                    dx[at] = scale * (dy[at] - dBias[k] / count - xhat * dWeight[k] / count);
                }
            }
        }

        boolean wantDx = wanted.contains("dx");
        boolean wantDw = wanted.contains("dWeight");
        boolean wantDb = wanted.contains("dBias");
        Storage dxs = wantDx ? Host.poisoned(dt, x.length) : null;
        Storage dws = wantDw ? Host.poisoned(dt, c) : null;
        Storage dbs = wantDb ? Host.poisoned(dt, c) : null;
        B.batchNormBackward(Host.of(dt, dy), Host.of(dt, x), Host.of(dt, mean), Host.of(dt, var),
                affine ? Host.of(dt, w) : null, new BatchNormShape(n, c, s), EPS, dxs, dws, dbs);
        String tag = dt + " [" + n + ", " + c + ", " + s + "] affine=" + affine + " " + wanted;
        // Sums of n * s terms of size ~1: an absolute tolerance scaled by the count.
        double t = tol(dt);
        if (wantDx) {
            Close.assertAllClose("dx " + tag, new long[] {n, c, s}, dx, Host.read(dxs), t, t);
        }
        if (wantDw) {
            Close.assertAllClose("dWeight " + tag, dWeight, Host.read(dws), t * count, t);
        }
        if (wantDb) {
            Close.assertAllClose("dBias " + tag, dBias, Host.read(dbs), t * count, t);
        }
    }
}
