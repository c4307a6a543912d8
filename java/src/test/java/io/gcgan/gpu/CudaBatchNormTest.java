package io.gcgan.gpu;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.gcgan.backend.Backend;
import io.gcgan.backend.BatchNormRunningStats;
import io.gcgan.backend.BatchNormShape;
import io.gcgan.backend.Storage;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused batchNormForward / batchNormBackward on CUDA (kernels/src/batchnorm.cu) against the CPU backend on the
 * same values: odd shapes, BatchNorm1d (s = 1), n = 1 with s > 1, one channel, the reference models' layers, and
 * few large channels (which the kernels split over several blocks with float64 partials); both dtypes, affine and
 * not; the backward with every non-empty subset of its outputs (the others null), from the CPU forward's saved
 * mean and var. Outputs are NaN-filled first, so an unwritten element fails; outputs not asked for must stay NaN.
 * The forward's running statistics (BatchNormRunningStats) are compared with the CPU's over two steps from the same
 * initial values, on fused and split shapes and several factors; every other case passes none.
 *
 * <p>Tolerance: {@code rtol * scale} per element, rtol 1e-5 (float32) or 1e-12 (float64), where scale is the size
 * of the terms that the value is computed from (so that a result near 0 by cancellation is not held to a relative
 * bound it cannot meet): mean |x| for the mean, the variance itself, {@code (|x| + mean|x|) |w| / sqrt(var + eps) +
 * |b|} for y, sum |dy| for dBias, sum |dy xhat| for dWeight, and {@code |w| / sqrt(var + eps) (|dy| + mean|dy| +
 * |xhat| mean|dy xhat|)} for dx. Both backends accumulate in float64 and round once, so float32 results mostly agree
 * to the last bit; the kernels add in another order than the CPU loop, hence the float64 bound.
 *
 * <p>Determinism: two CUDA runs give the same bits (no atomics; the partition depends on the shape only).
 */
@GpuTest
class CudaBatchNormTest {

    static final double EPS = 1e-5;

    /** [n, c, s]: odd and degenerate shapes, the reference models' BatchNorm layers, few large channels. */
    static final long[][] SHAPES = {
        {2, 3, 5},
        {1, 4, 7},          // n = 1, s > 1
        {64, 5, 1},         // BatchNorm1d
        {3, 1, 11},         // one channel
        {1, 1, 2},          // the smallest shape with batch statistics
        {7, 3, 33},
        {2, 3, 300},        // runs longer than a block
        {4096, 3, 1},       // BatchNorm1d, a channel far larger than a block, elements c apart
        {64, 6272, 1},      // mnist28 G: BatchNorm1d(128*7*7)
        {64, 64, 196},      // mnist28 G: BatchNorm2d(64) at 14x14
        {64, 512, 16},      // dcgan64 G: BatchNorm2d(512) at 4x4
        {64, 128, 256},     // dcgan64 G: BatchNorm2d(128) at 16x16 (split over 4 blocks per channel)
        {64, 64, 1024},     // few large channels (split over 16 blocks per channel)
        {5, 2, 8193},       // split with chunk boundaries inside runs
        {1, 1, 1_000_003},  // one huge channel (split over 244 blocks)
    };

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (DType dtype : DType.values()) {
            for (long[] shape : SHAPES) {
                for (boolean affine : new boolean[] {true, false}) {
                    out.add(Arguments.of(dtype, shape[0], shape[1], shape[2], affine));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} n={1} c={2} s={3} affine={4}")
    @MethodSource("cases")
    void forwardAndBackwardMatchTheCpu(DType dtype, long n, long c, long s, boolean affine) {
        BatchNormShape shape = new BatchNormShape(n, c, s);
        String what = "batchNorm " + dtype + " " + shape + (affine ? " affine" : "");
        Inputs in = Inputs.of(what, shape, dtype, affine);
        double rtol = dtype == DType.FLOAT32 ? 1e-5 : 1e-12;
        try (TensorScope scope = TensorScope.open()) {
            // forward on both backends
            Forward cpu = forward(Gpu.cpu(), in, scope);
            Forward cuda = forward(Gpu.cuda(), in, scope);
            double[] mean = Gpu.read(cpu.mean);
            double[] var = Gpu.read(cpu.var);
            Scales sc = Scales.of(in, mean, var);
            Check.scaled(what + ": mean", mean, Gpu.read(cuda.mean), sc.mean, rtol, 0);
            Check.scaled(what + ": var", var, Gpu.read(cuda.var), var, rtol, Double.MIN_NORMAL);
            Check.scaled(what + ": y", Gpu.read(cpu.y), Gpu.read(cuda.y), sc.y, rtol, 0);

            // backward from the CPU's saved statistics (the same values on both), each non-empty output subset
            Gpu.Twin x = Gpu.Twin.of(dtype, in.x, scope);
            Gpu.Twin dy = Gpu.Twin.of(dtype, in.dy, scope);
            Gpu.Twin meanT = Gpu.Twin.of(dtype, mean, scope);
            Gpu.Twin varT = Gpu.Twin.of(dtype, var, scope);
            Gpu.Twin weight = affine ? Gpu.Twin.of(dtype, in.weight, scope) : null;
            for (int mask = 1; mask < 8; mask++) {
                boolean wantDx = (mask & 1) != 0;
                boolean wantDw = (mask & 2) != 0;
                boolean wantDb = (mask & 4) != 0;
                String sub = what + " backward (dx " + wantDx + ", dWeight " + wantDw + ", dBias " + wantDb + ")";
                Gpu.Twin dx = Gpu.Twin.poisoned(dtype, shape.numel(), scope);
                Gpu.Twin dw = Gpu.Twin.poisoned(dtype, c, scope);
                Gpu.Twin db = Gpu.Twin.poisoned(dtype, c, scope);
                Gpu.cpu().batchNormBackward(dy.cpu(), x.cpu(), meanT.cpu(), varT.cpu(),
                        weight == null ? null : weight.cpu(), shape, EPS, wantDx ? dx.cpu() : null,
                        wantDw ? dw.cpu() : null, wantDb ? db.cpu() : null);
                Gpu.cuda().batchNormBackward(dy.cuda(), x.cuda(), meanT.cuda(), varT.cuda(),
                        weight == null ? null : weight.cuda(), shape, EPS, wantDx ? dx.cuda() : null,
                        wantDw ? dw.cuda() : null, wantDb ? db.cuda() : null);
                compareOrUntouched(sub + ": dx", wantDx, dx, sc.dx, rtol);
                compareOrUntouched(sub + ": dWeight", wantDw, dw, sc.dWeight, rtol);
                compareOrUntouched(sub + ": dBias", wantDb, db, sc.dBias, rtol);
            }
        }
    }

    /** Two CUDA runs give the same bits, forward and backward, for a one-block-per-channel and a split shape. */
    @ParameterizedTest(name = "{0} n={1} c={2} s={3}")
    @MethodSource("determinismCases")
    void resultsAreBitIdenticalRunToRun(DType dtype, long n, long c, long s) {
        BatchNormShape shape = new BatchNormShape(n, c, s);
        String what = "batchNorm determinism " + dtype + " " + shape;
        Inputs in = Inputs.of(what, shape, dtype, true);
        Backend cuda = Gpu.cuda();
        try (TensorScope scope = TensorScope.open()) {
            long[][] first = null;
            for (int run = 0; run < 2; run++) {
                Forward f = forward(cuda, in, scope);
                Storage x = Gpu.upload(cuda, dtype, in.x, scope);
                Storage dy = Gpu.upload(cuda, dtype, in.dy, scope);
                Storage w = Gpu.upload(cuda, dtype, in.weight, scope);
                Storage dx = Gpu.poisoned(cuda, dtype, shape.numel(), scope);
                Storage dw = Gpu.poisoned(cuda, dtype, c, scope);
                Storage db = Gpu.poisoned(cuda, dtype, c, scope);
                cuda.batchNormBackward(dy, x, f.mean, f.var, w, shape, EPS, dx, dw, db);
                long[][] bits = {Gpu.readBits(f.y), Gpu.readBits(f.mean), Gpu.readBits(f.var), Gpu.readBits(dx),
                    Gpu.readBits(dw), Gpu.readBits(db)};
                if (first == null) {
                    first = bits;
                } else {
                    String[] names = {"y", "mean", "var", "dx", "dWeight", "dBias"};
                    for (int i = 0; i < names.length; i++) {
                        Check.bitwise(what + ": " + names[i] + ", run 2 vs run 1", dtype, first[i], bits[i]);
                    }
                }
            }
        }
    }

    static Stream<Arguments> determinismCases() {
        List<Arguments> out = new ArrayList<>();
        for (DType dtype : DType.values()) {
            out.add(Arguments.of(dtype, 64L, 512L, 16L));     // one block per channel
            out.add(Arguments.of(dtype, 64L, 64L, 1024L));    // split channels
            out.add(Arguments.of(dtype, 1L, 1L, 1_000_003L)); // one channel over many blocks
        }
        return out.stream();
    }

    /** [n, c, s] for the running statistics: the smallest count (2), fused, BatchNorm1d, split launches. */
    static final long[][] RUNNING_SHAPES = {
        {1, 1, 2},
        {2, 3, 5},
        {64, 5, 1},
        {64, 128, 256},  // split over 4 blocks per channel: part 0's block updates
        {5, 2, 8193},
    };

    /** The module's momentum, none (0: unchanged), all (1: the batch's), a cumulative average's 1 / batches. */
    static final double[] FACTORS = {0.1, 0.0, 1.0, 1.0 / 3};

    static Stream<Arguments> runningCases() {
        List<Arguments> out = new ArrayList<>();
        for (DType dtype : DType.values()) {
            for (long[] shape : RUNNING_SHAPES) {
                for (double factor : FACTORS) {
                    out.add(Arguments.of(dtype, shape[0], shape[1], shape[2], factor));
                }
            }
        }
        return out.stream();
    }

    /**
     * With running statistics, two forward steps on each backend from the same initial running values: the
     * running mean and var match the CPU's within {@code rtol * scale}, scale the size of the update's terms
     * ({@code (1 - f) |running| + f |batch value|}, the batch mean's taken as mean |x|, var's unbiased); factor 0
     * leaves them bit-identical. y, mean and var are bit-identical to a CUDA forward without running statistics.
     */
    @ParameterizedTest(name = "{0} n={1} c={2} s={3} factor={4}")
    @MethodSource("runningCases")
    void runningStatisticsMatchTheCpu(DType dtype, long n, long c, long s, double factor) {
        BatchNormShape shape = new BatchNormShape(n, c, s);
        String what = "batchNorm running " + dtype + " " + shape + " factor=" + factor;
        Inputs in = Inputs.of(what, shape, dtype, true);
        Random rnd = Data.random(what + " running");
        int channels = Math.toIntExact(c);
        double[] runningMean0 = Data.uniform(rnd, channels, -1, 1, dtype);
        double[] runningVar0 = Data.uniform(rnd, channels, 0.5, 2, dtype);
        double rtol = dtype == DType.FLOAT32 ? 1e-5 : 1e-12;
        Backend cuda = Gpu.cuda();
        try (TensorScope scope = TensorScope.open()) {
            Gpu.Twin runningMean = Gpu.Twin.of(dtype, runningMean0, scope);
            Gpu.Twin runningVar = Gpu.Twin.of(dtype, runningVar0, scope);
            BatchNormRunningStats onCpu = new BatchNormRunningStats(runningMean.cpu(), runningVar.cpu(), factor);
            BatchNormRunningStats onCuda = new BatchNormRunningStats(runningMean.cuda(), runningVar.cuda(), factor);
            Forward plain = forward(cuda, in, scope);
            Forward batch = forward(Gpu.cpu(), in, scope);
            double[] batchMean = Gpu.read(batch.mean);
            double[] batchVar = Gpu.read(batch.var);
            double[] meanAbs = Scales.of(in, batchMean, batchVar).mean;
            double count = shape.perChannel();
            double[] scaleMean = Data.abs(runningMean0);
            double[] scaleVar = Data.abs(runningVar0);
            for (int step = 1; step <= 2; step++) {
                String sub = what + ", step " + step;
                forward(Gpu.cpu(), in, onCpu, scope);
                Forward f = forward(cuda, in, onCuda, scope);
                Check.bitwise(sub + ": y vs without running statistics", dtype, Gpu.readBits(plain.y),
                        Gpu.readBits(f.y));
                Check.bitwise(sub + ": mean vs without running statistics", dtype, Gpu.readBits(plain.mean),
                        Gpu.readBits(f.mean));
                Check.bitwise(sub + ": var vs without running statistics", dtype, Gpu.readBits(plain.var),
                        Gpu.readBits(f.var));
                for (int k = 0; k < channels; k++) {
                    scaleMean[k] = (1 - factor) * scaleMean[k] + factor * meanAbs[k];
                    scaleVar[k] = (1 - factor) * scaleVar[k] + factor * batchVar[k] * count / (count - 1);
                }
                Check.scaled(sub + ": running mean", Gpu.read(runningMean.cpu()), Gpu.read(runningMean.cuda()),
                        scaleMean, rtol, 0);
                Check.scaled(sub + ": running var", Gpu.read(runningVar.cpu()), Gpu.read(runningVar.cuda()),
                        scaleVar, rtol, Double.MIN_NORMAL);
            }
            if (factor == 0) {
                Check.bitwise(what + ": running mean with factor 0", dtype, Gpu.readBits(runningMean.cpu()),
                        Gpu.readBits(runningMean.cuda()));
                Check.exact(what + ": running mean with factor 0 vs its initial values", runningMean0,
                        Gpu.read(runningMean.cuda()));
                Check.exact(what + ": running var with factor 0 vs its initial values", runningVar0,
                        Gpu.read(runningVar.cuda()));
            }
        }
    }

    @Test
    void storagesOfAnotherBackendAreRejected() {
        assumeFalse(Gpu.SELF_TEST, "the CPU stands in for CUDA: there is no other backend to mix in");
        BatchNormShape shape = new BatchNormShape(2, 3, 4);
        Backend cuda = Gpu.cuda();
        try (TensorScope scope = TensorScope.open()) {
            Storage x = cuda.allocate(DType.FLOAT32, shape.numel(), scope);
            Storage y = cuda.allocate(DType.FLOAT32, shape.numel(), scope);
            Storage mean = cuda.allocate(DType.FLOAT32, 3, scope);
            Storage var = cuda.allocate(DType.FLOAT32, 3, scope);
            Storage cpuX = Gpu.cpu().allocate(DType.FLOAT32, shape.numel(), scope);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> cuda.batchNormForward(cpuX, null, null, shape, EPS, y, mean, var, null));
            assertTrue(e.getMessage().startsWith("batchNormForward x: storage belongs to cpu"), e.getMessage());
            Storage cpuDx = Gpu.cpu().allocate(DType.FLOAT32, shape.numel(), scope);
            e = assertThrows(IllegalArgumentException.class,
                    () -> cuda.batchNormBackward(x, x, mean, var, null, shape, EPS, cpuDx, null, null));
            assertTrue(e.getMessage().startsWith("batchNormBackward dx: storage belongs to cpu"), e.getMessage());
        }
    }

    @Test
    void mismatchedDtypesSizesAndNoOutputsAreRejected() {
        BatchNormShape shape = new BatchNormShape(2, 3, 4);
        Backend cuda = Gpu.cuda();
        try (TensorScope scope = TensorScope.open()) {
            Storage x = cuda.allocate(DType.FLOAT32, shape.numel(), scope);
            Storage y = cuda.allocate(DType.FLOAT32, shape.numel(), scope);
            Storage mean = cuda.allocate(DType.FLOAT32, 3, scope);
            Storage var = cuda.allocate(DType.FLOAT32, 3, scope);
            Storage w64 = cuda.allocate(DType.FLOAT64, 3, scope);
            Storage b64 = cuda.allocate(DType.FLOAT64, 3, scope);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> cuda.batchNormForward(x, w64, b64, shape, EPS, y, mean, var, null));
            assertTrue(e.getMessage().contains("batchNormForward") && e.getMessage().contains("weight")
                    && e.getMessage().contains("float64"), e.getMessage());
            Storage shortVar = cuda.allocate(DType.FLOAT32, 2, scope);
            e = assertThrows(IllegalArgumentException.class,
                    () -> cuda.batchNormForward(x, null, null, shape, EPS, y, mean, shortVar, null));
            assertTrue(e.getMessage().contains("var") && e.getMessage().contains("2 elements"), e.getMessage());
            Storage dx64 = cuda.allocate(DType.FLOAT64, shape.numel(), scope);
            e = assertThrows(IllegalArgumentException.class,
                    () -> cuda.batchNormBackward(y, x, mean, var, null, shape, EPS, dx64, null, null));
            assertTrue(e.getMessage().contains("batchNormBackward") && e.getMessage().contains("dx"),
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> cuda.batchNormBackward(y, x, mean, var, null, shape, EPS, null, null, null));
            assertTrue(e.getMessage().contains("batchNormBackward"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> cuda.batchNormForward(x, null, null, shape, Double.NaN, y, mean, var, null));
            assertTrue(e.getMessage().contains("eps"), e.getMessage());
            Storage runningMean = cuda.allocate(DType.FLOAT32, 3, scope);
            Storage runningVar = cuda.allocate(DType.FLOAT32, 3, scope);
            Storage runningVar64 = cuda.allocate(DType.FLOAT64, 3, scope);
            BatchNormRunningStats running64 = new BatchNormRunningStats(runningMean, runningVar64, 0.1);
            e = assertThrows(IllegalArgumentException.class,
                    () -> cuda.batchNormForward(x, null, null, shape, EPS, y, mean, var, running64));
            assertTrue(e.getMessage().contains("running var") && e.getMessage().contains("float64"),
                    e.getMessage());
            BatchNormRunningStats runningShort = new BatchNormRunningStats(runningMean, shortVar, 0.1);
            e = assertThrows(IllegalArgumentException.class,
                    () -> cuda.batchNormForward(x, null, null, shape, EPS, y, mean, var, runningShort));
            assertTrue(e.getMessage().contains("running var") && e.getMessage().contains("2 elements"),
                    e.getMessage());
            BatchNormRunningStats runningIsMean = new BatchNormRunningStats(mean, runningVar, 0.1);
            e = assertThrows(IllegalArgumentException.class,
                    () -> cuda.batchNormForward(x, null, null, shape, EPS, y, mean, var, runningIsMean));
            assertTrue(e.getMessage().contains("running"), e.getMessage());
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** Host values of one case, rounded to the dtype: x with a different mean and spread per channel. */
    record Inputs(BatchNormShape shape, DType dtype, double[] x, double[] dy, double[] weight, double[] bias) {
        static Inputs of(String caseName, BatchNormShape shape, DType dtype, boolean affine) {
            Random rnd = Data.random(caseName);
            int numel = Math.toIntExact(shape.numel());
            int c = Math.toIntExact(shape.c());
            double[] x = new double[numel];
            double[] dy = new double[numel];
            for (int e = 0; e < numel; e++) {
                long k = e / shape.s() % shape.c();
                double centre = 0.5 * (k % 5) - 1;
                double spread = 1 + 0.25 * (k % 7);
                x[e] = Data.round(dtype, centre + spread * (2 * rnd.nextDouble() - 1));
                dy[e] = Data.round(dtype, 2 * rnd.nextDouble() - 1);
            }
            double[] weight = affine ? Data.uniform(rnd, c, 0.5, 1.5, dtype) : null;
            double[] bias = affine ? Data.uniform(rnd, c, -1, 1, dtype) : null;
            return new Inputs(shape, dtype, x, dy, weight, bias);
        }
    }

    record Forward(Storage y, Storage mean, Storage var) {
    }

    /** The forward on {@code backend} from the host inputs, into NaN-filled outputs, without running statistics. */
    private static Forward forward(Backend backend, Inputs in, TensorScope scope) {
        return forward(backend, in, null, scope);
    }

    /** As {@link #forward(Backend, Inputs, TensorScope)}, updating {@code running} (of backend, or null). */
    private static Forward forward(Backend backend, Inputs in, BatchNormRunningStats running, TensorScope scope) {
        Storage x = Gpu.upload(backend, in.dtype, in.x, scope);
        Storage w = in.weight == null ? null : Gpu.upload(backend, in.dtype, in.weight, scope);
        Storage b = in.bias == null ? null : Gpu.upload(backend, in.dtype, in.bias, scope);
        Storage y = Gpu.poisoned(backend, in.dtype, in.shape.numel(), scope);
        Storage mean = Gpu.poisoned(backend, in.dtype, in.shape.c(), scope);
        Storage var = Gpu.poisoned(backend, in.dtype, in.shape.c(), scope);
        backend.batchNormForward(x, w, b, in.shape, EPS, y, mean, var, running);
        return new Forward(y, mean, var);
    }

    /** Wanted: the CUDA result within {@code rtol * scale} of the CPU's. Not wanted: still NaN on both. */
    private static void compareOrUntouched(String what, boolean wanted, Gpu.Twin out, double[] scale, double rtol) {
        double[] ref = Gpu.read(out.cpu());
        double[] got = Gpu.read(out.cuda());
        if (wanted) {
            Check.scaled(what, ref, got, scale, rtol, Double.MIN_NORMAL);
        } else {
            double[] nan = new double[got.length];
            Arrays.fill(nan, Double.NaN);
            Check.close(what + " (not asked for: must stay unwritten)", nan, got, 0, 0, true);
        }
    }

    /** The magnitude of the terms behind each output value (see the class comment). */
    record Scales(double[] mean, double[] y, double[] dBias, double[] dWeight, double[] dx) {
        static Scales of(Inputs in, double[] mean, double[] var) {
            BatchNormShape sh = in.shape;
            int c = Math.toIntExact(sh.c());
            long n = sh.n();
            long s = sh.s();
            double count = sh.perChannel();
            double[] meanAbs = new double[c];
            double[] sumAbsDy = new double[c];
            double[] sumAbsDyXhat = new double[c];
            double[] invStd = new double[c];
            for (int k = 0; k < c; k++) {
                invStd[k] = 1.0 / Math.sqrt(var[k] + EPS);
            }
            for (long i = 0; i < n; i++) {
                for (int k = 0; k < c; k++) {
                    for (long j = 0; j < s; j++) {
                        int o = Math.toIntExact((i * c + k) * s + j);
                        meanAbs[k] += Math.abs(in.x[o]);
                        sumAbsDy[k] += Math.abs(in.dy[o]);
                        sumAbsDyXhat[k] += Math.abs(in.dy[o] * (in.x[o] - mean[k]) * invStd[k]);
                    }
                }
            }
            for (int k = 0; k < c; k++) {
                meanAbs[k] /= count;
            }
            double[] y = new double[in.x.length];
            double[] dx = new double[in.x.length];
            for (long i = 0; i < n; i++) {
                for (int k = 0; k < c; k++) {
                    double w = in.weight == null ? 1 : Math.abs(in.weight[k]);
                    double b = in.bias == null ? 0 : Math.abs(in.bias[k]);
                    for (long j = 0; j < s; j++) {
                        int o = Math.toIntExact((i * c + k) * s + j);
                        double xhat = Math.abs((in.x[o] - mean[k]) * invStd[k]);
                        y[o] = (Math.abs(in.x[o]) + meanAbs[k]) * w * invStd[k] + b;
                        dx[o] = w * invStd[k] * (Math.abs(in.dy[o]) + sumAbsDy[k] / count
                                + xhat * sumAbsDyXhat[k] / count);
                    }
                }
            }
            return new Scales(meanAbs, y, sumAbsDy, sumAbsDyXhat, dx);
        }
    }
}
