package io.gcgan.gan.dirac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.gan.dirac.DiracGan.Loss;
import io.gcgan.gan.dirac.DiracGan.Regularizer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The autograd Jacobian of the field against the closed forms at the equilibrium, against the closed forms
 * of {@link ClosedForms#plainJacobian} elsewhere, and against central finite differences of the field.
 *
 * <p>At (0, 0), with a = f'(0) (1/2 for GAN and NS-GAN, 1 for WGAN) and b = f''(0) (-1/4, resp. 0):
 * <pre>
 *   NONE            J = [[0, -a], [a, 0]]                     lambda = +- i a
 *   ZERO_CENTRED    J = [[0, -a], [a, -gamma]]                lambda = (-gamma +- sqrt(gamma^2 - 4 a^2)) / 2
 *   WGAN_GP (WGAN)  J = [[0, -1], [1, 0]]  (sign(0) = 0)      lambda = +- i
 *   CONSENSUS       J - gamma J^T J = [[-gamma a^2, -a], [a, -gamma a^2]]   lambda = -gamma a^2 +- i a
 *   INSTANCE_NOISE  J = [[0, -a], [a, 2 sigma^2 b]]           lambda = sigma^2 b +- sqrt(sigma^4 b^2 - a^2)
 * </pre>
 * The last one: d vPsi / d psi = E[(theta + e)^2 f''] + E[e'^2 f''] = (theta^2 + 2 sigma^2) f''(0) at psi = 0.
 * The consensus one: d/dx (J^T v) = (dJ^T/dx) v + J^T J, and v = 0 at the equilibrium.
 */
class DiracGanJacobianTest {

    private static void assertJacobian(double[] expected, Jacobian actual, double tol, String what) {
        double[] got = {actual.tt(), actual.tp(), actual.pt(), actual.pp()};
        for (int i = 0; i < 4; i++) {
            assertTrue(Math.abs(got[i] - expected[i]) <= tol * (1 + Math.abs(expected[i])),
                    what + ": entry " + i + " expected " + expected[i] + ", got " + got[i] + " in " + actual);
        }
    }

    private static void assertEigen(double re1, double im1, double re2, double im2, Eigenvalues e, String what) {
        double tol = 1e-12;
        assertTrue(Math.abs(e.re1() - re1) <= tol && Math.abs(e.im1() - im1) <= tol
                        && Math.abs(e.re2() - re2) <= tol && Math.abs(e.im2() - im2) <= tol,
                what + ": expected " + re1 + (im1 >= 0 ? "+" : "") + im1 + "i, " + re2 + (im2 >= 0 ? "+" : "")
                        + im2 + "i; got " + e);
    }

    private static double a(Loss loss) {
        return loss == Loss.WGAN ? 1.0 : 0.5;
    }

    private static double b(Loss loss) {
        return loss == Loss.WGAN ? 0.0 : -0.25;
    }

    @Test
    void unregularizedJacobianAtEquilibriumIsARotation() {
        for (Loss loss : Loss.values()) {
            double a = a(loss);
            Jacobian j = DiracGan.of(loss).jacobianAtEquilibrium();
            assertJacobian(new double[] {0, -a, a, 0}, j, 1e-15, loss.toString());
            assertEigen(0, a, 0, -a, j.eigenvalues(), loss + " eigenvalues");
            assertEquals(0.0, j.eigenvalues().maxRealPart(), 0.0, "purely imaginary");
        }
    }

    @Test
    void zeroCentredPenaltyDampsTheRotation() {
        for (Loss loss : Loss.values()) {
            double a = a(loss);
            for (double gamma : new double[] {0.3, 1.0, 2 * a, 5.0}) {
                Jacobian j = DiracGan.builder().loss(loss).zeroCentred(gamma).build().jacobianAtEquilibrium();
                assertJacobian(new double[] {0, -a, a, -gamma}, j, 1e-15, loss + " gamma " + gamma);
                double disc = gamma * gamma - 4 * a * a;
                Eigenvalues e = j.eigenvalues();
                if (disc >= 0) {
                    double r = Math.sqrt(disc);
                    assertEigen((-gamma + r) / 2, 0, (-gamma - r) / 2, 0, e, loss + " gamma " + gamma);
                } else {
                    double im = Math.sqrt(-disc) / 2;
                    assertEigen(-gamma / 2, im, -gamma / 2, -im, e, loss + " gamma " + gamma);
                }
                assertTrue(e.maxRealPart() < 0, "attracting: " + e);
            }
        }
    }

    @Test
    void wganGpJacobianAtEquilibriumUsesSignZero() {
        double gamma = 1.5;
        DiracGan game = DiracGan.builder().loss(Loss.WGAN).wganGp(gamma).build();
        Jacobian j = game.jacobianAtEquilibrium();
        assertJacobian(new double[] {0, -1, 1, 0}, j, 1e-15, "WGAN-GP at (0, 0)");
        assertEigen(0, 1, 0, -1, j.eigenvalues(), "WGAN-GP eigenvalues");
        // Off the kink, R'' = gamma: J = [[0, -1], [1, -gamma]], as for the zero-centred penalty.
        for (double psi : new double[] {1e-9, -1e-9, 0.4, -2.0}) {
            assertJacobian(new double[] {0, -1, 1, -gamma}, game.jacobian(0.0, psi), 1e-15, "WGAN-GP at psi " + psi);
        }
    }

    @Test
    void consensusShiftsTheEigenvaluesLeft() {
        for (Loss loss : Loss.values()) {
            double a = a(loss);
            double gamma = 0.8;
            Jacobian j = DiracGan.builder().loss(loss).consensus(gamma).build().jacobianAtEquilibrium();
            assertJacobian(new double[] {-gamma * a * a, -a, a, -gamma * a * a}, j, 1e-15, loss.toString());
            assertEigen(-gamma * a * a, a, -gamma * a * a, -a, j.eigenvalues(), loss + " eigenvalues");
        }
    }

    @Test
    void instanceNoiseMatchesThePapersEigenvalues() {
        for (Loss loss : Loss.values()) {
            double a = a(loss);
            double b = b(loss);
            for (double sigma : new double[] {0.5, 1.0, 2.0}) {
                Jacobian j = DiracGan.builder().loss(loss).instanceNoise(sigma).build().jacobianAtEquilibrium();
                assertJacobian(new double[] {0, -a, a, 2 * sigma * sigma * b}, j, 1e-14, loss + " sigma " + sigma);
                double centre = sigma * sigma * b;
                double disc = centre * centre - a * a;
                if (disc >= 0) {
                    double r = Math.sqrt(disc);
                    assertEigen(centre + r, 0, centre - r, 0, j.eigenvalues(), loss + " sigma " + sigma);
                } else {
                    double im = Math.sqrt(-disc);
                    assertEigen(centre, im, centre, -im, j.eigenvalues(), loss + " sigma " + sigma);
                }
            }
        }
    }

    @Test
    void jacobianMatchesClosedFormsAwayFromEquilibrium() {
        Random random = new Random(42);
        for (Loss loss : Loss.values()) {
            DiracGan plain = DiracGan.of(loss);
            DiracGan penalized = DiracGan.builder().loss(loss).zeroCentred(0.6).build();
            for (int k = 0; k < 10; k++) {
                double theta = 6 * random.nextDouble() - 3;
                double psi = 6 * random.nextDouble() - 3;
                double[] expected = ClosedForms.plainJacobian(loss, theta, psi);
                String at = loss + " at (" + theta + ", " + psi + ")";
                assertJacobian(expected, plain.jacobian(theta, psi), 1e-12, at);
                expected[3] -= 0.6;
                assertJacobian(expected, penalized.jacobian(theta, psi), 1e-12, "R1 " + at);
            }
        }
    }

    @Test
    void jacobianMatchesFiniteDifferencesOfTheField() {
        Random random = new Random(99);
        double eps = 1e-5;
        for (Loss loss : Loss.values()) {
            for (Regularizer reg : Regularizer.values()) {
                double parameter = reg == Regularizer.INSTANCE_NOISE ? 0.7 : 0.9;
                DiracGan game = DiracGan.builder().loss(loss).regularizer(reg, parameter).build();
                for (int k = 0; k < 4; k++) {
                    double theta = 3 * random.nextDouble() - 1.5;
                    // Keep psi away from the WGAN-GP kink at 0 (a difference across it is not a derivative).
                    double psi = (0.2 + 1.3 * random.nextDouble()) * (random.nextBoolean() ? 1 : -1);
                    VectorField tp = game.v(theta + eps, psi);
                    VectorField tm = game.v(theta - eps, psi);
                    VectorField pp = game.v(theta, psi + eps);
                    VectorField pm = game.v(theta, psi - eps);
                    double[] fd = {(tp.vTheta() - tm.vTheta()) / (2 * eps), (pp.vTheta() - pm.vTheta()) / (2 * eps),
                            (tp.vPsi() - tm.vPsi()) / (2 * eps), (pp.vPsi() - pm.vPsi()) / (2 * eps)};
                    assertJacobian(fd, game.jacobian(theta, psi), 1e-8, game + " at (" + theta + ", " + psi + ")");
                }
            }
        }
    }

    @Test
    void updateOperatorsAtTheEquilibrium() {
        double h = 0.1;
        // GAN: simultaneous eigenvalues 1 + h lambda = 1 +- i h/2, |.| = sqrt(1 + h^2/4) > 1 (expanding).
        Jacobian gan = DiracGan.of(Loss.GAN).jacobianAtEquilibrium();
        Eigenvalues sim = gan.simultaneousStep(h).eigenvalues();
        assertEigen(1, h / 2, 1, -h / 2, sim, "GAN simultaneous");
        assertEquals(Math.sqrt(1 + h * h / 4), sim.spectralRadius(), 1e-15);
        // Alternating: [[1, 0], [h a, 1]] [[1, -h a], [0, 1]] = [[1, -h a], [h a, 1 - h^2 a^2]]: det 1, trace
        // 2 - h^2 a^2 in (-2, 2), so both eigenvalues lie on the unit circle (neither growth nor decay).
        Jacobian alt = gan.alternatingStep(h, 1);
        assertEquals(1.0, alt.tt() * alt.pp() - alt.tp() * alt.pt(), 1e-15);
        assertEquals(1.0, alt.eigenvalues().spectralRadius(), 1e-15);
        assertJacobian(new double[] {1, -h / 2, h / 2, 1 - h * h / 4}, alt, 1e-15, "GAN alternating");
        // Zero-centred gamma = 1: double eigenvalue -1/2, simultaneous 1 - h/2.
        Jacobian r1 = DiracGan.builder().zeroCentred(1.0).build().jacobianAtEquilibrium();
        assertEquals(1 - h / 2, r1.simultaneousStep(h).eigenvalues().spectralRadius(), 1e-7);
        assertTrue(r1.alternatingStep(h, 1).eigenvalues().spectralRadius() < 1);
    }

    @Test
    void eigenvaluesOfKnownMatrices() {
        assertEigen(3, 0, 2, 0, Eigenvalues.of2x2(2, 0, 0, 3), "diagonal");
        assertEigen(1, 2, 1, -2, Eigenvalues.of2x2(1, -2, 2, 1), "rotation-scaling");
        // Nearly degenerate with a large trace: no cancellation in the small eigenvalue.
        Eigenvalues e = Eigenvalues.of2x2(1e8, 1, 0, 1e-8);
        assertEquals(1e8, e.re1(), 1e-6);
        assertEquals(1e-8, e.re2(), 1e-22);
        assertFalse(e.isComplex());
        assertEquals("0.00000 +- 0.500000i", DiracGan.of(Loss.GAN).jacobianAtEquilibrium().eigenvalues().toString());
    }
}
