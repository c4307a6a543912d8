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
                for (int k = 0; k < width; k++) {
                    mu[k] += xa.sum(((i * c) + from + k) * s, s);
                }
            }
            for (int k = 0; k < width; k++) {
                mu[k] /= count;
            }
            // Two passes: the variance is the mean of (x - mean)^2, exact where E[x^2] - mean^2 cancels.
            for (long i = 0; i < n; i++) {
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
                for (int k = 0; k < width; k++) {
                    long run = ((i * c) + from + k) * s;
                    double m = mu[k];
                    double a = scale[k];
                    double b = shift[k];
                    for (long j = 0; j < s; j++) {
                        ya.set(run + j, (xa.get(run + j) - m) * a + b);
                    }
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
            for (long i = 0; i < n; i++) {
                for (int k = 0; k < width; k++) {
                    long run = ((i * c) + from + k) * s;
                    double m = mu[k];
                    double inv = invStd[k];
                    double a = 0.0;
                    double b = 0.0;
                    for (long j = 0; j < s; j++) {
                        double g = dya.get(run + j);
                        a += g;
                        b += g * ((xa.get(run + j) - m) * inv);
                    }
                    sumDy[k] += a;
                    sumDyXhat[k] += b;
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
            for (long i = 0; i < n; i++) {
                for (int k = 0; k < width; k++) {
                    long run = ((i * c) + from + k) * s;
                    double m = mu[k];
                    double inv = invStd[k];
                    double scale = (wa == null ? 1.0 : wa.get(from + k)) * inv;
                    double meanDy = sumDy[k] / count;
                    double meanDyXhat = sumDyXhat[k] / count;
                    for (long j = 0; j < s; j++) {
                        double xhat = (xa.get(run + j) - m) * inv;
                        dxa.set(run + j, scale * (dya.get(run + j) - meanDy - xhat * meanDyXhat));
                    }
                }
            }
        });
    }

    /** Reads and writes one storage's elements as double, whatever its dtype (float32 or float64). */
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
            double s0 = 0.0;
            double s1 = 0.0;
            double s2 = 0.0;
            double s3 = 0.0;
            long j = 0;
            for (; j + 3 < len; j += 4) {
                s0 += get(start + j);
                s1 += get(start + j + 1);
                s2 += get(start + j + 2);
                s3 += get(start + j + 3);
            }
            for (; j < len; j++) {
                s0 += get(start + j);
            }
            return (s0 + s1) + (s2 + s3);
        }

        /** Sum of {@code (x - m)^2} over elements [start, start + len), four partial sums. */
        double squaredDeviationSum(long start, long len, double m) {
            double s0 = 0.0;
            double s1 = 0.0;
            double s2 = 0.0;
            double s3 = 0.0;
            long j = 0;
            for (; j + 3 < len; j += 4) {
                double d0 = get(start + j) - m;
                double d1 = get(start + j + 1) - m;
                double d2 = get(start + j + 2) - m;
                double d3 = get(start + j + 3) - m;
                s0 += d0 * d0;
                s1 += d1 * d1;
                s2 += d2 * d2;
                s3 += d3 * d3;
            }
            for (; j < len; j++) {
                double d = get(start + j) - m;
                s0 += d * d;
            }
            return (s0 + s1) + (s2 + s3);
        }
    }
}
