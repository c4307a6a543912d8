package io.gcgan.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.random.Generator;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** PyTorch's default initialization and the DCGAN one, checked through the statistics of the draws. */
class InitTest {

    /** max |w| lies in (0.99 b, b] and the draws look uniform: mean ~ 0, variance ~ b^2 / 3. */
    private static void assertUniformWithBound(String what, Tensor t, double bound) {
        double[] v = t.toDoubleArray();
        double max = 0, sum = 0, sq = 0;
        for (double x : v) {
            max = Math.max(max, Math.abs(x));
            sum += x;
            sq += x * x;
        }
        double n = v.length;
        assertTrue(max <= bound * (1 + 1e-6), what + ": max |w| " + max + " exceeds the bound " + bound);
        assertTrue(max > bound * 0.99, what + ": max |w| " + max + " is well inside the bound " + bound
                + " (wrong fan_in?)");
        // the mean of n uniforms has sd b / sqrt(3n); allow 5 sd
        assertEquals(0.0, sum / n, 5 * bound / Math.sqrt(3 * n), what + " mean");
        assertEquals(bound * bound / 3, sq / n, 0.05 * bound * bound / 3 + 5 * bound * bound / Math.sqrt(n),
                what + " variance");
    }

    private static double[] meanStd(Tensor t) {
        double[] v = t.toDoubleArray();
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        double mean = sum / v.length, sq = 0;
        for (double x : v) {
            sq += (x - mean) * (x - mean);
        }
        return new double[] {mean, Math.sqrt(sq / (v.length - 1))};
    }

    @Test
    void linearAndConvUseOneOverSqrtFanIn() {
        var o = ModuleOptions.of(new Generator(100));
        var fc = new Linear(1000, 200, true, o);
        assertUniformWithBound("linear weight", fc.weight(), 1 / Math.sqrt(1000));
        assertUniformWithBound("linear bias", fc.bias(), 1 / Math.sqrt(1000));
        var conv = new Conv2d(16, 64, 3, 1, 1, true, o);
        assertEquals(16 * 9, Init.fanIn(conv.weight()));
        assertUniformWithBound("conv weight", conv.weight(), 1 / Math.sqrt(16 * 9));
        assertUniformWithBound("conv bias", conv.bias(), 1 / Math.sqrt(16 * 9));
    }

    @Test
    void convTransposeFanInIsOutputChannelsTimesKernelAsInPyTorch() {
        // weight [in=64, out=8, 4, 4]: PyTorch's fan_in is size(1) * 16 = 128, not 64 * 16 = 1024
        var convT = new ConvTranspose2d(64, 8, 4, 2, 1, 0, true, ModuleOptions.of(new Generator(3)));
        assertEquals(128, Init.fanIn(convT.weight()));
        assertUniformWithBound("convT weight", convT.weight(), 1 / Math.sqrt(128));
        // the bias has only 8 draws: just the bound
        for (double b : convT.bias().toDoubleArray()) {
            assertTrue(Math.abs(b) <= 1 / Math.sqrt(128), "convT bias " + b);
        }
    }

    @Test
    void batchNormStartsAtOneAndZero() {
        var bn = new BatchNorm2d(5);
        assertArrayEquals(new double[] {1, 1, 1, 1, 1}, bn.weight().toDoubleArray());
        assertArrayEquals(new double[5], bn.bias().toDoubleArray());
        assertArrayEquals(new double[5], bn.runningMean().toDoubleArray());
        assertArrayEquals(new double[] {1, 1, 1, 1, 1}, bn.runningVar().toDoubleArray());
        assertEquals(0, bn.numBatchesTracked());
    }

    @Test
    void dcganInitDrawsConvWeightsAndBatchNormWeights() {
        var g = ReferenceModels.dcgan64G(ModuleOptions.of(new Generator(1)));
        assertSame(g, Init.dcgan(g, new Generator(2)));
        for (var e : g.namedModules().entrySet()) {
            if (e.getValue() instanceof ConvTranspose2d c) {
                double[] ms = meanStd(c.weight());
                double n = c.weight().numel();
                assertEquals(0.0, ms[0], 5 * 0.02 / Math.sqrt(n), e.getKey() + " mean");
                assertEquals(0.02, ms[1], 0.02 * (0.02 + 5 / Math.sqrt(2 * n)), e.getKey() + " std");
            } else if (e.getValue() instanceof BatchNorm2d bn) {
                double[] ms = meanStd(bn.weight());
                double n = bn.weight().numel();
                assertEquals(1.0, ms[0], 5 * 0.02 / Math.sqrt(n), e.getKey() + " weight mean");
                assertEquals(0.02, ms[1], 0.02 * 5 / Math.sqrt(2 * n), e.getKey() + " weight std");
                assertArrayEquals(new double[(int) n], bn.bias().toDoubleArray(), e.getKey() + " bias");
            }
        }
    }

    @Test
    void dcganInitLeavesLinearLayersAtTheDefault() {
        var g = ReferenceModels.mnist28G(ModuleOptions.of(new Generator(1)));
        Linear fc = (Linear) g.get(0);
        ConvTranspose2d convT = (ConvTranspose2d) g.get(4);
        double[] w = fc.weight().toDoubleArray();
        double[] convBias = convT.bias().toDoubleArray();
        Init.dcgan(g, new Generator(2));
        assertArrayEquals(w, fc.weight().toDoubleArray(), "Linear keeps PyTorch's default");
        assertArrayEquals(convBias, convT.bias().toDoubleArray(), "conv biases keep PyTorch's default");
        double[] ms = meanStd(convT.weight());
        assertEquals(0.02, ms[1], 0.002);
    }

    @Test
    void sameSeedSameWeightsOnEveryDtype() {
        var a = new Linear(7, 5, true, ModuleOptions.of(new Generator(42)));
        var b = new Linear(7, 5, true, ModuleOptions.of(new Generator(42)));
        var c = new Linear(7, 5, true, ModuleOptions.of(new Generator(43)));
        var d = new Linear(7, 5, true, ModuleOptions.of(new Generator(42)).withDType(DType.FLOAT64));
        assertArrayEquals(a.weight().toDoubleArray(), b.weight().toDoubleArray());
        assertFalse(Arrays.equals(a.weight().toDoubleArray(), c.weight().toDoubleArray()));
        double[] f32 = a.weight().toDoubleArray(), f64 = d.weight().toDoubleArray();
        for (int i = 0; i < f32.length; i++) {
            assertEquals(f64[i], f32[i], 1e-7, "float32 and float64 draw the same stream");
        }
    }

    @Test
    void defaultGeneratorFollowsManualSeed() {
        Init.manualSeed(123);
        var a = new Linear(4, 4, false);
        Init.manualSeed(123);
        var b = new Linear(4, 4, false);
        assertArrayEquals(a.weight().toDoubleArray(), b.weight().toDoubleArray());
        Init.manualSeed(0);
    }

    @Test
    void fillsAreInPlaceAndKeepTheParameterIdentity() {
        var fc = new Linear(3, 3, true, ModuleOptions.of(new Generator(1)));
        Tensor w = fc.weight();
        Init.constant(w, 0.5);
        assertSame(w, fc.weight());
        assertTrue(w.requiresGrad() && w.isLeaf());
        assertArrayEquals(new double[] {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}, w.toDoubleArray());
        Init.normal(w, 3, 0, new Generator(1));
        assertEquals(3.0, w.toDoubleArray()[4]);
    }

    @Test
    void pythonFloatRepr() {
        assertEquals("1e-05", PyRepr.pyFloat(1e-5));
        assertEquals("0.1", PyRepr.pyFloat(0.1));
        assertEquals("0.2", PyRepr.pyFloat(0.2));
        assertEquals("0.0001", PyRepr.pyFloat(1e-4));
        assertEquals("1.5e-07", PyRepr.pyFloat(1.5e-7));
        assertEquals("100.0", PyRepr.pyFloat(100));
        assertEquals("1e+16", PyRepr.pyFloat(1e16));
        assertEquals("-0.01", PyRepr.pyFloat(-0.01));
        assertEquals("(7,)", PyRepr.tuple(7));
    }
}
