package io.gcgan.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.gcgan.autograd.Autograd;
import io.gcgan.gan.penalty.CentredGradientPenalty;
import io.gcgan.random.Generator;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.GradMode;
import io.gcgan.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * Spectral normalization: W reshaped to [out, in * kh * kw] = [rows, cols]; power iteration
 * v = normalize(W^T u), u = normalize(W v); sigma = u^T W v; the layer computes with W / sigma. Host
 * references are plain double loops.
 */
class SpectralNormTest {

    private static final ModuleOptions F64 = ModuleOptions.of(new Generator(21)).withDType(DType.FLOAT64);

    private static Tensor randn(long seed, long... shape) {
        return Tensor.randn(new Generator(seed), DType.FLOAT64, Device.CPU, shape);
    }

    private static void set(Tensor t, double[] values) {
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            t.assign(Tensor.of(values.clone(), t.shape()));
        }
    }

    /** The largest singular value of the row-major [rows, cols] matrix m: power iteration on m m^T. */
    private static double largestSingularValue(double[] m, int rows) {
        int cols = m.length / rows;
        double[][] mmT = new double[rows][rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < rows; j++) {
                for (int k = 0; k < cols; k++) {
                    mmT[i][j] += m[i * cols + k] * m[j * cols + k];
                }
            }
        }
        double[] x = new double[rows];
        java.util.Arrays.fill(x, 1.0);
        double lambda = 0;
        for (int it = 0; it < 20000; it++) {
            double[] y = new double[rows];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < rows; j++) {
                    y[i] += mmT[i][j] * x[j];
                }
            }
            double norm = 0;
            for (double v : y) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            lambda = norm; // ||m m^T x|| with ||x|| = 1 converges to the top eigenvalue
            for (int i = 0; i < rows; i++) {
                x[i] = y[i] / norm;
            }
        }
        return Math.sqrt(lambda);
    }

    private static double[] normalized(double[] y) {
        double n = 0;
        for (double v : y) {
            n += v * v;
        }
        n = Math.max(Math.sqrt(n), 1e-12);
        double[] out = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = y[i] / n;
        }
        return out;
    }

    @Test
    void sigmaOfDiagonalMatrixConvergesToItsLargestEntry() {
        var fc = new Linear(3, 3, false, F64);
        set(fc.weight(), new double[] {3, 0, 0, 0, 2, 0, 0, 0, 1});
        var sn = SpectralNorm.wrap(fc, new Generator(5));
        Tensor x = randn(1, 2, 3);
        for (int i = 0; i < 60; i++) { // error ~ (2/3)^(2 i)
            sn.forward(x);
        }
        assertEquals(3.0, sn.sigma().item(), 1e-12);
        // u and v converge to +-e1
        assertEquals(1.0, Math.abs(sn.u().toDoubleArray()[0]), 1e-12);
        assertEquals(1.0, Math.abs(sn.v().toDoubleArray()[0]), 1e-12);
        // forward = x diag(1, 2/3, 1/3)
        double[] xs = x.toDoubleArray();
        double[] y = sn.forward(x).toDoubleArray();
        for (int n = 0; n < 2; n++) {
            assertArrayEquals(new double[] {xs[3 * n], xs[3 * n + 1] * 2 / 3, xs[3 * n + 2] / 3},
                    java.util.Arrays.copyOfRange(y, 3 * n, 3 * n + 3), 1e-12);
        }
    }

    @Test
    void normalizedConvWeightHasSpectralNormOne() {
        var conv = new Conv2d(3, 4, 3, 1, 1, true, F64);
        var sn = SpectralNorm.wrap(conv, 3, 1e-12, new Generator(6));
        Tensor x = randn(2, 1, 3, 5, 5);
        for (int i = 0; i < 100; i++) {
            sn.forward(x);
        }
        double exact = largestSingularValue(conv.weight().toDoubleArray(), 4);
        assertEquals(exact, sn.sigma().item(), 1e-9 * exact);
        assertEquals(1.0, largestSingularValue(sn.normalizedWeight().toDoubleArray(), 4), 1e-9);
    }

    @Test
    void onePowerStepIsPyTorchs() {
        var fc = new Linear(5, 3, true, F64);
        var sn = SpectralNorm.wrap(fc, new Generator(7));
        double[] w = fc.weight().toDoubleArray();
        double[] u0 = sn.u().toDoubleArray();
        assertEquals(1.0, Math.sqrt(u0[0] * u0[0] + u0[1] * u0[1] + u0[2] * u0[2]), 1e-12, "u starts normalized");
        // v1 = normalize(W^T u0), u1 = normalize(W v1), sigma = u1^T W v1
        double[] wtu = new double[5];
        for (int o = 0; o < 3; o++) {
            for (int k = 0; k < 5; k++) {
                wtu[k] += w[o * 5 + k] * u0[o];
            }
        }
        double[] v1 = normalized(wtu);
        double[] wv = new double[3];
        for (int o = 0; o < 3; o++) {
            for (int k = 0; k < 5; k++) {
                wv[o] += w[o * 5 + k] * v1[k];
            }
        }
        double[] u1 = normalized(wv);
        double sigma = 0;
        for (int o = 0; o < 3; o++) {
            sigma += u1[o] * wv[o];
        }
        Tensor x = randn(3, 2, 5);
        Tensor y = sn.forward(x);
        assertArrayEquals(v1, sn.v().toDoubleArray(), 1e-12);
        assertArrayEquals(u1, sn.u().toDoubleArray(), 1e-12);
        assertEquals(sigma, sn.sigma().item(), 1e-12);
        // y = x W^T / sigma + b
        double[] xs = x.toDoubleArray();
        double[] b = fc.bias().toDoubleArray();
        double[] ys = y.toDoubleArray();
        for (int n = 0; n < 2; n++) {
            for (int o = 0; o < 3; o++) {
                double s = 0;
                for (int k = 0; k < 5; k++) {
                    s += xs[n * 5 + k] * w[o * 5 + k];
                }
                assertEquals(s / sigma + b[o], ys[n * 3 + o], 1e-12);
            }
        }
        // evaluation mode: u and v stay
        sn.eval();
        sn.forward(x);
        assertArrayEquals(u1, sn.u().toDoubleArray(), 0);
        assertArrayEquals(v1, sn.v().toDoubleArray(), 0);
    }

    @Test
    void convForwardEqualsConvolutionWithTheNormalizedWeight() {
        for (boolean bias : new boolean[] {true, false}) {
            var conv = new Conv2d(2, 3, 3, 2, 1, bias, F64);
            var sn = SpectralNorm.wrap(conv, new Generator(8));
            Tensor x = randn(4, 2, 2, 6, 6);
            Tensor y = sn.forward(x);
            Tensor expected = x.conv2d(sn.normalizedWeight(), 2, 2, 1, 1);
            if (bias) {
                expected = expected.add(conv.bias().reshape(1, 3, 1, 1));
            }
            assertArrayEquals(expected.toDoubleArray(), y.toDoubleArray(), 1e-12);
        }
    }

    @Test
    void namesAndShapesArePyTorchs() {
        var conv = new Conv2d(3, 4, 3, 2, 1, true, F64);
        var sn = SpectralNorm.wrap(conv, new Generator(9));
        assertEquals(List.of("bias", "weight_orig", "weight_u", "weight_v"), List.copyOf(sn.stateDict().keySet()));
        assertEquals(List.of("bias", "weight_orig"), List.copyOf(sn.namedParameters().keySet()));
        assertEquals(List.of("weight_u", "weight_v"), List.copyOf(sn.namedBuffers().keySet()));
        assertSame(conv.weight(), sn.weightOrig());
        assertSame(conv.bias(), sn.namedParameters().get("bias"));
        assertArrayEquals(new long[] {4}, sn.u().shape());
        assertArrayEquals(new long[] {27}, sn.v().shape());
        assertEquals(conv.toString(), sn.toString());
        var noBias = SpectralNorm.wrap(new Linear(6, 2, false, F64), new Generator(9));
        assertEquals(List.of("weight_orig", "weight_u", "weight_v"), List.copyOf(noBias.stateDict().keySet()));
        var model = new Sequential(sn, new LeakyReLU(0.2), new Flatten(), noBias);
        assertEquals(List.of("0.bias", "0.weight_orig", "0.weight_u", "0.weight_v", "3.weight_orig", "3.weight_u",
                "3.weight_v"), List.copyOf(model.stateDict().keySet()));
        assertThrows(IllegalArgumentException.class, () -> SpectralNorm.wrap(new Linear(2, 2, true, F64), -1, 1e-12,
                new Generator(1)));
        assertThrows(IllegalArgumentException.class, () -> noBias.forward(randn(1, 2, 5)));
    }

    @Test
    void trainingModeGradientTreatsUAndVAsConstants() {
        // PyTorch: the power step runs without grad, so d/dW in training mode is d/dW of W / (u^T W v) with the
        // freshly updated u, v fixed: the same as an evaluation-mode forward right after.
        var fc = new Linear(4, 3, true, F64);
        var sn = SpectralNorm.wrap(fc, new Generator(10));
        Tensor x = randn(11, 5, 4);
        Tensor r = randn(12, 5, 3);
        Tensor gTrain = Autograd.grad(sn.forward(x).mul(r).sum(), sn.weightOrig(), false);
        sn.eval();
        Tensor gEval = Autograd.grad(sn.forward(x).mul(r).sum(), sn.weightOrig(), false);
        assertArrayEquals(gEval.toDoubleArray(), gTrain.toDoubleArray(), 1e-12);
    }

    @Test
    void aForwardsDerivativeUsesItsOwnUAndVWhenAnotherForwardRanSince() {
        // D on real, then on generated samples, then one backward (a discriminator's update): the second forward's
        // power step updates u and v in place, and the first forward's derivative must not see that.
        var sn = SpectralNorm.wrap(new Linear(4, 3, true, F64), new Generator(15));
        var same = SpectralNorm.wrap(new Linear(4, 3, true, F64), new Generator(15));
        same.weightOrig().detach().assign(sn.weightOrig());
        Tensor x1 = randn(16, 5, 4);
        Tensor x2 = randn(17, 5, 4);
        Tensor y1 = sn.forward(x1);
        sn.forward(x2);
        Tensor g = Autograd.grad(y1.sum(), sn.weightOrig(), false);
        Tensor alone = Autograd.grad(same.forward(x1).sum(), same.weightOrig(), false);
        assertArrayEquals(alone.toDoubleArray(), g.toDoubleArray(), 0, "the u and v of the first forward");
    }

    /** sum(forward(x) * r) in evaluation mode (fixed u, v): autograd against central differences. */
    @Test
    void gradientsMatchFiniteDifferencesWithFixedUAndV() {
        var conv = new Conv2d(2, 3, 3, 2, 1, true, F64);
        var convSn = SpectralNorm.wrap(conv, new Generator(13));
        var fcSn = SpectralNorm.wrap(new Linear(4, 3, true, F64), new Generator(14));
        for (int i = 0; i < 5; i++) { // move u, v off their random start, then freeze them
            convSn.forward(randn(15, 1, 2, 5, 5));
            fcSn.forward(randn(16, 1, 4));
        }
        checkModule(convSn.eval(), randn(17, 2, 2, 5, 5));
        checkModule(fcSn.eval(), randn(18, 3, 4));
    }

    private static void checkModule(Module m, Tensor x) {
        Tensor r;
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            r = randn(19, m.forward(x).shape());
        }
        DoubleSupplier f = () -> m.forward(x).mul(r).sum().item();
        List<Tensor> params = m.parameters();
        Tensor loss = m.forward(x).mul(r).sum();
        List<Tensor> analytic = Autograd.grad(List.of(loss), params,
                List.of(Tensor.scalar(1.0, DType.FLOAT64, Device.CPU)), false);
        compareWithFiniteDifferences(m.toString(), params, analytic, f);
    }

    private static void compareWithFiniteDifferences(String what, List<Tensor> params, List<Tensor> analytic,
                                                     DoubleSupplier f) {
        double h = 1e-6;
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            double[] values = p.toDoubleArray();
            double[] a = analytic.get(i).toDoubleArray();
            for (int j = 0; j < values.length; j++) {
                double saved = values[j];
                values[j] = saved + h;
                set(p, values);
                double plus = f.getAsDouble();
                values[j] = saved - h;
                set(p, values);
                double minus = f.getAsDouble();
                values[j] = saved;
                set(p, values);
                double numeric = (plus - minus) / (2 * h);
                if (!(Math.abs(a[j] - numeric) <= 1e-6 + 1e-4 * Math.abs(numeric)) && bad.size() < 8) {
                    bad.add("param " + i + " element " + j + ": analytic " + a[j] + ", numeric " + numeric);
                }
            }
        }
        if (!bad.isEmpty()) {
            fail(what + ": " + String.join("; ", bad));
        }
    }

    @Test
    void gradientPenaltyThroughSpectralNormMatchesFiniteDifferences() {
        // double backward through W / sigma: a WGAN-GP penalty on an SN critic, u and v frozen (eval mode)
        var critic = new Sequential(SpectralNorm.wrap(new Conv2d(2, 3, 3, 2, 1, true, F64), new Generator(20)),
                new Tanh(), new Flatten(), SpectralNorm.wrap(new Linear(12, 1, true, F64), new Generator(21)));
        critic.eval();
        Tensor real = randn(22, 2, 2, 4, 4);
        Tensor fake = randn(23, 2, 2, 4, 4);
        var penalty = CentredGradientPenalty.wganGp(10);
        DoubleSupplier f = () -> penalty.compute(critic::forward, real, fake, new Generator(24)).item();
        List<Tensor> params = critic.parameters();
        Tensor p = penalty.compute(critic::forward, real, fake, new Generator(24));
        for (Tensor param : params) {
            p = p.add(param.sum().mul(0.0)); // the last bias does not reach the input gradient (derivative 0)
        }
        List<Tensor> analytic = Autograd.grad(List.of(p), params,
                List.of(Tensor.scalar(1.0, DType.FLOAT64, Device.CPU)), false);
        compareWithFiniteDifferences("wganGp on SN critic", params, analytic, f);
    }
}
