package io.gcgan.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.autograd.Autograd;
import io.gcgan.random.Generator;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.GradMode;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.testutil.Close;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * BatchNorm against numbers worked out by hand (PyTorch's semantics: normalise with the biased batch
 * variance, update running_var with the unbiased one, momentum 0.1), against per-channel loops, and its
 * first and second derivatives against central differences in float64.
 */
class BatchNormTest {

    private static final ModuleOptions F64 = ModuleOptions.of(new Generator(5)).withDType(DType.FLOAT64);
    private static final double EPS = 1e-5;
    private static final double TOL = 1e-12;

    /** x [4, 2]: channel 0 is 1, 3, 5, 7 (mean 4, biased var 5, unbiased 20/3); channel 1 is 2, 2, 2, 6 (3, 3, 4). */
    private static final double[] X = {1, 2, 3, 2, 5, 2, 7, 6};

    private static void set(Tensor t, double... values) {
        try (GradMode.Guard g = GradMode.noGrad()) {
            t.assign(Tensor.of(values, t.shape()).to(t.dtype()));
        }
    }

    private static BatchNorm1d handExample() {
        var bn = new BatchNorm1d(2, F64);
        set(bn.weight(), 2, 0.5);
        set(bn.bias(), 1, -1);
        return bn;
    }

    /**
     * The composed form's running statistics are updated in place (mulInPlace, addInPlace); in float32 they must be
     * bit for bit those of assign(r.mul(1 - f).add(stat.mul(f))), with the unbiased variance stat.mul(n / (n - 1)).
     * (The fused form's, rounded once from float64, are compared with these in FusedBatchNormTest.)
     */
    @Test
    void inPlaceRunningStatisticsEqualTheComposedUpdateBitForBit() {
        ModuleOptions f32 = ModuleOptions.of(new Generator(9));
        var bn = new BatchNorm2d(3, f32).useFusedKernel(false); // the fused update rounds once, in float64
        float[] mean = bn.runningMean().toFloatArray();
        float[] var = bn.runningVar().toFloatArray();
        Generator gen = new Generator(10);
        for (int step = 0; step < 4; step++) {
            Tensor x = Tensor.randn(gen, 5, 3, 4, 2).mul(1.7).add(0.3 * step);
            long n = 5 * 4 * 2;
            Tensor expectedMean;
            Tensor expectedVar;
            try (GradMode.Guard g = GradMode.noGrad()) {
                Tensor m = x.mean(new int[] {0, 2, 3}, false);
                Tensor v = x.sub(x.mean(new int[] {0, 2, 3}, true)).square().mean(new int[] {0, 2, 3}, false);
                Tensor r = Tensor.of(mean, 3);
                Tensor q = Tensor.of(var, 3);
                expectedMean = r.mul(1 - 0.1).add(m.mul(0.1));
                expectedVar = q.mul(1 - 0.1).add(v.mul((double) n / (n - 1)).mul(0.1));
            }
            bn.forward(x);
            mean = bn.runningMean().toFloatArray();
            var = bn.runningVar().toFloatArray();
            assertArrayEquals(expectedMean.toFloatArray(), mean, "running_mean after step " + step);
            assertArrayEquals(expectedVar.toFloatArray(), var, "running_var after step " + step);
        }
    }

    @Test
    void inPlaceOpsAreRefusedOnTensorsThatRequireGradAndMustNotGrowTheTensor() {
        Tensor w = Tensor.of(new float[] {1, 2, 3}, 3).requiresGrad(true);
        assertThrows(IllegalStateException.class, () -> w.mulInPlace(2));
        assertThrows(IllegalStateException.class, () -> w.addInPlace(Tensor.of(new float[] {1}, 1)));
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        assertThrows(IllegalArgumentException.class, () -> t.addInPlace(Tensor.of(new float[] {1, 2, 3, 4, 5, 6},
                3, 2)));
        t.mulInPlace(0.5).addInPlace(Tensor.of(new float[] {10, 20}, 2));
        assertArrayEquals(new float[] {10.5f, 21f, 11.5f, 22f}, t.toFloatArray());
    }

    @Test
    void trainingNormalisesWithBiasedVarianceAndTracksUnbiased() {
        var bn = handExample();
        Tensor y = bn.forward(Tensor.of(X, 4, 2));
        double s0 = Math.sqrt(5 + EPS), s1 = Math.sqrt(3 + EPS);
        double[] expected = {
            (1 - 4) / s0 * 2 + 1, (2 - 3) / s1 * 0.5 - 1,
            (3 - 4) / s0 * 2 + 1, (2 - 3) / s1 * 0.5 - 1,
            (5 - 4) / s0 * 2 + 1, (2 - 3) / s1 * 0.5 - 1,
            (7 - 4) / s0 * 2 + 1, (6 - 3) / s1 * 0.5 - 1};
        Close.assertAllClose("y", expected, y.toDoubleArray(), TOL, TOL);
        // running = 0.9 running + 0.1 stat, from mean 0 and var 1
        Close.assertAllClose("running_mean 1", new double[] {0.4, 0.3}, bn.runningMean().toDoubleArray(), TOL, TOL);
        Close.assertAllClose("running_var 1", new double[] {0.9 + 0.1 * 20 / 3.0, 0.9 + 0.1 * 4},
                bn.runningVar().toDoubleArray(), TOL, TOL);
        assertEquals(1, bn.numBatchesTracked());

        bn.forward(Tensor.of(X, 4, 2));
        Close.assertAllClose("running_mean 2", new double[] {0.9 * 0.4 + 0.4, 0.9 * 0.3 + 0.3},
                bn.runningMean().toDoubleArray(), TOL, TOL);
        double rv0 = 0.9 * (0.9 + 0.1 * 20 / 3.0) + 0.1 * 20 / 3.0, rv1 = 0.9 * 1.3 + 0.4;
        Close.assertAllClose("running_var 2", new double[] {rv0, rv1}, bn.runningVar().toDoubleArray(), TOL, TOL);
        assertEquals(2, bn.numBatchesTracked());
        assertEquals(2.0, bn.stateDict().get("num_batches_tracked").item());

        // eval: the running statistics, nothing updated, one sample is fine
        bn.eval();
        Tensor e = bn.forward(Tensor.of(new double[] {0, 1}, 1, 2));
        double[] expectedEval = {(0 - 0.76) / Math.sqrt(rv0 + EPS) * 2 + 1, (1 - 0.57) / Math.sqrt(rv1 + EPS) * 0.5 - 1};
        Close.assertAllClose("eval", expectedEval, e.toDoubleArray(), TOL, TOL);
        assertEquals(2, bn.numBatchesTracked());
        Close.assertAllClose("running_mean after eval", new double[] {0.76, 0.57}, bn.runningMean().toDoubleArray(),
                TOL, TOL);
    }

    @Test
    void momentumNoneIsACumulativeAverage() {
        var bn = new BatchNorm1d(2, EPS, null, true, true, F64);
        bn.forward(Tensor.of(X, 4, 2)); // factor 1/1: the first batch's statistics
        Close.assertAllClose("mean 1", new double[] {4, 3}, bn.runningMean().toDoubleArray(), TOL, TOL);
        Close.assertAllClose("var 1", new double[] {20 / 3.0, 4}, bn.runningVar().toDoubleArray(), TOL, TOL);
        double[] shifted = X.clone();
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] += 10;
        }
        bn.forward(Tensor.of(shifted, 4, 2)); // factor 1/2: the average of the two batches
        Close.assertAllClose("mean 2", new double[] {9, 8}, bn.runningMean().toDoubleArray(), TOL, TOL);
        Close.assertAllClose("var 2", new double[] {20 / 3.0, 4}, bn.runningVar().toDoubleArray(), TOL, TOL);
    }

    @Test
    void batchNorm2dMatchesPerChannelLoops() {
        var bn = new BatchNorm2d(2, F64);
        set(bn.weight(), 1.5, -0.5);
        set(bn.bias(), 0.25, 2);
        long[] shape = {3, 2, 2, 3};
        Tensor x = Tensor.randn(new Generator(9), DType.FLOAT64, Device.CPU, shape).mul(3).add(1);
        double[] xs = x.toDoubleArray();
        double[] w = {1.5, -0.5}, b = {0.25, 2};
        double[] ref = new double[xs.length];
        double[] rm = new double[2], rv = new double[2];
        int hw = 6, m = 3 * hw;
        for (int c = 0; c < 2; c++) {
            double sum = 0;
            for (int n = 0; n < 3; n++) {
                for (int i = 0; i < hw; i++) {
                    sum += xs[(n * 2 + c) * hw + i];
                }
            }
            double mean = sum / m, sq = 0;
            for (int n = 0; n < 3; n++) {
                for (int i = 0; i < hw; i++) {
                    sq += Math.pow(xs[(n * 2 + c) * hw + i] - mean, 2);
                }
            }
            for (int n = 0; n < 3; n++) {
                for (int i = 0; i < hw; i++) {
                    int k = (n * 2 + c) * hw + i;
                    ref[k] = (xs[k] - mean) / Math.sqrt(sq / m + EPS) * w[c] + b[c];
                }
            }
            rm[c] = 0.1 * mean;
            rv[c] = 0.9 + 0.1 * sq / (m - 1);
        }
        Close.assertAllClose("bn2d", shape, ref, bn.forward(x).toDoubleArray(), 1e-12, 1e-12);
        Close.assertAllClose("bn2d running_mean", rm, bn.runningMean().toDoubleArray(), 1e-12, 1e-12);
        Close.assertAllClose("bn2d running_var", rv, bn.runningVar().toDoubleArray(), 1e-12, 1e-12);
    }

    @Test
    void float32ModuleKeepsFloat32State() {
        var bn = new BatchNorm2d(3);
        Tensor x = Tensor.randn(new Generator(4), 2, 3, 2, 2);
        assertEquals(DType.FLOAT32, bn.forward(x).dtype());
        assertEquals(DType.FLOAT32, bn.runningMean().dtype());
        assertEquals(1, bn.numBatchesTracked());
    }

    @Test
    void oneValuePerChannelIsRejectedInTraining() {
        var bn = new BatchNorm1d(3, F64);
        Tensor one = Tensor.of(new double[] {1, 2, 3}, 1, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> bn.forward(one));
        assertTrue(e.getMessage().contains("more than 1 value per channel") && e.getMessage().contains("[1, 3]"),
                e.getMessage());
        assertEquals(0, bn.numBatchesTracked(), "nothing updated");
        bn.eval();
        bn.forward(one);
        var bad = assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.zeros(2, 4)));
        assertTrue(bad.getMessage().contains("expected 3"), bad.getMessage());
    }

    @Test
    void withoutRunningStatsOrAffineTheStateShrinks() {
        var bn = new BatchNorm1d(2, EPS, 0.1, false, false, F64);
        assertTrue(bn.stateDict().isEmpty());
        assertNull(bn.weight());
        assertNull(bn.runningMean());
        bn.eval(); // still batch statistics
        Tensor y = bn.forward(Tensor.of(X, 4, 2));
        double s0 = Math.sqrt(5 + EPS);
        assertEquals((1 - 4) / s0, y.toDoubleArray()[0], TOL);
        assertEquals(0, bn.numBatchesTracked());
    }

    @Test
    void resetParametersRestoresTheDefaults() {
        var bn = handExample();
        bn.forward(Tensor.of(X, 4, 2));
        bn.resetParameters();
        assertArrayEquals(new double[] {1, 1}, bn.weight().toDoubleArray());
        assertArrayEquals(new double[] {0, 0}, bn.bias().toDoubleArray());
        assertArrayEquals(new double[] {0, 0}, bn.runningMean().toDoubleArray());
        assertArrayEquals(new double[] {1, 1}, bn.runningVar().toDoubleArray());
        assertEquals(0, bn.numBatchesTracked());
    }

    // ---- derivatives -----------------------------------------------------------------------------------

    private static final long[] GSHAPE = {3, 2, 2, 2};

    private static BatchNorm2d gradExample() {
        var bn = new BatchNorm2d(2, F64);
        set(bn.weight(), 1.3, -0.7);
        set(bn.bias(), 0.2, 0.4);
        return bn;
    }

    /** L = sum(BN(x) * r). */
    private static Tensor loss(BatchNorm2d bn, Tensor x, Tensor r) {
        return bn.forward(x).mul(r).sum();
    }

    /** P = sum((dL/dx)^2): a gradient penalty through BatchNorm. */
    private static Tensor penalty(BatchNorm2d bn, Tensor x, Tensor r, boolean createGraph) {
        Tensor gx = Autograd.grad(loss(bn, x, r), x, createGraph);
        return gx.square().sum();
    }

    /** Central difference of f over element i of the tensor t (changed in place and restored). */
    private static double central(Tensor t, int i, DoubleSupplier f) {
        double h = 1e-5;
        double[] v = t.toDoubleArray();
        double orig = v[i];
        v[i] = orig + h;
        set(t, v);
        double up = f.getAsDouble();
        v[i] = orig - h;
        set(t, v);
        double down = f.getAsDouble();
        v[i] = orig;
        set(t, v);
        return (up - down) / (2 * h);
    }

    @Test
    void firstDerivativesMatchCentralDifferences() {
        var bn = gradExample();
        Tensor x = Tensor.randn(new Generator(21), DType.FLOAT64, Device.CPU, GSHAPE).requiresGrad(true);
        Tensor r = Tensor.randn(new Generator(22), DType.FLOAT64, Device.CPU, GSHAPE);
        var grads = Autograd.grad(List.of(loss(bn, x, r)), List.of(x, bn.weight(), bn.bias()),
                List.of(Tensor.scalar(1, DType.FLOAT64, Device.CPU)), false);
        for (int k = 0; k < 3; k++) {
            Tensor t = List.of(x, bn.weight(), bn.bias()).get(k);
            double[] numeric = new double[(int) t.numel()];
            for (int i = 0; i < numeric.length; i++) {
                numeric[i] = central(t, i, () -> loss(bn, x, r).item());
            }
            Close.assertAllClose("dL/d" + List.of("x", "weight", "bias").get(k), numeric,
                    grads.get(k).toDoubleArray(), 1e-7, 1e-6);
        }
    }

    @Test
    void secondDerivativesMatchCentralDifferences() {
        var bn = gradExample();
        Tensor x = Tensor.randn(new Generator(23), DType.FLOAT64, Device.CPU, GSHAPE).requiresGrad(true);
        Tensor r = Tensor.randn(new Generator(24), DType.FLOAT64, Device.CPU, GSHAPE);
        Tensor p = penalty(bn, x, r, true);
        var grads = Autograd.grad(List.of(p), List.of(bn.weight(), x),
                List.of(Tensor.scalar(1, DType.FLOAT64, Device.CPU)), false);
        double[] dw = new double[2];
        for (int i = 0; i < 2; i++) {
            dw[i] = central(bn.weight(), i, () -> penalty(bn, x, r, false).item());
        }
        Close.assertAllClose("dP/dweight", dw, grads.get(0).toDoubleArray(), 1e-7, 1e-6);
        double[] dx = new double[(int) x.numel()];
        for (int i = 0; i < dx.length; i++) {
            dx[i] = central(x, i, () -> penalty(bn, x, r, false).item());
        }
        Close.assertAllClose("dP/dx", dx, grads.get(1).toDoubleArray(), 1e-7, 1e-6);
        assertFalse(bn.runningMean().requiresGrad(), "running statistics never join the graph");
    }
}
