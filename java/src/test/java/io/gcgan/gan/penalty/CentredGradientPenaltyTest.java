package io.gcgan.gan.penalty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.gcgan.autograd.Autograd;
import io.gcgan.gan.penalty.CentredGradientPenalty.Points;
import io.gcgan.nn.Conv2d;
import io.gcgan.nn.Flatten;
import io.gcgan.nn.Linear;
import io.gcgan.nn.Module;
import io.gcgan.nn.ModuleOptions;
import io.gcgan.nn.Sequential;
import io.gcgan.nn.Tanh;
import io.gcgan.random.Generator;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.GradMode;
import io.gcgan.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The centred gradient penalty P = lambda mean_n (sqrt(||g_n||^2 + eps) - c)^2 (one-sided: max(0, .)^2) in
 * closed form and against finite differences. Samples are [N, 1, 2, 2] (4 "pixels") unless said otherwise.
 *
 * <ul>
 *   <li>linear critic D(x) = &lt;w, x&gt; + b: g_n = w for every sample and every point, so
 *       P = lambda (||w|| - c)^2 whatever the points are;</li>
 *   <li>quadratic critic D(x) = 1/2 ||x||^2: g_n = x_n, so P tells the points apart;</li>
 *   <li>a small float64 conv critic: dP/dtheta from double backward against central differences.</li>
 * </ul>
 */
class CentredGradientPenaltyTest {

    private static final double TOL = 1e-9;

    private static Tensor samples(double... v) {
        return Tensor.of(v, v.length / 4, 1, 2, 2);
    }

    /** D(x) = sum(x * w) + b per sample: [N, 1, 2, 2] -> [N, 1]. */
    private static Function<Tensor, Tensor> linearCritic(Tensor w, double b) {
        return x -> x.mul(w).sum(new int[] {1, 2, 3}, false).add(b).reshape(-1, 1);
    }

    /** D(x) = 1/2 ||x_n||^2 per sample: [N, ...] -> [N]. */
    private static Tensor quadratic(Tensor x) {
        return x.square().sum(new int[] {1, 2, 3}, false).mul(0.5);
    }

    /** w with ||w|| = 3 (1^2 + 2^2 + 2^2 = 9), scaled. */
    private static Tensor w(double scale) {
        return Tensor.of(new double[] {scale, 2 * scale, 2 * scale, 0}, 1, 1, 2, 2);
    }

    private static final Tensor REAL = samples(3, 4, 0, 0, 1, 0, 0, 0);   // norms 5 and 1
    private static final Tensor FAKE = samples(0, 0, 0, 0, 0, 2, 0, 0);   // norms 0 and 2

    // ---- closed forms --------------------------------------------------------------------------------------

    @Test
    void linearCriticGivesTheClosedFormAtEveryKindOfPoint() {
        double lambda = 2;
        for (Points points : Points.values()) {
            // ||w|| = 3:   c = 1: 2 (3 - 1)^2 = 8 (one-sided too: 3 > 1);   c = 0: 2 * 9 = 18
            // ||w|| = 0.5: c = 1: 2 (0.5 - 1)^2 = 0.5, one-sided 0;         c = 0: 2 * 0.25 = 0.5
            double[][] cases = {
                    // scale, centre, oneSided (0/1), expected
                    {1, 1, 0, 8}, {1, 1, 1, 8}, {1, 0, 0, 18}, {1, 0, 1, 18},
                    {1.0 / 6, 1, 0, 0.5}, {1.0 / 6, 1, 1, 0}, {1.0 / 6, 0, 0, 0.5}, {1.0 / 6, 0, 1, 0.5},
            };
            for (double[] c : cases) {
                var penalty = new CentredGradientPenalty(lambda, c[1], points, c[2] == 1, 0.0);
                double p = penalty.compute(linearCritic(w(c[0]), 0.7), REAL, FAKE, new Generator(1)).item();
                assertEquals(c[3], p, TOL, penalty + " with ||w|| = " + 3 * c[0]);
            }
        }
    }

    @Test
    void epsSitsInsideTheSquareRoot() {
        // ||w|| = 3, eps = 0.01: c = 1: 2 (sqrt(9.01) - 1)^2; c = 0: 2 (9 + 0.01)
        double eps = 0.01;
        var one = new CentredGradientPenalty(2, 1, Points.REAL, false, eps);
        var zero = new CentredGradientPenalty(2, 0, Points.REAL, false, eps);
        assertEquals(2 * Math.pow(Math.sqrt(9.01) - 1, 2), one.compute(linearCritic(w(1), 0), REAL, null, null).item(),
                TOL);
        assertEquals(2 * 9.01, zero.compute(linearCritic(w(1), 0), REAL, null, null).item(), TOL);
    }

    @Test
    void quadraticCriticTellsThePointsApart() {
        Function<Tensor, Tensor> d = CentredGradientPenaltyTest::quadratic;
        double eps = 1e-12;
        // real, norms [5, 1], lambda 0.5:  c = 1: 0.5 mean(16, 0) = 4;   c = 0: 0.5 mean(25, 1) = 6.5
        assertEquals(4.0, new CentredGradientPenalty(0.5, 1, Points.REAL).compute(d, REAL, FAKE, null).item(), TOL);
        assertEquals(6.5, new CentredGradientPenalty(0.5, 0, Points.REAL).compute(d, REAL, FAKE, null).item(), TOL);
        // fake, norms [0, 2] (sqrt(0 + eps) = 1e-6):
        //   c = 1: 0.5 mean((1e-6 - 1)^2, 1);  one-sided: 0.5 mean(0, 1) = 0.25;  c = 0: 0.5 mean(eps, 4 + eps)
        double twoSided = 0.5 * (Math.pow(Math.sqrt(eps) - 1, 2) + 1) / 2;
        assertEquals(twoSided, new CentredGradientPenalty(0.5, 1, Points.FAKE).compute(d, REAL, FAKE, null).item(),
                TOL);
        assertEquals(0.25, new CentredGradientPenalty(0.5, 1, Points.FAKE, true, eps).compute(d, REAL, FAKE, null)
                .item(), TOL);
        assertEquals(1.0, new CentredGradientPenalty(0.5, 0, Points.FAKE).compute(d, REAL, FAKE, null).item(), TOL);
    }

    @Test
    void interpolatesLieOnTheSegmentBetweenPairedSamples() {
        var penalty = new CentredGradientPenalty(0.5, 1, Points.INTERPOLATES);
        Generator gen = new Generator(42);
        var eval = penalty.evaluate(CentredGradientPenaltyTest::quadratic, REAL, FAKE, gen);
        assertEquals(2, gen.offset(), "one uniform per sample");
        double[] p = eval.points().toDoubleArray();
        // p_0 = a_0 [3, 4, 0, 0] + (1 - a_0) 0;   p_1 = a_1 [1, 0, 0, 0] + (1 - a_1) [0, 2, 0, 0]
        double a0 = p[0] / 3;
        double a1 = p[4];
        assertTrue(a0 > 0 && a0 < 1 && a1 > 0 && a1 < 1, "alpha in (0, 1): " + a0 + ", " + a1);
        assertNotEquals(a0, a1, "one alpha per sample");
        assertArrayEquals(new double[] {3 * a0, 4 * a0, 0, 0, a1, 2 * (1 - a1), 0, 0}, p, 1e-15);
        // alpha from the generator's stream: the same seed gives the same points
        assertArrayEquals(p, penalty.pointsFor(REAL, FAKE, new Generator(42)).toDoubleArray(), 0);
        double[] alpha = Tensor.rand(new Generator(42), DType.FLOAT64, Device.CPU, 2).toDoubleArray();
        assertEquals(alpha[0], a0, 1e-15);
        assertEquals(alpha[1], a1, 1e-15);
        // the penalty from the points' norms: ||p_0|| = 5 a_0, ||p_1|| = sqrt(a_1^2 + 4 (1 - a_1)^2)
        double n0 = 5 * a0;
        double n1 = Math.sqrt(a1 * a1 + 4 * (1 - a1) * (1 - a1));
        assertArrayEquals(new double[] {n0, n1}, eval.gradientNorms().toDoubleArray(), 1e-12);
        assertEquals(0.5 * (Math.pow(n0 - 1, 2) + Math.pow(n1 - 1, 2)) / 2, eval.penalty().item(), TOL);
    }

    @Test
    void presetsAreTheDocumentedSpecialCases() {
        var gp = CentredGradientPenalty.wganGp(10);
        assertEquals(List.of(10.0, 1.0), List.of(gp.lambda(), gp.centre()));
        assertEquals(Points.INTERPOLATES, gp.points());
        assertFalse(gp.isOneSided());
        var zero = CentredGradientPenalty.zeroCentred(100);
        assertEquals(List.of(100.0, 0.0), List.of(zero.lambda(), zero.centre()));
        assertEquals(Points.INTERPOLATES, zero.points());
        var r1 = CentredGradientPenalty.r1(10);
        assertEquals(List.of(5.0, 0.0), List.of(r1.lambda(), r1.centre()));
        assertEquals(Points.REAL, r1.points());
        var r2 = CentredGradientPenalty.r2(10);
        assertEquals(Points.FAKE, r2.points());
        // On the linear critic with ||w|| = 3 (eps 1e-12 contributes < 1e-10):
        //   wganGp(10) = 10 (3 - 1)^2 = 40;  zeroCentred(10) = 10 * 9 = 90;  r1(2) = r2(2) = (2/2) * 9 = 9
        Function<Tensor, Tensor> d = linearCritic(w(1), -3);
        assertEquals(40, CentredGradientPenalty.wganGp(10).compute(d, REAL, FAKE, new Generator(3)).item(), 1e-9);
        assertEquals(90, CentredGradientPenalty.zeroCentred(10).compute(d, REAL, FAKE, new Generator(3)).item(), 1e-9);
        assertEquals(9, CentredGradientPenalty.r1(2).compute(d, REAL, null, null).item(), 1e-9);
        assertEquals(9, CentredGradientPenalty.r2(2).compute(d, null, FAKE, null).item(), 1e-9);
        // R1 at the quadratic critic: (gamma / 2) mean ||x_n||^2 = (4 / 2) * (25 + 1) / 2 = 26
        assertEquals(26, CentredGradientPenalty.r1(4).compute(CentredGradientPenaltyTest::quadratic, REAL, FAKE, null)
                .item(), 1e-9);
        assertTrue(CentredGradientPenalty.wganGp(10).oneSided(true).isOneSided());
    }

    @Test
    void oneDimensionalSamples() {
        // x [N] (Dirac-GAN style): D(x) = 2.5 x + 1 -> |g_n| = 2.5;  wganGp(1) = (2.5 - 1)^2 = 2.25
        Tensor real = Tensor.of(new double[] {0.3, -1.2, 2.0}, 3);
        Tensor fake = Tensor.of(new double[] {0.0, 0.5, -1.0}, 3);
        Function<Tensor, Tensor> d = x -> x.mul(2.5).add(1.0);
        assertEquals(2.25, CentredGradientPenalty.wganGp(1).compute(d, real, fake, new Generator(5)).item(), 1e-9);
        assertArrayEquals(new double[] {2.5, 2.5, 2.5},
                CentredGradientPenalty.inputGradientNorms(d, real).toDoubleArray(), 1e-15);
    }

    @Test
    void inputGradientNormsAreDetachedPerSampleNorms() {
        Tensor norms = CentredGradientPenalty.inputGradientNorms(linearCritic(w(1), 0), REAL);
        assertArrayEquals(new double[] {3, 3}, norms.toDoubleArray(), 1e-15);
        assertFalse(norms.requiresGrad());
        assertArrayEquals(new double[] {5, 1},
                CentredGradientPenalty.inputGradientNorms(CentredGradientPenaltyTest::quadratic, REAL)
                        .toDoubleArray(), 1e-15);
        // works where the caller has turned recording off, and records nothing for the caller
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            Tensor inside = CentredGradientPenalty.inputGradientNorms(CentredGradientPenaltyTest::quadratic, FAKE);
            assertArrayEquals(new double[] {0, 2}, inside.toDoubleArray(), 1e-15);
            assertFalse(GradMode.isEnabled());
        }
    }

    // ---- derivatives ---------------------------------------------------------------------------------------

    @Test
    void penaltyGradientOfLinearCriticByHand() {
        // P = lambda (||w|| - c)^2 (eps = 0)  ->  dP/dw = 2 lambda (||w|| - c) w / ||w||
        //   c = 1, lambda = 2, ||w|| = 3: 8/3 w;   c = 0: 2 lambda w = 4 w;  dP/db = 0 (b is not reached)
        double[] w0 = w(1).toDoubleArray();
        for (double[] c : new double[][] {{1, 8.0 / 3}, {0, 4}}) {
            Tensor wLeaf = w(1).requiresGrad(true);
            Tensor p = new CentredGradientPenalty(2, c[0], Points.REAL, false, 0.0)
                    .compute(linearCritic(wLeaf, 0), REAL, null, null);
            assertTrue(p.requiresGrad(), "the penalty is recorded (createGraph)");
            double[] g = Autograd.grad(p, wLeaf, false).toDoubleArray();
            for (int i = 0; i < 4; i++) {
                assertEquals(c[1] * w0[i], g[i], 1e-12, "c = " + c[0] + " element " + i);
            }
        }
    }

    @Test
    void zeroGradientStaysFiniteThanksToEps() {
        // w = 0: ||g|| = sqrt(eps); c = 1 -> P = (sqrt(eps) - 1)^2 and dP/dw is finite (0 here: g = w = 0 exactly
        // makes every chain factor through g vanish).
        Tensor wLeaf = Tensor.zeros(DType.FLOAT64, Device.CPU, 1, 1, 2, 2).requiresGrad(true);
        Tensor p = CentredGradientPenalty.wganGp(1).compute(linearCritic(wLeaf, 0), REAL, FAKE, new Generator(9));
        assertEquals(Math.pow(1e-6 - 1, 2), p.item(), 1e-12);
        for (double v : Autograd.grad(p, wLeaf, false).toDoubleArray()) {
            assertTrue(Double.isFinite(v));
        }
    }

    /** A float64 conv critic: [3, 2, 5, 5] -> conv 3x3 s2 p1 -> [3, 3, 3, 3] -> tanh -> flatten -> fc -> [3, 1]. */
    private static Module convCritic() {
        var opts = ModuleOptions.of(new Generator(77)).withDType(DType.FLOAT64);
        return new Sequential(new Conv2d(2, 3, 3, 2, 1, true, opts), new Tanh(), new Flatten(),
                new Linear(27, 1, true, opts));
    }

    @Test
    void penaltyGradientsMatchFiniteDifferencesOnAConvCritic() {
        Tensor real = Tensor.randn(new Generator(10), DType.FLOAT64, Device.CPU, 3, 2, 5, 5);
        Tensor fake = Tensor.randn(new Generator(11), DType.FLOAT64, Device.CPU, 3, 2, 5, 5).mul(1.5);
        List<CentredGradientPenalty> penalties = List.of(
                CentredGradientPenalty.wganGp(10),
                CentredGradientPenalty.zeroCentred(3),
                CentredGradientPenalty.r1(2),
                CentredGradientPenalty.r2(2),
                new CentredGradientPenalty(4, 1, Points.INTERPOLATES, true, 1e-12),
                new CentredGradientPenalty(4, 0.5, Points.REAL, true, 1e-12));
        for (CentredGradientPenalty penalty : penalties) {
            Module d = convCritic();
            List<Tensor> params = d.parameters();
            // analytic: backward of the penalty into the parameters (through the input gradient)
            Tensor p = penalty.compute(d::forward, real, fake, new Generator(12));
            for (Tensor param : params) {
                // + 0 * sum(theta): the last bias does not reach the input gradient; its derivative is exactly 0
                p = p.add(param.sum().mul(0.0));
            }
            List<Tensor> ones = List.of(Tensor.scalar(1.0, DType.FLOAT64, Device.CPU));
            List<Tensor> analytic = Autograd.grad(List.of(p), params, ones, false);
            // numeric: central differences of the penalty's value (the same alpha: a fresh generator each time)
            double h = 1e-6;
            List<String> bad = new ArrayList<>();
            int checked = 0;
            for (int i = 0; i < params.size(); i++) {
                Tensor param = params.get(i);
                double[] values = param.toDoubleArray();
                double[] a = analytic.get(i).toDoubleArray();
                for (int j = 0; j < values.length; j++) {
                    double saved = values[j];
                    values[j] = saved + h;
                    double plus = value(penalty, d, param, values, real, fake);
                    values[j] = saved - h;
                    double minus = value(penalty, d, param, values, real, fake);
                    values[j] = saved;
                    set(param, values);
                    double numeric = (plus - minus) / (2 * h);
                    checked++;
                    if (!(Math.abs(a[j] - numeric) <= 1e-6 + 1e-4 * Math.abs(numeric)) && bad.size() < 8) {
                        bad.add("param " + i + " element " + j + ": analytic " + a[j] + ", numeric " + numeric);
                    }
                }
            }
            assertEquals(d.parameterCount(), checked);
            if (!bad.isEmpty()) {
                fail(penalty + ": " + String.join("; ", bad));
            }
        }
    }

    private static double value(CentredGradientPenalty penalty, Module d, Tensor param, double[] values, Tensor real,
                                Tensor fake) {
        set(param, values);
        return penalty.compute(d::forward, real, fake, new Generator(12)).item();
    }

    private static void set(Tensor param, double[] values) {
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            param.assign(Tensor.of(values.clone(), param.shape()));
        }
    }

    // ---- validation ----------------------------------------------------------------------------------------

    @Test
    void badArgumentsFailWithTheValues() {
        assertThrows(IllegalArgumentException.class, () -> new CentredGradientPenalty(-1, 1, Points.REAL));
        assertThrows(IllegalArgumentException.class, () -> new CentredGradientPenalty(1, -1, Points.REAL));
        assertThrows(IllegalArgumentException.class, () -> new CentredGradientPenalty(1, 1, Points.REAL, false, -1));
        Function<Tensor, Tensor> d = CentredGradientPenaltyTest::quadratic;
        var noGen = assertThrows(IllegalArgumentException.class,
                () -> CentredGradientPenalty.wganGp(10).compute(d, REAL, FAKE, null));
        assertTrue(noGen.getMessage().contains("Generator"), noGen.getMessage());
        var unpaired = assertThrows(IllegalArgumentException.class,
                () -> CentredGradientPenalty.wganGp(10).compute(d, REAL, samples(1, 2, 3, 4), new Generator(1)));
        assertTrue(unpaired.getMessage().contains("[2, 1, 2, 2]") && unpaired.getMessage().contains("[1, 1, 2, 2]"),
                unpaired.getMessage());
        var noReal = assertThrows(IllegalArgumentException.class,
                () -> CentredGradientPenalty.r1(1).compute(d, null, FAKE, null));
        assertTrue(noReal.getMessage().contains("real"), noReal.getMessage());
        var notPerSample = assertThrows(IllegalArgumentException.class,
                () -> CentredGradientPenalty.r1(1).compute(x -> x.sum(), REAL, null, null));
        assertTrue(notPerSample.getMessage().contains("[N]"), notPerSample.getMessage());
    }
}
