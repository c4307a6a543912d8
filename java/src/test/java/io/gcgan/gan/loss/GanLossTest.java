package io.gcgan.gan.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.autograd.Autograd;
import io.gcgan.gan.loss.GanLoss.Batch;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every loss against values computed by hand (the arithmetic is in the comments), on float64 logits unless
 * the test is about float32. t_r = D(x), t_f = D(G(z)), sp = softplus, ln = natural log.
 */
class GanLossTest {

    private static final double TOL = 1e-12;

    private static Tensor vec(double... v) {
        return Tensor.of(v, v.length);
    }

    private static Tensor column(double... v) {
        return Tensor.of(v, v.length, 1);
    }

    private static Tensor leaf(double... v) {
        return vec(v).requiresGrad(true);
    }

    private static double ln(double x) {
        return Math.log(x);
    }

    // ---- standard GAN --------------------------------------------------------------------------------------

    @Test
    void standardGanDiscriminatorLossByHand() {
        // t_r = [0, ln 3], t_f = [0, -ln 3]
        // E sp(-t_r) = (sp(0) + sp(-ln 3)) / 2 = (ln 2 + ln(1 + 1/3)) / 2 = (ln 2 + ln(4/3)) / 2
        // E sp(t_f)  = (sp(0) + sp(-ln 3)) / 2 = the same
        // sum = ln 2 + ln(4/3) = ln(8/3); and -E log D(x) - E log(1 - D(G(z))) with D = sigmoid:
        // D(x) = [1/2, 3/4], 1 - D(G(z)) = [1/2, 3/4] -> -(ln 1/2 + ln 3/4) = ln(8/3).
        for (boolean ns : new boolean[] {false, true}) {
            GanLoss loss = new StandardGanLoss(ns);
            Tensor d = loss.discriminatorLoss(Batch.ofOutputs(column(0, ln(3)), vec(0, -ln(3))));
            assertEquals(0, d.rank());
            assertEquals(ln(8.0 / 3), d.item(), TOL);
        }
    }

    @Test
    void standardGanGeneratorLossesByHand() {
        // t_f = [0, ln 3]; D(G(z)) = [1/2, 3/4]
        // saturating: E log(1 - D(G(z))) = (ln 1/2 + ln 1/4) / 2 = -1.5 ln 2  (= -E sp(t_f): sp(ln 3) = ln 4)
        // non-saturating: -E log D(G(z)) = -(ln 1/2 + ln 3/4) / 2 = (ln 2 + ln 4/3) / 2 = ln(8/3) / 2
        Batch b = Batch.forGenerator(vec(0, ln(3)));
        assertEquals(-1.5 * ln(2), new StandardGanLoss(false).generatorLoss(b).item(), TOL);
        assertEquals(ln(8.0 / 3) / 2, new StandardGanLoss(true).generatorLoss(b).item(), TOL);
    }

    @Test
    void standardGanMatchesSigmoidFormulaAtModerateLogits() {
        double[] tr = {-2.5, -0.3, 0.7, 4.0};
        double[] tf = {-3.0, 0.1, 1.9, -0.8};
        double d = 0;
        double gSat = 0;
        double gNs = 0;
        for (int i = 0; i < 4; i++) {
            double dr = 1 / (1 + Math.exp(-tr[i]));
            double df = 1 / (1 + Math.exp(-tf[i]));
            d += (-Math.log(dr) - Math.log(1 - df)) / 4;
            gSat += Math.log(1 - df) / 4;
            gNs += -Math.log(df) / 4;
        }
        Batch b = Batch.ofOutputs(vec(tr), vec(tf));
        assertEquals(d, new StandardGanLoss(false).discriminatorLoss(b).item(), 1e-12);
        assertEquals(gSat, new StandardGanLoss(false).generatorLoss(b).item(), 1e-12);
        assertEquals(gNs, new StandardGanLoss(true).generatorLoss(b).item(), 1e-12);
    }

    @Test
    void standardGanIsFiniteAtLogitsPlusMinus100InFloat32() {
        float[] big = {100f, -100f, 100f, -100f};
        for (boolean ns : new boolean[] {false, true}) {
            GanLoss loss = new StandardGanLoss(ns);
            Tensor tr = Tensor.of(big.clone(), 4).requiresGrad(true);
            Tensor tf = Tensor.of(new float[] {-100f, 100f, 100f, -100f}, 4).requiresGrad(true);
            Tensor d = loss.discriminatorLoss(Batch.ofOutputs(tr, tf));
            // E sp(-t_r) = (sp(-100) + sp(100) + sp(-100) + sp(100)) / 4 ~= 200 / 4 = 50; same for E sp(t_f)
            assertEquals(100.0, d.item(), 1e-4);
            Tensor g = loss.generatorLoss(Batch.forGenerator(tf));
            // saturating: -E sp(t_f) = -(0 + 100 + 100 + 0) / 4 = -50; non-saturating: E sp(-t_f) = 50
            assertEquals(ns ? 50.0 : -50.0, g.item(), 1e-4);
            List<Tensor> grads = Autograd.grad(List.of(d), List.of(tr, tf), List.of(Tensor.scalar(1.0)), false);
            for (Tensor t : grads) {
                for (float v : t.toFloatArray()) {
                    assertTrue(Float.isFinite(v), "gradient " + t);
                }
            }
            // d/dt_r of sp(-t_r)/4 = -sigmoid(-t_r)/4: [~0, -1/4, ~0, -1/4]
            assertArrayEquals(new float[] {0f, -0.25f, 0f, -0.25f}, grads.get(0).toFloatArray(), 1e-6f);
            assertTrue(Double.isFinite(Autograd.grad(g, tf, false).toDoubleArray()[0]));
        }
    }

    @Test
    void saturatingGeneratorVanishesWhereNonSaturatingDoesNot() {
        // D rejects the fakes confidently (t_f = -10). d/dt_f:
        //   saturating  -sp(t_f):  -sigmoid(t_f) = -4.54e-5
        //   non-sat.    sp(-t_f):  -sigmoid(-t_f) = -0.9999546
        Tensor tf = leaf(-10.0);
        double sat = Autograd.grad(new StandardGanLoss(false).generatorLoss(Batch.forGenerator(tf)), tf, false).item();
        double ns = Autograd.grad(new StandardGanLoss(true).generatorLoss(Batch.forGenerator(tf)), tf, false).item();
        assertEquals(-1 / (1 + Math.exp(10)), sat, 1e-15);
        assertEquals(-1 / (1 + Math.exp(-10)), ns, 1e-12);
    }

    // ---- WGAN ----------------------------------------------------------------------------------------------

    @Test
    void wassersteinByHand() {
        // t_r = [1, 2, 3] -> E = 2; t_f = [0.5, 1.5] -> E = 1.
        // D: E f(G(z)) - E f(x) = 1 - 2 = -1; G: -E f(G(z)) = -1.
        GanLoss loss = new WassersteinLoss();
        Batch b = Batch.ofOutputs(vec(1, 2, 3), column(0.5, 1.5));
        assertEquals(-1.0, loss.discriminatorLoss(b).item(), TOL);
        assertEquals(-1.0, loss.generatorLoss(b).item(), TOL);
        assertEquals(0.01, loss.weightClip().getAsDouble());
        assertFalse(new WassersteinLoss(0).weightClip().isPresent());
        assertThrows(IllegalArgumentException.class, () -> new WassersteinLoss(-0.1));
    }

    @Test
    void wassersteinIsFiniteAtLargeOutputs() {
        GanLoss loss = new WassersteinLoss();
        Batch b = Batch.ofOutputs(Tensor.of(new float[] {100f, -100f}, 2), Tensor.of(new float[] {-100f, 100f}, 2));
        assertEquals(0.0, loss.discriminatorLoss(b).item(), 1e-6);
    }

    // ---- least squares (Mao) -------------------------------------------------------------------------------

    @Test
    void leastSquaresByHand() {
        // codes a = 0, b = 1, c = 1; t_r = [1, 3], t_f = [0, 2]
        // D: 1/2 mean((1-1)^2, (3-1)^2) + 1/2 mean(0^2, 2^2) = 1/2 * 2 + 1/2 * 2 = 2
        // G: 1/2 mean((0-1)^2, (2-1)^2) = 1/2
        Batch b = Batch.ofOutputs(vec(1, 3), vec(0, 2));
        GanLoss loss = new LeastSquaresLoss();
        assertEquals(2.0, loss.discriminatorLoss(b).item(), TOL);
        assertEquals(0.5, loss.generatorLoss(b).item(), TOL);
        // codes a = -1, b = 1, c = 0:
        // D: 1/2 mean(0, 4) + 1/2 mean((0+1)^2, (2+1)^2) = 1 + 1/2 * 5 = 3.5; G: 1/2 mean(0, 4) = 1
        GanLoss pearson = new LeastSquaresLoss(-1, 1, 0);
        assertEquals(3.5, pearson.discriminatorLoss(b).item(), TOL);
        assertEquals(1.0, pearson.generatorLoss(b).item(), TOL);
    }

    @Test
    void leastSquaresIsFiniteAtLargeOutputs() {
        Batch b = Batch.ofOutputs(Tensor.of(new float[] {100f, -100f}, 2), Tensor.of(new float[] {-100f, 100f}, 2));
        // D: 1/2 mean(99^2, 101^2) + 1/2 mean(100^2, 100^2) = 1/2 * 10001 + 1/2 * 10000 = 10000.5
        assertEquals(10000.5, new LeastSquaresLoss().discriminatorLoss(b).item(), 1e-2);
    }

    // ---- hinge ---------------------------------------------------------------------------------------------

    @Test
    void hingeByHand() {
        // t_r = [0.5, 2, -1]: relu(1 - t_r) = [0.5, 0, 2] -> mean 2.5/3
        // t_f = [-2, 0, 0.5]: relu(1 + t_f) = [0, 1, 1.5] -> mean 2.5/3;  D = 5/3
        // G: -mean(t_f) = -(-1.5/3) = 0.5
        Batch b = Batch.ofOutputs(vec(0.5, 2, -1), vec(-2, 0, 0.5));
        GanLoss loss = new HingeLoss();
        assertEquals(5.0 / 3, loss.discriminatorLoss(b).item(), TOL);
        assertEquals(0.5, loss.generatorLoss(b).item(), TOL);
        Batch huge = Batch.ofOutputs(Tensor.of(new float[] {100f, -100f}, 2), Tensor.of(new float[] {-100f, 100f}, 2));
        // relu(1 - t_r) = [0, 101], relu(1 + t_f) = [0, 101] -> 50.5 + 50.5
        assertEquals(101.0, loss.discriminatorLoss(huge).item(), 1e-4);
    }

    // ---- loss-sensitive (Qi) and GLS-GAN -------------------------------------------------------------------

    /** Paired samples [2, 1, 2, 2]: ||x_0 - G(z_0)||_1 = 1, ||x_1 - G(z_1)||_1 = 0.5 + 0.5 + 0.5 + 1 = 2.5. */
    private static Batch lossSensitiveBatch(Tensor dReal, Tensor dFake) {
        Tensor real = Tensor.of(new double[] {1, 0, 0, 0, 0.5, 0.5, -0.5, 0}, 2, 1, 2, 2);
        Tensor fake = Tensor.of(new double[] {0, 0, 0, 0, 0, 0, 0, 1}, 2, 1, 2, 2);
        return new Batch(real, fake, dReal, dFake);
    }

    private static LossSensitiveLoss gls(double nu, PairDistance distance) {
        // gamma 0.5, lambda 2, tau 0.4, L = raw output
        return LossSensitiveLoss.glsGan(nu, 0.5, 2.0, 0.4, distance, LossOutput.IDENTITY);
    }

    @Test
    void lossSensitiveByHand() {
        // Delta = 0.4 * [1, 2.5] = [0.4, 1.0]; L(x) = [0.3, 2.0]; L(G(z)) = [1.0, 1.5]
        // a = Delta + L(x) - L(G(z)) = [0.4 + 0.3 - 1.0, 1.0 + 2.0 - 1.5] = [-0.3, 1.5]
        // D = gamma E L(x) + lambda E (a)+ = 0.5 * 1.15 + 2 * mean(0, 1.5) = 0.575 + 1.5 = 2.075
        // G = E L(G(z)) = 1.25
        LossSensitiveLoss loss = LossSensitiveLoss.lsGan(0.5, 2.0, 0.4, PairDistance.L1_SUM, LossOutput.IDENTITY);
        Batch b = lossSensitiveBatch(column(0.3, 2.0), vec(1.0, 1.5));
        assertEquals(2.075, loss.discriminatorLoss(b).item(), TOL);
        assertEquals(1.25, loss.generatorLoss(b).item(), TOL);
        assertEquals(GanLosses.LOSS_SENSITIVE, loss.name());
        assertTrue(loss.needsSamples());
        assertArrayEquals(new double[] {0.4, 1.0}, loss.margins(b.real(), b.fake()).toDoubleArray(), TOL);
    }

    @Test
    void lossSensitiveGradientsFollowTheHingeMask() {
        // With a = [-0.3, 1.5] (above): dD/dL(x)_n = gamma/N + lambda/N [a_n > 0] = [0.25, 0.25 + 1] ,
        // dD/dL(G(z))_n = -lambda/N [a_n > 0] = [0, -1]; the samples get no gradient through Delta.
        LossSensitiveLoss loss = LossSensitiveLoss.lsGan(0.5, 2.0, 0.4, PairDistance.L1_SUM, LossOutput.IDENTITY);
        Tensor tr = leaf(0.3, 2.0);
        Tensor tf = leaf(1.0, 1.5);
        Batch base = lossSensitiveBatch(tr, tf);
        Tensor fake = base.fake().requiresGrad(true);
        Tensor d = loss.discriminatorLoss(new Batch(base.real(), fake, tr, tf));
        List<Tensor> g = Autograd.grad(List.of(d), List.of(tr, tf), List.of(Tensor.scalar(1.0, DType.FLOAT64,
                tr.device())), false);
        assertArrayEquals(new double[] {0.25, 1.25}, g.get(0).toDoubleArray(), TOL);
        assertArrayEquals(new double[] {0.0, -1.0}, g.get(1).toDoubleArray(), TOL);
        assertThrows(IllegalArgumentException.class, () -> Autograd.grad(d, fake, false),
                "Delta is a constant for D: G(z) must not be reachable through it");
    }

    @Test
    void glsGanReducesToLsGanAtNuZeroAndToAbsAtNuMinusOne() {
        Batch b = lossSensitiveBatch(vec(0.3, 2.0), vec(1.0, 1.5));
        // a = [-0.3, 1.5], gamma E L(x) = 0.575, lambda = 2:
        //   nu = 0:    C = (a)+ = [0, 1.5]      -> 0.575 + 2 * 0.75 = 2.075  (LS-GAN above)
        //   nu = -1:   C = |a|  = [0.3, 1.5]    -> 0.575 + 2 * 0.9  = 2.375
        //   nu = 1:    C = a                    -> 0.575 + 2 * 0.6  = 1.775
        //   nu = 0.5:  C = [-0.15, 1.5]         -> 0.575 + 2 * 0.675 = 1.925
        LossSensitiveLoss ls = LossSensitiveLoss.lsGan(0.5, 2.0, 0.4, PairDistance.L1_SUM, LossOutput.IDENTITY);
        assertEquals(ls.discriminatorLoss(b).item(), gls(0, PairDistance.L1_SUM).discriminatorLoss(b).item(), TOL);
        assertEquals(2.075, gls(0, PairDistance.L1_SUM).discriminatorLoss(b).item(), TOL);
        assertEquals(2.375, gls(-1, PairDistance.L1_SUM).discriminatorLoss(b).item(), TOL);
        assertEquals(1.775, gls(1, PairDistance.L1_SUM).discriminatorLoss(b).item(), TOL);
        assertEquals(1.925, gls(0.5, PairDistance.L1_SUM).discriminatorLoss(b).item(), TOL);
        // the cost itself: C_-1 = |a|, C_0 = (a)+
        Tensor a = vec(-2, -0.5, 0, 0.25, 3);
        assertArrayEquals(new double[] {2, 0.5, 0, 0.25, 3}, gls(-1, PairDistance.L1_SUM).cost(a).toDoubleArray(), 0);
        assertArrayEquals(new double[] {0, 0, 0, 0.25, 3}, gls(0, PairDistance.L1_SUM).cost(a).toDoubleArray(), 0);
        assertArrayEquals(new double[] {-2, -0.5, 0, 0.25, 3}, gls(1, PairDistance.L1_SUM).cost(a).toDoubleArray(), 0);
        assertEquals(GanLosses.GLS_GAN, gls(0, PairDistance.L1_SUM).name());
        assertThrows(IllegalArgumentException.class, () -> gls(1.5, PairDistance.L1_SUM));
    }

    @Test
    void lossSensitiveWithMeanPixelDistance() {
        // L1_MEAN: Delta = 0.4 * [1/4, 2.5/4] = [0.1, 0.25]
        // a = [0.1 + 0.3 - 1.0, 0.25 + 2.0 - 1.5] = [-0.6, 0.75] -> D = 0.575 + 2 * mean(0, 0.75) = 1.325
        Batch b = lossSensitiveBatch(vec(0.3, 2.0), vec(1.0, 1.5));
        assertEquals(1.325, gls(0, PairDistance.L1_MEAN).discriminatorLoss(b).item(), TOL);
    }

    @Test
    void lossSensitiveOutputTransforms() {
        // Identical samples (Delta = 0), t_r = [0], t_f = [ln 3], gamma 1, lambda 1, tau 1.
        // SOFTPLUS: L(x) = ln 2, L(G(z)) = ln 4, a = ln 2 - ln 4 = -ln 2 -> (a)+ = 0: D = ln 2, G = ln 4
        //           with nu = -1: D = ln 2 + |-ln 2| = 2 ln 2
        Tensor x = Tensor.of(new double[] {0.5, -0.5}, 1, 2);
        Batch b = new Batch(x, x, vec(0), vec(ln(3)));
        var sp = LossSensitiveLoss.lsGan(1, 1, 1, PairDistance.L1_SUM, LossOutput.SOFTPLUS);
        assertEquals(ln(2), sp.discriminatorLoss(b).item(), TOL);
        assertEquals(ln(4), sp.generatorLoss(b).item(), TOL);
        var spAbs = LossSensitiveLoss.glsGan(-1, 1, 1, 1, PairDistance.L1_SUM, LossOutput.SOFTPLUS);
        assertEquals(2 * ln(2), spAbs.discriminatorLoss(b).item(), TOL);
        // RELU: t_r = [-1, 2] -> L(x) = [0, 2]; t_f = [-3, 1] -> L(G(z)) = [0, 1]; Delta = 0 (x = G(z))
        // a = [0, 1]; D = 1 * mean(0, 2) + 1 * mean(0, 1) = 1.5; G = mean(0, 1) = 0.5
        Tensor x2 = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
        Batch b2 = new Batch(x2, x2, vec(-1, 2), vec(-3, 1));
        var relu = LossSensitiveLoss.lsGan(1, 1, 1, PairDistance.L1_SUM, LossOutput.RELU);
        assertEquals(1.5, relu.discriminatorLoss(b2).item(), TOL);
        assertEquals(0.5, relu.generatorLoss(b2).item(), TOL);
    }

    @Test
    void lossSensitiveIsFiniteAtLargeOutputsInFloat32() {
        Tensor x = Tensor.of(new float[] {1f, -1f, 0.5f, 0f}, 2, 2);
        Tensor y = Tensor.of(new float[] {-1f, 1f, 0.5f, 1f}, 2, 2);
        for (LossOutput out : LossOutput.values()) {
            var loss = LossSensitiveLoss.glsGan(-1, 0.1, 1, 0.5, PairDistance.L1_SUM, out);
            Tensor tr = Tensor.of(new float[] {100f, -100f}, 2).requiresGrad(true);
            Tensor tf = Tensor.of(new float[] {-100f, 100f}, 2).requiresGrad(true);
            Tensor d = loss.discriminatorLoss(new Batch(x, y, tr, tf));
            assertTrue(Double.isFinite(d.item()), out + ": " + d);
            for (float v : Autograd.grad(d, tr, false).toFloatArray()) {
                assertTrue(Float.isFinite(v), out.toString());
            }
        }
    }

    // ---- names and validation ------------------------------------------------------------------------------

    @Test
    void everyNameBuildsItsLoss() {
        GanLosses.Options options = GanLosses.Options.defaults().withNu(-1);
        for (String name : GanLosses.names()) {
            GanLoss loss = GanLosses.byName(name, options);
            assertEquals(name, loss.name());
            assertEquals(loss.getClass(), GanLosses.byName(" " + name.toUpperCase() + " ", options).getClass());
        }
        assertEquals(List.of("gan", "nsgan", "wgan", "loss-sensitive", "gls-gan", "lsgan", "hinge"),
                GanLosses.names());
        assertTrue(GanLosses.byName("wgan").weightClip().isPresent());
        assertEquals(0.05, GanLosses.byName("wgan", options.withClip(0.05)).weightClip().getAsDouble());
        assertEquals(GanLosses.LEAST_SQUARES, GanLosses.canonical("least-squares"));
        assertSame(LeastSquaresLoss.class, GanLosses.byName("least-squares").getClass());
        var ls = (LossSensitiveLoss) GanLosses.byName("loss-sensitive");
        assertEquals(0.0, ls.nu());
        assertEquals(0.0, ls.gamma());
        assertEquals(1.0, ls.lambda());
        assertEquals(2e-4, ls.tau());
        assertEquals(PairDistance.L1_SUM, ls.pairDistance());
        assertEquals(LossOutput.RELU, ls.lossOutput());
        assertEquals(-1.0, ((LossSensitiveLoss) GanLosses.byName("gls-gan", options)).nu());
    }

    @Test
    void unknownAndAmbiguousNamesFailListingTheValidOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> GanLosses.byName("wgan-gpp"));
        for (String name : GanLosses.names()) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
        var ambiguous = assertThrows(IllegalArgumentException.class, () -> GanLosses.byName("LS-GAN"));
        assertTrue(ambiguous.getMessage().contains("loss-sensitive") && ambiguous.getMessage().contains("lsgan"),
                ambiguous.getMessage());
        var noNu = assertThrows(IllegalArgumentException.class, () -> GanLosses.byName("gls-gan"));
        assertTrue(noNu.getMessage().contains("nu"), noNu.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GanLosses.byName(null));
    }

    @Test
    void badBatchesFailWithShapes() {
        GanLoss loss = new StandardGanLoss(true);
        var wrongShape = assertThrows(IllegalArgumentException.class,
                () -> loss.discriminatorLoss(Batch.ofOutputs(Tensor.zeros(DType.FLOAT64, io.gcgan.tensor.Device.CPU,
                        2, 3), vec(0, 0))));
        assertTrue(wrongShape.getMessage().contains("[2, 3]"), wrongShape.getMessage());
        var missing = assertThrows(IllegalArgumentException.class,
                () -> loss.discriminatorLoss(Batch.forGenerator(vec(0))));
        assertTrue(missing.getMessage().contains("D(x)"), missing.getMessage());
        var noSamples = assertThrows(IllegalArgumentException.class,
                () -> gls(0, PairDistance.L1_SUM).discriminatorLoss(Batch.ofOutputs(vec(0), vec(0))));
        assertTrue(noSamples.getMessage().contains("real"), noSamples.getMessage());
        var unpaired = assertThrows(IllegalArgumentException.class,
                () -> gls(0, PairDistance.L1_SUM).discriminatorLoss(lossSensitiveBatch(vec(0, 1, 2), vec(0, 1, 2))));
        assertTrue(unpaired.getMessage().contains("batch size"), unpaired.getMessage());
    }
}
