package io.gcgan.gan.dirac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.gan.dirac.DiracGan.Loss;
import io.gcgan.gan.dirac.DiracGan.Regularizer;
import io.gcgan.tensor.GradMode;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The autograd field against the closed forms of {@link ClosedForms}, at random points. */
class DiracGanFieldTest {

    private static final double TOL = 1e-12;

    /** |actual - expected| <= tol (1 + |expected|). */
    private static void assertClose(double expected, double actual, double tol, String what) {
        assertTrue(Math.abs(actual - expected) <= tol * (1 + Math.abs(expected)),
                what + ": expected " + expected + ", got " + actual + " (diff " + (actual - expected) + ")");
    }

    @Test
    void fieldMatchesClosedFormsAtRandomPoints() {
        Random random = new Random(20180313);
        double gamma = 0.7;
        for (Loss loss : Loss.values()) {
            for (Regularizer reg : new Regularizer[] {Regularizer.NONE, Regularizer.ZERO_CENTRED,
                    Regularizer.WGAN_GP, Regularizer.CONSENSUS}) {
                DiracGan game = DiracGan.builder().loss(loss).regularizer(reg, gamma).build();
                for (int k = 0; k < 12; k++) {
                    double theta = 6 * random.nextDouble() - 3;
                    double psi = 6 * random.nextDouble() - 3;
                    double[] expected = ClosedForms.field(loss, reg, gamma, theta, psi);
                    VectorField v = game.v(theta, psi);
                    String at = game + " at (" + theta + ", " + psi + ")";
                    assertClose(expected[0], v.vTheta(), TOL, "vTheta " + at);
                    assertClose(expected[1], v.vPsi(), TOL, "vPsi " + at);
                }
            }
        }
    }

    @Test
    void fieldHandlesLargeArgumentsWithoutOverflow() {
        // psi theta = +-900: exp(900) overflows, the stable softplus/sigmoid must not.
        for (Loss loss : new Loss[] {Loss.GAN, Loss.NS_GAN}) {
            DiracGan game = DiracGan.of(loss);
            for (double[] p : new double[][] {{30, 30}, {-30, 30}, {30, -30}}) {
                double[] expected = ClosedForms.plainField(loss, p[0], p[1]);
                VectorField v = game.v(p[0], p[1]);
                assertClose(expected[0], v.vTheta(), TOL, loss + " vTheta at " + p[0] + "," + p[1]);
                assertClose(expected[1], v.vPsi(), TOL, loss + " vPsi at " + p[0] + "," + p[1]);
            }
        }
    }

    @Test
    void fieldVanishesAtTheEquilibrium() {
        for (Loss loss : Loss.values()) {
            for (Regularizer reg : Regularizer.values()) {
                DiracGan game = DiracGan.builder().loss(loss).regularizer(reg, 0.5).build();
                VectorField v = game.v(0.0, 0.0);
                assertTrue(v.norm() <= 1e-15, game + ": v(0, 0) = " + v);
            }
        }
    }

    @Test
    void wganGpUsesSignZeroAtTheKink() {
        // v(theta, 0) = (0, theta - gamma (|0| - 1) sign(0)) = (0, theta); on either side the penalty jumps by
        // -+ gamma: v(theta, 0+) -> theta + gamma, v(theta, 0-) -> theta - gamma.
        DiracGan game = DiracGan.builder().loss(Loss.WGAN).wganGp(2.0).build();
        assertEquals(0.3, game.v(0.3, 0.0).vPsi(), 1e-15);
        assertEquals(0.0, game.v(0.3, 0.0).vTheta(), 1e-15);
        assertEquals(0.3 + 2.0, game.v(0.3, 1e-300).vPsi(), 1e-14);
        assertEquals(0.3 - 2.0, game.v(0.3, -1e-300).vPsi(), 1e-14);
    }

    @Test
    void instanceNoiseFieldMatchesNumericalIntegration() {
        Random random = new Random(7);
        double worst = 0;
        for (Loss loss : Loss.values()) {
            for (double sigma : new double[] {0.1, 0.5, 1.0}) {
                DiracGan game = DiracGan.builder().loss(loss).instanceNoise(sigma).build();
                for (int k = 0; k < 6; k++) {
                    double theta = 4 * random.nextDouble() - 2;
                    double psi = 3 * random.nextDouble() - 1.5;
                    double[] expected = ClosedForms.instanceNoiseField(loss, sigma, theta, psi);
                    VectorField v = game.v(theta, psi);
                    String at = game + " at (" + theta + ", " + psi + ")";
                    assertClose(expected[0], v.vTheta(), TOL, "vTheta " + at);
                    assertClose(expected[1], v.vPsi(), TOL, "vPsi " + at);
                    worst = Math.max(worst, Math.max(Math.abs(expected[0] - v.vTheta()), Math.abs(expected[1] - v.vPsi())));
                }
            }
        }
        System.out.println("instance noise, 64-point Gauss-Hermite vs trapezoid: max abs diff " + worst);
    }

    @Test
    void instanceNoiseWithWganLossIsThePlainField() {
        // f' = 1, f'' = 0: E[psi] = psi, E[theta + e] - E[e'] = theta.
        DiracGan game = DiracGan.builder().loss(Loss.WGAN).instanceNoise(0.8).build();
        VectorField v = game.v(0.4, -1.3);
        assertEquals(1.3, v.vTheta(), 1e-14);
        assertEquals(0.4, v.vPsi(), 1e-14);
    }

    @Test
    void fieldIsComputedEvenUnderNoGrad() {
        DiracGan game = DiracGan.builder().zeroCentred(1.0).build();
        VectorField expected = game.v(0.5, -0.25);
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            assertEquals(expected, game.v(0.5, -0.25));
            assertEquals(game.jacobian(0.5, -0.25), game.jacobian(0.5, -0.25));
            assertTrue(!GradMode.isEnabled(), "the caller's grad mode is restored");
        }
    }

    @Test
    void gridHoldsTheFieldAtEachPoint() {
        DiracGan game = DiracGan.of(Loss.GAN);
        FieldGrid grid = game.fieldGrid(-2, 2, 5, -1, 1, 3);
        assertEquals(15, grid.samples().size());
        FieldGrid.Sample corner = grid.at(4, 2);
        assertEquals(2.0, corner.theta());
        assertEquals(1.0, corner.psi());
        FieldGrid.Sample mid = grid.at(1, 1);
        assertEquals(-1.0, mid.theta());
        assertEquals(0.0, mid.psi());
        for (FieldGrid.Sample s : grid.samples()) {
            VectorField v = game.v(s.theta(), s.psi());
            assertEquals(v.vTheta(), s.vTheta());
            assertEquals(v.vPsi(), s.vPsi());
        }
    }

    @Test
    void builderRejectsBadParameters() {
        assertThrows(IllegalArgumentException.class, () -> DiracGan.builder().zeroCentred(0.0));
        assertThrows(IllegalArgumentException.class, () -> DiracGan.builder().wganGp(-1.0));
        assertThrows(IllegalArgumentException.class, () -> DiracGan.builder().consensus(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> DiracGan.builder().instanceNoise(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> DiracGan.builder().clip(0.0));
        assertThrows(IllegalArgumentException.class, () -> DiracGan.builder().clip(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> DiracGan.builder().noiseQuadratureOrder(0));
        assertThrows(IllegalArgumentException.class, () -> DiracGan.of(Loss.GAN).v(Double.NaN, 0));
        DiracGan game = DiracGan.builder().loss(Loss.WGAN).clip(0.5).wganGp(10).build();
        assertEquals("DiracGan[loss=WGAN, regularizer=WGAN_GP, gamma=10.0000, clip=0.500000]", game.toString());
        assertEquals(Double.NaN, game.sigma());
        assertEquals(0, game.noiseQuadratureOrder());
    }
}
