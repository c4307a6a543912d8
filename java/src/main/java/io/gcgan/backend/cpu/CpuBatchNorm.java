package io.gcgan.backend.cpu;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import io.gcgan.backend.BatchNormRunningStats;
import io.gcgan.backend.BatchNormShape;
import io.gcgan.backend.Storage;
import io.gcgan.tensor.DType;
import java.lang.foreign.MemorySegment;

/**
 * {@link CpuBackend#batchNormForward} and {@link CpuBackend#batchNormBackward}: the fused batch normalization of
 * a dense input viewed as [n, c, s] (see {@link BatchNormShape}), in double.
 *
 * <p>The channels are split into ranges, one per task. A task walks its range batch entry by batch entry: for
 * entry {@code i} its channels {@code [from, to)} are one contiguous run of {@code (to - from) * s} elements,
 * so every access is sequential, whether {@code s} is 1 (BatchNorm1d) or H*W. Per-channel sums live in the
 * task's arrays and are added in the order (i, j) by one task, so results do not depend on the thread count.
 * With {@code s == 1} (BatchNorm1d, e.g. mnist28's [64, 6272]) a run is one element, so a pass walks the channels
 * of entry {@code i} in one loop instead of one run each; the sums are the same, in the same order.
 *
 * <p>The loops over elements live in {@link Access}, one per dtype, with the segments in local variables: a store
 * through a segment could alias an object's fields as far as the JIT knows, so loops that read the segment from a
 * field after each store re-read it and re-check the bounds per element. BatchNormBenchmark, float32 forward on the
 * 2-core development machine: [64, 64, 14, 14] 2.56 -> 0.81 ms, [64, 6272] 1.29 -> 0.48 ms, the same results bit
 * for bit (bench/results/2026-11-27-cpu-batchnorm.md).
 */
final class CpuBatchNorm {

    private CpuBatchNorm() {
    }

    static void forward(Storage x, Storage weight, Storage bias, BatchNormShape shape, double eps, Storage y,
                        Storage mean, Storage var, BatchNormRunningStats running) {
        Access xa = new Access(x);
        Access ya = new Access(y);
        Access wa = weight == null ? null : new Access(weight);
        Access ba = bias == null ? null : new Access(bias);
        Access ma = new Access(mean);
        Access va = new Access(var);
        Access rma = running == null ? null : new Access(running.mean());
        Access rva = running == null ? null : new Access(running.var());
        double f = running == null ? 0.0 : running.factor();
        long n = shape.n();
        long c = shape.c();
        long s = shape.s();
        double count = (double) shape.perChannel();
        Parallel.forRange(c, shape.perChannel(), (from, to) -> {
            int width = (int) (to - from);
            double[] mu = new double[width];
            double[] sq = new double[width];
            for (long i = 0; i < n; i++) {
                if (s == 1) {
                    xa.addTo(mu, i * c + from, width);
                    continue;
                }
                for (int k = 0; k < width; k++) {
                    mu[k] += xa.sum(((i * c) + from + k) * s, s);
                }
            }
            for (int k = 0; k < width; k++) {
                mu[k] /= count;
            }
            // Two passes: the variance is the mean of (x - mean)^2, exact where E[x^2] - mean^2 cancels.
            for (long i = 0; i < n; i++) {
                if (s == 1) {
                    xa.addSquaredDeviations(sq, i * c + from, width, mu);
                    continue;
                }
                for (int k = 0; k < width; k++) {
                    sq[k] += xa.squaredDeviationSum(((i * c) + from + k) * s, s, mu[k]);
                }
            }
            double[] scale = new double[width];
            double[] shift = new double[width];
            for (int k = 0; k < width; k++) {
                double v = sq[k] / count;
                double invStd = 1.0 / Math.sqrt(v + eps);
                scale[k] = wa == null ? invStd : invStd * wa.get(from + k);
                shift[k] = ba == null ? 0.0 : ba.get(from + k);
                ma.set(from + k, mu[k]);
                va.set(from + k, v);
                if (rma != null) {
                    double unbiased = v * count / (count - 1);
                    rma.set(from + k, (1 - f) * rma.get(from + k) + f * mu[k]);
                    rva.set(from + k, (1 - f) * rva.get(from + k) + f * unbiased);
                }
            }
            for (long i = 0; i < n; i++) {
                if (s == 1) {
                    xa.affineTo(ya, i * c + from, width, mu, scale, shift);
                    continue;
                }
                for (int k = 0; k < width; k++) {
                    xa.affineTo(ya, ((i * c) + from + k) * s, s, mu[k], scale[k], shift[k]);
                }
            }
        });
    }

    static void backward(Storage dy, Storage x, Storage mean, Storage var, Storage weight, BatchNormShape shape,
                         double eps, Storage dx, Storage dWeight, Storage dBias) {
        Access dya = new Access(dy);
        Access xa = new Access(x);
        Access ma = new Access(mean);
        Access va = new Access(var);
        Access wa = weight == null ? null : new Access(weight);
        Access dxa = dx == null ? null : new Access(dx);
        Access dwa = dWeight == null ? null : new Access(dWeight);
        Access dba = dBias == null ? null : new Access(dBias);
        long n = shape.n();
        long c = shape.c();
        long s = shape.s();
        double count = (double) shape.perChannel();
        Parallel.forRange(c, shape.perChannel(), (from, to) -> {
            int width = (int) (to - from);
            double[] mu = new double[width];
            double[] invStd = new double[width];
            for (int k = 0; k < width; k++) {
                mu[k] = ma.get(from + k);
                invStd[k] = 1.0 / Math.sqrt(va.get(from + k) + eps);
            }
            double[] sumDy = new double[width];
            double[] sumDyXhat = new double[width];
            double[] run = new double[2];
            for (long i = 0; i < n; i++) {
                if (s == 1) {
                    dya.addGradientSums(xa, i * c + from, width, mu, invStd, sumDy, sumDyXhat);
                    continue;
                }
                for (int k = 0; k < width; k++) {
                    dya.gradientSums(xa, ((i * c) + from + k) * s, s, mu[k], invStd[k], run);
                    sumDy[k] += run[0];
                    sumDyXhat[k] += run[1];
                }
            }
            for (int k = 0; k < width; k++) {
                if (dba != null) {
                    dba.set(from + k, sumDy[k]);
                }
                if (dwa != null) {
                    dwa.set(from + k, sumDyXhat[k]);
                }
            }
            if (dxa == null) {
                return;
            }
            double[] scale = new double[width];
            double[] meanDy = new double[width];
            double[] meanDyXhat = new double[width];
            for (int k = 0; k < width; k++) {
                scale[k] = (wa == null ? 1.0 : wa.get(from + k)) * invStd[k];
                meanDy[k] = sumDy[k] / count;
                meanDyXhat[k] = sumDyXhat[k] / count;
            }
            for (long i = 0; i < n; i++) {
                if (s == 1) {
                    dxa.inputGradient(dya, xa, i * c + from, width, mu, invStd, scale, meanDy, meanDyXhat);
                    continue;
                }
                for (int k = 0; k < width; k++) {
                    dxa.inputGradient(dya, xa, ((i * c) + from + k) * s, s, mu[k], invStd[k], scale[k], meanDy[k],
                            meanDyXhat[k]);
                }
            }
        });
    }

    /**
     * One storage's elements as double, whatever its dtype (float32 or float64): single elements, and the loops of
     * the passes, each written once per dtype with the segments in locals (see the class comment). Where a loop
     * involves several storages they have one dtype (the backend's checks).
     */
    private static final class Access {
        private final MemorySegment seg;
        private final boolean f32;

        Access(Storage storage) {
            this.seg = storage.segment();
            this.f32 = storage.dtype() == DType.FLOAT32;
        }

        double get(long i) {
            return f32 ? seg.getAtIndex(JAVA_FLOAT, i) : seg.getAtIndex(JAVA_DOUBLE, i);
        }

        void set(long i, double v) {
            if (f32) {
                seg.setAtIndex(JAVA_FLOAT, i, (float) v);
            } else {
                seg.setAtIndex(JAVA_DOUBLE, i, v);
            }
        }

        /** Sum of elements [start, start + len); four partial sums break the chain of dependent adds. */
        double sum(long start, long len) {
            MemorySegment x = seg;
            double s0 = 0.0;
            double s1 = 0.0;
            double s2 = 0.0;
            double s3 = 0.0;
            long j = 0;
            if (f32) {
                for (; j + 3 < len; j += 4) {
                    s0 += x.getAtIndex(JAVA_FLOAT, start + j);
                    s1 += x.getAtIndex(JAVA_FLOAT, start + j + 1);
                    s2 += x.getAtIndex(JAVA_FLOAT, start + j + 2);
                    s3 += x.getAtIndex(JAVA_FLOAT, start + j + 3);
                }
                for (; j < len; j++) {
                    s0 += x.getAtIndex(JAVA_FLOAT, start + j);
                }
            } else {
                for (; j + 3 < len; j += 4) {
                    s0 += x.getAtIndex(JAVA_DOUBLE, start + j);
                    s1 += x.getAtIndex(JAVA_DOUBLE, start + j + 1);
                    s2 += x.getAtIndex(JAVA_DOUBLE, start + j + 2);
                    s3 += x.getAtIndex(JAVA_DOUBLE, start + j + 3);
                }
                for (; j < len; j++) {
                    s0 += x.getAtIndex(JAVA_DOUBLE, start + j);
                }
            }
            return (s0 + s1) + (s2 + s3);
        }

        /** Sum of {@code (x - m)^2} over elements [start, start + len), four partial sums. */
        double squaredDeviationSum(long start, long len, double m) {
            MemorySegment x = seg;
            double s0 = 0.0;
            double s1 = 0.0;
            double s2 = 0.0;
            double s3 = 0.0;
            long j = 0;
            if (f32) {
                for (; j + 3 < len; j += 4) {
                    double d0 = x.getAtIndex(JAVA_FLOAT, start + j) - m;
                    double d1 = x.getAtIndex(JAVA_FLOAT, start + j + 1) - m;
                    double d2 = x.getAtIndex(JAVA_FLOAT, start + j + 2) - m;
                    double d3 = x.getAtIndex(JAVA_FLOAT, start + j + 3) - m;
                    s0 += d0 * d0;
                    s1 += d1 * d1;
                    s2 += d2 * d2;
                    s3 += d3 * d3;
                }
                for (; j < len; j++) {
                    double d = x.getAtIndex(JAVA_FLOAT, start + j) - m;
                    s0 += d * d;
                }
            } else {
                for (; j + 3 < len; j += 4) {
                    double d0 = x.getAtIndex(JAVA_DOUBLE, start + j) - m;
                    double d1 = x.getAtIndex(JAVA_DOUBLE, start + j + 1) - m;
                    double d2 = x.getAtIndex(JAVA_DOUBLE, start + j + 2) - m;
                    double d3 = x.getAtIndex(JAVA_DOUBLE, start + j + 3) - m;
                    s0 += d0 * d0;
                    s1 += d1 * d1;
                    s2 += d2 * d2;
                    s3 += d3 * d3;
                }
                for (; j < len; j++) {
                    double d = x.getAtIndex(JAVA_DOUBLE, start + j) - m;
                    s0 += d * d;
                }
            }
            return (s0 + s1) + (s2 + s3);
        }

        /** {@code acc[k] += x[start + k]} for k < len (s == 1: one element per channel). */
        void addTo(double[] acc, long start, int len) {
            MemorySegment x = seg;
            if (f32) {
                for (int k = 0; k < len; k++) {
                    acc[k] += x.getAtIndex(JAVA_FLOAT, start + k);
                }
            } else {
                for (int k = 0; k < len; k++) {
                    acc[k] += x.getAtIndex(JAVA_DOUBLE, start + k);
                }
            }
        }

        /** {@code acc[k] += (x[start + k] - m[k])^2} for k < len. */
        void addSquaredDeviations(double[] acc, long start, int len, double[] m) {
            MemorySegment x = seg;
            if (f32) {
                for (int k = 0; k < len; k++) {
                    double d = x.getAtIndex(JAVA_FLOAT, start + k) - m[k];
                    acc[k] += d * d;
                }
            } else {
                for (int k = 0; k < len; k++) {
                    double d = x.getAtIndex(JAVA_DOUBLE, start + k) - m[k];
                    acc[k] += d * d;
                }
            }
        }

        /** {@code out[start + j] = (x[start + j] - m) * a + b} for j < len. */
        void affineTo(Access out, long start, long len, double m, double a, double b) {
            MemorySegment x = seg;
            MemorySegment y = out.seg;
            if (f32) {
                for (long j = 0; j < len; j++) {
                    y.setAtIndex(JAVA_FLOAT, start + j, (float) ((x.getAtIndex(JAVA_FLOAT, start + j) - m) * a + b));
                }
            } else {
                for (long j = 0; j < len; j++) {
                    y.setAtIndex(JAVA_DOUBLE, start + j, (x.getAtIndex(JAVA_DOUBLE, start + j) - m) * a + b);
                }
            }
        }

        /** {@code out[start + k] = (x[start + k] - m[k]) * a[k] + b[k]} for k < len (s == 1). */
        void affineTo(Access out, long start, int len, double[] m, double[] a, double[] b) {
            MemorySegment x = seg;
            MemorySegment y = out.seg;
            if (f32) {
                for (int k = 0; k < len; k++) {
                    y.setAtIndex(JAVA_FLOAT, start + k,
                            (float) ((x.getAtIndex(JAVA_FLOAT, start + k) - m[k]) * a[k] + b[k]));
                }
            } else {
                for (int k = 0; k < len; k++) {
                    y.setAtIndex(JAVA_DOUBLE, start + k, (x.getAtIndex(JAVA_DOUBLE, start + k) - m[k]) * a[k] + b[k]);
                }
            }
        }

        /**
         * With this storage dy: {@code out[0] = sum dy}, {@code out[1] = sum dy * (x - m) * inv} over elements
         * [start, start + len), each one chain in element order.
         */
        void gradientSums(Access xs, long start, long len, double m, double inv, double[] out) {
            MemorySegment g = seg;
            MemorySegment x = xs.seg;
            double a = 0.0;
            double b = 0.0;
            if (f32) {
                for (long j = 0; j < len; j++) {
                    double dy = g.getAtIndex(JAVA_FLOAT, start + j);
                    a += dy;
                    b += dy * ((x.getAtIndex(JAVA_FLOAT, start + j) - m) * inv);
                }
            } else {
                for (long j = 0; j < len; j++) {
                    double dy = g.getAtIndex(JAVA_DOUBLE, start + j);
                    a += dy;
                    b += dy * ((x.getAtIndex(JAVA_DOUBLE, start + j) - m) * inv);
                }
            }
            out[0] = a;
            out[1] = b;
        }

        /** The same for s == 1, added per channel: {@code sumDy[k] += dy}, {@code sumDyXhat[k] += dy * xhat}. */
        void addGradientSums(Access xs, long start, int len, double[] m, double[] inv, double[] sumDy,
                             double[] sumDyXhat) {
            MemorySegment g = seg;
            MemorySegment x = xs.seg;
            if (f32) {
                for (int k = 0; k < len; k++) {
                    double dy = g.getAtIndex(JAVA_FLOAT, start + k);
                    sumDy[k] += dy;
                    sumDyXhat[k] += dy * ((x.getAtIndex(JAVA_FLOAT, start + k) - m[k]) * inv[k]);
                }
            } else {
                for (int k = 0; k < len; k++) {
                    double dy = g.getAtIndex(JAVA_DOUBLE, start + k);
                    sumDy[k] += dy;
                    sumDyXhat[k] += dy * ((x.getAtIndex(JAVA_DOUBLE, start + k) - m[k]) * inv[k]);
                }
            }
        }

        /**
         * With this storage dx: {@code dx = a * (dy - meanDy - xhat * meanDyXhat)}, {@code xhat = (x - m) * inv},
         * over elements [start, start + len).
         */
        void inputGradient(Access dys, Access xs, long start, long len, double m, double inv, double a,
                           double meanDy, double meanDyXhat) {
            MemorySegment dx = seg;
            MemorySegment g = dys.seg;
            MemorySegment x = xs.seg;
            if (f32) {
                for (long j = 0; j < len; j++) {
                    double xhat = (x.getAtIndex(JAVA_FLOAT, start + j) - m) * inv;
                    dx.setAtIndex(JAVA_FLOAT, start + j,
                            (float) (a * (g.getAtIndex(JAVA_FLOAT, start + j) - meanDy - xhat * meanDyXhat)));
                }
            } else {
                for (long j = 0; j < len; j++) {
                    double xhat = (x.getAtIndex(JAVA_DOUBLE, start + j) - m) * inv;
                    dx.setAtIndex(JAVA_DOUBLE, start + j,
                            a * (g.getAtIndex(JAVA_DOUBLE, start + j) - meanDy - xhat * meanDyXhat));
                }
            }
        }

        /** The same for s == 1, with channel k's parameters at index k. */
        void inputGradient(Access dys, Access xs, long start, int len, double[] m, double[] inv, double[] a,
                           double[] meanDy, double[] meanDyXhat) {
            MemorySegment dx = seg;
            MemorySegment g = dys.seg;
            MemorySegment x = xs.seg;
            if (f32) {
                for (int k = 0; k < len; k++) {
                    double xhat = (x.getAtIndex(JAVA_FLOAT, start + k) - m[k]) * inv[k];
                    dx.setAtIndex(JAVA_FLOAT, start + k,
                            (float) (a[k] * (g.getAtIndex(JAVA_FLOAT, start + k) - meanDy[k] - xhat * meanDyXhat[k])));
                }
            } else {
                for (int k = 0; k < len; k++) {
                    double xhat = (x.getAtIndex(JAVA_DOUBLE, start + k) - m[k]) * inv[k];
                    dx.setAtIndex(JAVA_DOUBLE, start + k,
                            a[k] * (g.getAtIndex(JAVA_DOUBLE, start + k) - meanDy[k] - xhat * meanDyXhat[k]));
                }
            }
        }
    }
}
