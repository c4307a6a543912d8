package io.gcgan.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.autograd.Autograd;
import io.gcgan.backend.BatchNormRunningStats;
import io.gcgan.backend.BatchNormShape;
import io.gcgan.backend.Lifetime;
import io.gcgan.backend.ProfilingBackend;
import io.gcgan.backend.Storage;
import io.gcgan.backend.cpu.CpuBackend;
import io.gcgan.random.Generator;
import io.gcgan.tensor.Backends;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import io.gcgan.tensor.testutil.Close;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused batch normalization (the default) against the composed reference ({@code useFusedKernel(false)}):
 * the same outputs, running statistics, first derivatives and, through a gradient penalty, second derivatives,
 * in float64 and float32, for BatchNorm1d on [N, C] and [N, C, L] and BatchNorm2d, affine or not; and the
 * promise that makes it worth having: one backend call forward and one backward.
 */
class FusedBatchNormTest {

    /** dtype, input shape, affine, track running stats. */
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        long[][] shapes = {{6, 4}, {3, 5, 7}, {4, 3, 5, 6}, {1, 2, 3, 3}, {2, 1, 4, 4}, {16, 8, 9, 9}};
        for (DType dt : List.of(DType.FLOAT64, DType.FLOAT32)) {
            for (long[] shape : shapes) {
                out.add(Arguments.of(dt, shape, true, true));
            }
            out.add(Arguments.of(dt, new long[] {5, 3, 4, 4}, false, true));
            out.add(Arguments.of(dt, new long[] {5, 3, 4}, true, false));
        }
        return out.stream();
    }

    private static BatchNorm make(long[] shape, boolean affine, boolean track, DType dt) {
        int c = (int) shape[1];
        ModuleOptions o = ModuleOptions.defaults().withDType(dt);
        return shape.length == 4 ? new BatchNorm2d(c, 1e-5, 0.1, affine, track, o)
                : new BatchNorm1d(c, 1e-5, 0.1, affine, track, o);
    }

    /** Non-trivial affine parameters, equal in both modules. */
    private static void setAffine(BatchNorm bn, long seed) {
        if (bn.weight() == null) {
            return;
        }
        Tensor w = Tensor.randn(new Generator(seed), DType.FLOAT64, Device.CPU, bn.numFeatures()).add(1.5);
        Tensor b = Tensor.randn(new Generator(seed + 1), DType.FLOAT64, Device.CPU, bn.numFeatures());
        try (var g = io.gcgan.tensor.GradMode.noGrad()) {
            bn.weight().assign(w.to(bn.weight().dtype()));
            bn.bias().assign(b.to(bn.bias().dtype()));
        }
    }

    private static double tol(DType dt) {
        return dt == DType.FLOAT64 ? 1e-11 : 2e-5;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void fusedMatchesComposedInValuesStatisticsAndGradients(DType dt, long[] shape, boolean affine, boolean track) {
        BatchNorm fused = make(shape, affine, track, dt);
        BatchNorm composed = make(shape, affine, track, dt).useFusedKernel(false);
        assertTrue(fused.usesFusedKernel());
        setAffine(fused, 5);
        setAffine(composed, 5);
        double tol = tol(dt);
        for (int step = 0; step < 3; step++) {
            // Offset and scaled inputs: the statistics are far from 0 and 1, as after a conv.
            Tensor x = Tensor.randn(new Generator(100 + step), DType.FLOAT64, Device.CPU, shape).mul(3.0).add(2.0)
                    .to(dt).requiresGrad(true);
            Tensor r = Tensor.randn(new Generator(200 + step), DType.FLOAT64, Device.CPU, shape).to(dt);
            Tensor yf = fused.forward(x);
            Tensor yc = composed.forward(x);
            String at = dt.displayName() + " " + java.util.Arrays.toString(shape) + " step " + step;
            Close.assertAllClose("y " + at, yc.toDoubleArray(), yf.toDoubleArray(), tol, tol);
            List<Tensor> wrt = new ArrayList<>(List.of(x));
            List<Tensor> wrtC = new ArrayList<>(List.of(x));
            if (affine) {
                wrt.addAll(List.of(fused.weight(), fused.bias()));
                wrtC.addAll(List.of(composed.weight(), composed.bias()));
            }
            List<Tensor> gf = Autograd.grad(List.of(yf.mul(r).sum()), wrt, List.of(Tensor.scalar(1, dt, Device.CPU)),
                    false);
            List<Tensor> gc = Autograd.grad(List.of(yc.mul(r).sum()), wrtC,
                    List.of(Tensor.scalar(1, dt, Device.CPU)), false);
            for (int k = 0; k < gf.size(); k++) {
                Close.assertAllClose("d/d" + List.of("x", "weight", "bias").get(k) + " " + at,
                        gc.get(k).toDoubleArray(), gf.get(k).toDoubleArray(), tol * 10, tol);
            }
        }
        if (track) {
            assertEquals(composed.numBatchesTracked(), fused.numBatchesTracked());
            Close.assertAllClose("running_mean", composed.runningMean().toDoubleArray(),
                    fused.runningMean().toDoubleArray(), tol, tol);
            Close.assertAllClose("running_var", composed.runningVar().toDoubleArray(),
                    fused.runningVar().toDoubleArray(), tol, tol);
            fused.eval();
            composed.eval();
            Tensor x = Tensor.randn(new Generator(300), DType.FLOAT64, Device.CPU, shape).to(dt);
            Close.assertAllClose("eval", composed.forward(x).toDoubleArray(), fused.forward(x).toDoubleArray(), tol,
                    tol);
        }
    }

    /** Only the parameters need gradients (x does not require grad): the fused backward makes dWeight, dBias only. */
    @Test
    void parameterGradientsWithoutAnInputGradient() {
        long[] shape = {6, 3, 4, 4};
        BatchNorm fused = make(shape, true, true, DType.FLOAT64);
        BatchNorm composed = make(shape, true, true, DType.FLOAT64).useFusedKernel(false);
        setAffine(fused, 13);
        setAffine(composed, 13);
        Tensor x = Tensor.randn(new Generator(41), DType.FLOAT64, Device.CPU, shape);
        Tensor r = Tensor.randn(new Generator(42), DType.FLOAT64, Device.CPU, shape);
        Autograd.backward(fused.forward(x).mul(r).sum());
        Autograd.backward(composed.forward(x).mul(r).sum());
        Close.assertAllClose("dweight", composed.weight().grad().toDoubleArray(),
                fused.weight().grad().toDoubleArray(), 1e-11, 1e-11);
        Close.assertAllClose("dbias", composed.bias().grad().toDoubleArray(), fused.bias().grad().toDoubleArray(),
                1e-11, 1e-11);
        assertEquals(null, x.grad());
    }

    /** P = sum((d sum(BN(x) r) / dx)^2), differentiated with respect to x and the weight. */
    private static List<Tensor> penaltyGradient(BatchNorm bn, Tensor x, Tensor r) {
        Tensor gx = Autograd.grad(bn.forward(x).mul(r).sum(), x, true);
        Tensor p = gx.square().sum();
        return Autograd.grad(List.of(p), List.of(x, bn.weight()), List.of(Tensor.scalar(1, x.dtype(), Device.CPU)),
                false);
    }

    @Test
    void secondDerivativesThroughAPenaltyMatchTheComposedForm() {
        long[] shape = {4, 3, 3, 3};
        for (DType dt : List.of(DType.FLOAT64, DType.FLOAT32)) {
            BatchNorm fused = make(shape, true, true, dt);
            BatchNorm composed = make(shape, true, true, dt).useFusedKernel(false);
            setAffine(fused, 9);
            setAffine(composed, 9);
            Tensor x = Tensor.randn(new Generator(31), DType.FLOAT64, Device.CPU, shape).to(dt).requiresGrad(true);
            Tensor r = Tensor.randn(new Generator(32), DType.FLOAT64, Device.CPU, shape).to(dt);
            List<Tensor> gf = penaltyGradient(fused, x, r);
            List<Tensor> gc = penaltyGradient(composed, x, r);
            double tol = tol(dt) * 10;
            for (int k = 0; k < 2; k++) {
                Close.assertAllClose(dt.displayName() + " dP/d" + List.of("x", "weight").get(k),
                        gc.get(k).toDoubleArray(), gf.get(k).toDoubleArray(), tol, tol);
            }
        }
    }

    @Test
    void oneBackendCallForwardAndOneBackward() {
        ProfilingBackend p = new ProfilingBackend(CpuBackend.instance());
        Backends.install(p);
        try (TensorScope ignored = TensorScope.open()) {
            // The running statistics are updated by the same call.
            BatchNorm bn = new BatchNorm2d(3);
            Tensor x = Tensor.randn(new Generator(1), DType.FLOAT32, Device.CPU, 4, 3, 5, 5).requiresGrad(true);
            Tensor dy = Tensor.randn(new Generator(2), DType.FLOAT32, Device.CPU, 4, 3, 5, 5);
            p.reset();
            Tensor y = bn.forward(x);
            assertEquals(1, calls(p, "batchNorm forward"));
            assertEquals(1, computeCalls(p), p.entries().toString());
            p.reset();
            List<Tensor> g = Autograd.grad(List.of(y), List.of(x, bn.weight(), bn.bias()), List.of(dy), false);
            assertEquals(3, g.size());
            assertEquals(1, calls(p, "batchNorm backward"));
            assertEquals(1, computeCalls(p), p.entries().toString());
        } finally {
            Backends.uninstall(Device.CPU);
        }
    }

    /** Calls other than allocation. */
    private static long computeCalls(ProfilingBackend p) {
        return p.entries().stream().filter(e -> !e.name().equals("allocate") && !e.name().equals("free"))
                .mapToLong(ProfilingBackend.Entry::calls).sum();
    }

    private static long calls(ProfilingBackend p, String name) {
        return p.entries().stream().filter(e -> e.name().equals(name)).mapToLong(ProfilingBackend.Entry::calls)
                .sum();
    }

    @Test
    void badArgumentsAreNamed() {
        CpuBackend cpu = CpuBackend.instance();
        BatchNormShape shape = new BatchNormShape(2, 3, 4);
        Storage x = cpu.allocate(DType.FLOAT32, 24, Lifetime.AUTOMATIC);
        Storage y = cpu.allocate(DType.FLOAT32, 24, Lifetime.AUTOMATIC);
        Storage c3 = cpu.allocate(DType.FLOAT32, 3, Lifetime.AUTOMATIC);
        Storage c3b = cpu.allocate(DType.FLOAT32, 3, Lifetime.AUTOMATIC);
        Storage c2 = cpu.allocate(DType.FLOAT32, 2, Lifetime.AUTOMATIC);
        Storage d3 = cpu.allocate(DType.FLOAT64, 3, Lifetime.AUTOMATIC);
        String m = assertThrows(IllegalArgumentException.class,
                () -> cpu.batchNormForward(x, c3, null, shape, 1e-5, y, c3, c3b, null)).getMessage();
        assertTrue(m.contains("weight only"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> cpu.batchNormForward(x, null, null, shape, 0.0, y, c3, c3b, null)).getMessage();
        assertTrue(m.contains("eps") && m.contains("0.0"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> cpu.batchNormForward(x, null, null, shape, 1e-5, y, c2, c3b, null)).getMessage();
        assertTrue(m.contains("mean has 2 elements"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> cpu.batchNormForward(x, null, null, shape, 1e-5, y, d3, c3b, null)).getMessage();
        assertTrue(m.contains("mean is float64"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> cpu.batchNormForward(x, null, null, shape, 1e-5, x, c3, c3b, null)).getMessage();
        assertTrue(m.contains("y must not be x"), m);
        Storage r3 = cpu.allocate(DType.FLOAT32, 3, Lifetime.AUTOMATIC);
        m = assertThrows(IllegalArgumentException.class, () -> cpu.batchNormForward(x, null, null, shape, 1e-5, y, c3,
                c3b, new BatchNormRunningStats(c3, r3, 0.1))).getMessage();
        assertTrue(m.contains("running statistic is also another operand"), m);
        m = assertThrows(IllegalArgumentException.class, () -> cpu.batchNormForward(x, null, null, shape, 1e-5, y, c3,
                c3b, new BatchNormRunningStats(c2, r3, 0.1))).getMessage();
        assertTrue(m.contains("running mean has 2 elements"), m);
        m = assertThrows(IllegalArgumentException.class, () -> new BatchNormRunningStats(c3, r3, 1.5)).getMessage();
        assertTrue(m.contains("factor must be in [0, 1], got 1.5"), m);
        Tensor rm = Tensor.zeros(DType.FLOAT32, Device.CPU, 3).requiresGrad(true);
        Tensor rv = Tensor.ones(DType.FLOAT32, Device.CPU, 3);
        m = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(DType.FLOAT32, Device.CPU, 4, 3)
                .batchNorm(null, null, 1e-5, rm, rv, 0.1)).getMessage();
        assertTrue(m.contains("must not require grad"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> cpu.batchNormBackward(y, x, c3, c3b, null, shape, 1e-5, null, null, null)).getMessage();
        assertTrue(m.contains("nothing to compute"), m);
        m = assertThrows(IllegalArgumentException.class, () -> new BatchNormShape(1, 3, 1)).getMessage();
        assertTrue(m.contains("more than 1 value per channel"), m);
        Tensor t = Tensor.zeros(DType.FLOAT32, Device.CPU, 4, 3);
        Tensor w2 = Tensor.ones(DType.FLOAT32, Device.CPU, 2);
        m = assertThrows(IllegalArgumentException.class, () -> t.batchNorm(w2, w2, 1e-5)).getMessage();
        assertTrue(m.contains("[3]") && m.contains("[2]"), m);
        assertFalse(m.isEmpty());
    }
}
