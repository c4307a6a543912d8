package io.gcgan.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.autograd.Autograd;
import io.gcgan.random.Generator;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.testutil.Close;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Layer forwards against direct float64 loops written from the definitions:
 *
 * <pre>
 *   Linear           y[i, o] = sum_k x[i, k] W[o, k] + b[o]
 *   Conv2d           y[n, o, p, q] = sum_{c, r, s} x[n, c, p sh - ph + r, q sw - pw + s] W[o, c, r, s] + b[o]
 *   ConvTranspose2d  every x[n, c, i, j] W[c, o, r, s] adds into y[n, o, i sh - ph + r, j sw - pw + s]
 * </pre>
 */
class LayersTest {

    private static final ModuleOptions F64 = ModuleOptions.of(new Generator(11)).withDType(DType.FLOAT64);
    private static final double TOL = 1e-12;

    private static Tensor randn(long seed, long... shape) {
        return Tensor.randn(new Generator(seed), DType.FLOAT64, Device.CPU, shape);
    }

    @Test
    void shapeAndDtypeErrorsInASequentialNameTheLayer() {
        var net = new Sequential(new Linear(4, 5, true, F64), new LeakyReLU(0.2), new Linear(6, 1, true, F64));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net.forward(Tensor.zeros(DType.FLOAT64, Device.CPU, 2, 4)));
        assertTrue(e.getMessage().startsWith("layer 2 of 3 (Linear(in_features=6"), e.getMessage());
        assertTrue(e.getMessage().contains("input of shape [2, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> net.forward(Tensor.zeros(DType.FLOAT32, Device.CPU, 2, 4)));
        assertTrue(e.getMessage().contains("layer 0 of 3") && e.getMessage().contains("input of dtype float32,"
                + " weights of dtype float64"), e.getMessage());
    }

    @Test
    void linearMatchesDirectSum() {
        for (boolean bias : new boolean[] {true, false}) {
            var fc = new Linear(5, 3, bias, F64);
            Tensor x = randn(1, 4, 5);
            double[] xs = x.toDoubleArray();
            double[] w = fc.weight().toDoubleArray();
            double[] b = bias ? fc.bias().toDoubleArray() : new double[3];
            double[] ref = new double[4 * 3];
            for (int i = 0; i < 4; i++) {
                for (int o = 0; o < 3; o++) {
                    double s = b[o];
                    for (int k = 0; k < 5; k++) {
                        s += xs[i * 5 + k] * w[o * 5 + k];
                    }
                    ref[i * 3 + o] = s;
                }
            }
            Tensor y = fc.forward(x);
            assertArrayEquals(new long[] {4, 3}, y.shape());
            Close.assertAllClose("linear bias=" + bias, ref, y.toDoubleArray(), TOL, TOL);
            if (!bias) {
                assertNull(fc.bias());
                assertEquals(List.of("weight"), List.copyOf(fc.stateDict().keySet()));
            }
        }
    }

    @Test
    void linearTakesLeadingDimensionsAndChecksFeatures() {
        var fc = new Linear(5, 3, true, F64);
        Tensor x = randn(2, 2, 4, 5);
        Tensor flat = fc.forward(x.reshape(8, 5));
        Tensor y = fc.forward(x);
        assertArrayEquals(new long[] {2, 4, 3}, y.shape());
        Close.assertAllClose("leading dims", flat.toDoubleArray(), y.toDoubleArray(), TOL, TOL);
        var e = assertThrows(IllegalArgumentException.class, () -> fc.forward(randn(3, 4, 6)));
        assertTrue(e.getMessage().contains("[4, 6]"), e.getMessage());
    }

    @Test
    void linearGradientsAreTheTransposedProducts() {
        var fc = new Linear(5, 3, true, F64);
        Tensor x = randn(4, 4, 5);
        Tensor r = randn(5, 4, 3);
        Autograd.backward(fc.forward(x).mul(r).sum());
        double[] xs = x.toDoubleArray();
        double[] rs = r.toDoubleArray();
        double[] dw = new double[15];
        double[] db = new double[3];
        for (int i = 0; i < 4; i++) {
            for (int o = 0; o < 3; o++) {
                db[o] += rs[i * 3 + o];
                for (int k = 0; k < 5; k++) {
                    dw[o * 5 + k] += rs[i * 3 + o] * xs[i * 5 + k];
                }
            }
        }
        Close.assertAllClose("dL/dW", dw, fc.weight().grad().toDoubleArray(), TOL, TOL);
        Close.assertAllClose("dL/db", db, fc.bias().grad().toDoubleArray(), TOL, TOL);
    }

    /** Direct conv: x [N, C, H, W], w [K, C, R, S], b [K] or null. */
    private static double[] conv(double[] x, long[] xs, double[] w, long[] ws, double[] b, int sh, int sw, int ph,
                                 int pw) {
        int n = (int) xs[0], c = (int) xs[1], h = (int) xs[2], wd = (int) xs[3];
        int k = (int) ws[0], r = (int) ws[2], s = (int) ws[3];
        int p = (h + 2 * ph - r) / sh + 1, q = (wd + 2 * pw - s) / sw + 1;
        double[] y = new double[n * k * p * q];
        for (int in = 0; in < n; in++) {
            for (int ik = 0; ik < k; ik++) {
                for (int ip = 0; ip < p; ip++) {
                    for (int iq = 0; iq < q; iq++) {
                        double acc = b == null ? 0 : b[ik];
                        for (int ic = 0; ic < c; ic++) {
                            for (int ir = 0; ir < r; ir++) {
                                for (int is = 0; is < s; is++) {
                                    int hh = ip * sh - ph + ir, ww = iq * sw - pw + is;
                                    if (hh >= 0 && hh < h && ww >= 0 && ww < wd) {
                                        acc += x[((in * c + ic) * h + hh) * wd + ww] * w[((ik * c + ic) * r + ir) * s + is];
                                    }
                                }
                            }
                        }
                        y[((in * k + ik) * p + ip) * q + iq] = acc;
                    }
                }
            }
        }
        return y;
    }

    @Test
    void conv2dMatchesDirectConvolution() {
        record Case(int cin, int cout, int kh, int kw, int sh, int sw, int ph, int pw, int h, int w, boolean bias) {
        }
        for (Case t : List.of(new Case(3, 4, 4, 4, 2, 2, 1, 1, 8, 8, true), new Case(2, 3, 3, 2, 1, 2, 0, 1, 5, 7, false),
                new Case(1, 2, 4, 4, 1, 1, 0, 0, 4, 4, true))) {
            var conv = new Conv2d(t.cin, t.cout, t.kh, t.kw, t.sh, t.sw, t.ph, t.pw, t.bias, F64);
            long[] xs = {2, t.cin, t.h, t.w};
            Tensor x = randn(6, xs);
            double[] ref = conv(x.toDoubleArray(), xs, conv.weight().toDoubleArray(), conv.weight().shape(),
                    t.bias ? conv.bias().toDoubleArray() : null, t.sh, t.sw, t.ph, t.pw);
            Tensor y = conv.forward(x);
            assertEquals(ref.length, y.numel(), t.toString());
            Close.assertAllClose("conv2d " + t, y.shape(), ref, y.toDoubleArray(), TOL, TOL);
        }
    }

    @Test
    void convTranspose2dMatchesDirectScatter() {
        record Case(int cin, int cout, int k, int s, int p, int op, int h, int w, boolean bias) {
        }
        for (Case t : List.of(new Case(4, 3, 4, 2, 1, 0, 3, 5, true), new Case(2, 5, 3, 2, 1, 1, 4, 4, false),
                new Case(3, 2, 4, 1, 0, 0, 1, 1, true))) {
            var convT = new ConvTranspose2d(t.cin, t.cout, t.k, t.s, t.p, t.op, t.bias, F64);
            assertArrayEquals(new long[] {t.cin, t.cout, t.k, t.k}, convT.weight().shape());
            Tensor x = randn(7, 2, t.cin, t.h, t.w);
            double[] xv = x.toDoubleArray();
            double[] wv = convT.weight().toDoubleArray();
            int oh = (t.h - 1) * t.s - 2 * t.p + t.k + t.op, ow = (t.w - 1) * t.s - 2 * t.p + t.k + t.op;
            double[] ref = new double[2 * t.cout * oh * ow];
            for (int n = 0; n < 2; n++) {
                for (int o = 0; o < t.cout; o++) {
                    double b = t.bias ? convT.bias().toDoubleArray()[o] : 0;
                    for (int i = 0; i < oh * ow; i++) {
                        ref[(n * t.cout + o) * oh * ow + i] = b;
                    }
                }
                for (int c = 0; c < t.cin; c++) {
                    for (int i = 0; i < t.h; i++) {
                        for (int j = 0; j < t.w; j++) {
                            for (int o = 0; o < t.cout; o++) {
                                for (int r = 0; r < t.k; r++) {
                                    for (int s = 0; s < t.k; s++) {
                                        int y = i * t.s - t.p + r, z = j * t.s - t.p + s;
                                        if (y >= 0 && y < oh && z >= 0 && z < ow) {
                                            ref[((n * t.cout + o) * oh + y) * ow + z] +=
                                                    xv[((n * t.cin + c) * t.h + i) * t.w + j]
                                                            * wv[((c * t.cout + o) * t.k + r) * t.k + s];
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            Tensor y = convT.forward(x);
            assertArrayEquals(new long[] {2, t.cout, oh, ow}, y.shape(), t.toString());
            Close.assertAllClose("convTranspose2d " + t, y.shape(), ref, y.toDoubleArray(), TOL, TOL);
        }
    }

    @Test
    void convLayersCheckTheirInputsAndSettings() {
        var conv = new Conv2d(3, 4, 3, 1, 1, true, F64);
        var e = assertThrows(IllegalArgumentException.class, () -> conv.forward(randn(1, 2, 2, 5, 5)));
        assertTrue(e.getMessage().contains("[2, 2, 5, 5]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ConvTranspose2d(2, 2, 3, 2, 1, 2, true, F64));
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(0, 2, 3, 1, 0, true, F64));
        assertEquals(List.of(3, 4), List.of(conv.inChannels(), conv.outChannels()));
        var convT = new ConvTranspose2d(4, 3, 4, 2, 1, true, F64); // Conv2d's argument list: no output padding
        assertEquals(List.of(4, 3), List.of(convT.inChannels(), convT.outChannels()));
        assertArrayEquals(new long[] {4, 3, 4, 4}, convT.weight().shape(), "[in, out, kh, kw] as PyTorch's");
        assertArrayEquals(new long[] {1, 3, 10, 10}, convT.forward(randn(2, 1, 4, 5, 5)).shape());
    }

    @Test
    void activationsMatchTheirFormulas() {
        Tensor x = Tensor.of(new double[] {-3, -0.5, 0, 0.25, 2}, 5);
        double[] xs = x.toDoubleArray();
        double[] relu = new double[5], leaky = new double[5], tanh = new double[5], sig = new double[5];
        for (int i = 0; i < 5; i++) {
            relu[i] = Math.max(xs[i], 0);
            leaky[i] = xs[i] >= 0 ? xs[i] : 0.2 * xs[i];
            tanh[i] = Math.tanh(xs[i]);
            sig[i] = 1 / (1 + Math.exp(-xs[i]));
        }
        Close.assertAllClose("relu", relu, new ReLU().forward(x).toDoubleArray(), TOL, TOL);
        Close.assertAllClose("leaky", leaky, new LeakyReLU(0.2).forward(x).toDoubleArray(), TOL, TOL);
        Close.assertAllClose("tanh", tanh, new Tanh().forward(x).toDoubleArray(), TOL, TOL);
        Close.assertAllClose("sigmoid", sig, new Sigmoid().forward(x).toDoubleArray(), TOL, TOL);
        assertEquals(0.01, new LeakyReLU().negativeSlope());
    }

    @Test
    void flattenAndReshapeKeepTheBatchDimension() {
        Tensor x = randn(8, 3, 2, 4, 5);
        Tensor f = new Flatten().forward(x);
        assertArrayEquals(new long[] {3, 40}, f.shape());
        assertSame(x.storage(), f.storage());
        assertArrayEquals(new long[] {3, 8, 5}, new Reshape(8, 5).forward(x).shape());
        assertArrayEquals(new long[] {3, 2, 20}, new Reshape(2, -1).forward(x).shape());
        assertThrows(IllegalArgumentException.class, () -> new Reshape(-1, -1));
        assertArrayEquals(x.toDoubleArray(), new Reshape(8, 5).forward(x).toDoubleArray());
    }

    @Test
    void sequentialAppliesItsLayersInOrder() {
        var fc = new Linear(4, 2, true, F64);
        var seq = new Sequential(new Flatten(), fc, new Tanh());
        Tensor x = randn(9, 3, 2, 2);
        Tensor expected = fc.forward(x.reshape(3, 4)).tanh();
        Close.assertAllClose("sequential", expected.toDoubleArray(), seq.forward(x).toDoubleArray(), TOL, TOL);
        assertEquals(3, seq.size());
        assertSame(fc, seq.get(1));
        assertEquals(List.of("", "0", "1", "2"), List.copyOf(seq.namedModules().keySet()));
    }

    @Test
    void optionsChooseDtypeAndDefaultsAreFloat32Cpu() {
        var fc = new Linear(3, 2, true);
        assertEquals(DType.FLOAT32, fc.weight().dtype());
        assertEquals(Device.CPU, fc.weight().device());
        var bn = new BatchNorm2d(4, F64);
        assertEquals(DType.FLOAT64, bn.weight().dtype());
        assertEquals(DType.FLOAT64, bn.runningVar().dtype());
    }
}
