package io.gcgan.gan.dirac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.gan.dirac.DiracGan.Loss;
import org.junit.jupiter.api.Test;

/**
 * Training dynamics from (1, 1) with h = 0.1, the setting of the convergence table in the README.
 *
 * <p>Why the unregularized runs behave as they do: for GAN and WGAN, v(x) . x = -psi theta f'(psi theta) +
 * theta psi f'(psi theta) = 0, so the continuous flow keeps |x| constant and a simultaneous step gives
 * |x + h v|^2 = |x|^2 + h^2 |v|^2 > |x|^2: the distance grows at every step (update eigenvalues
 * 1 +- i h f'(0), modulus > 1). The alternating step has determinant 1 at the equilibrium: it neither
 * grows nor shrinks there, and the runs circle at a roughly constant distance.
 */
class DiracGanDynamicsTest {

    private static final Point START = new Point(1.0, 1.0);
    private static final double H = 0.1;

    @Test
    void simultaneousGanMovesAwayFromTheEquilibriumAtEveryStep() {
        Trajectory t = DiracGan.of(Loss.GAN).simulate(START, H, 1000, UpdateRule.SIMULTANEOUS);
        assertEquals(1000, t.steps());
        double[] d = t.distances();
        assertEquals(Math.sqrt(2), d[0], 1e-15);
        for (int k = 1; k < d.length; k++) {
            assertTrue(d[k] > d[k - 1], "step " + k + ": distance " + d[k] + " <= " + d[k - 1]);
        }
        // Measured: 2.6507 after 1000 steps.
        assertTrue(t.finalDistance() > 2.6, "final distance " + t.finalDistance());
    }

    @Test
    void simultaneousWganDivergesFaster() {
        // f' = 1 everywhere: |x_k| = |x_0| (1 + h^2)^(k/2) exactly, sqrt(2) * 1.01^500 = 204.7 after 1000 steps.
        Trajectory t = DiracGan.of(Loss.WGAN).simulate(START, H, 1000, UpdateRule.SIMULTANEOUS);
        double expected = Math.sqrt(2) * Math.pow(1 + H * H, 500);
        assertEquals(expected, t.finalDistance(), 1e-9 * expected);
    }

    @Test
    void alternatingGanOscillatesWithoutConverging() {
        for (Loss loss : new Loss[] {Loss.GAN, Loss.WGAN}) {
            Trajectory t = DiracGan.of(loss).simulate(START, H, 3000, UpdateRule.ALTERNATING);
            double[] d = t.distances();
            for (int k = 0; k < d.length; k++) {
                // Measured: within [1.37, 1.42] for GAN and [1.38, 1.42] for WGAN.
                assertTrue(d[k] > 1.3 && d[k] < 1.45, loss + " step " + k + ": distance " + d[k]);
            }
        }
    }

    @Test
    void nonSaturatingGanSettlesOnACycleSimultaneouslyAndCreepsInAlternately() {
        // The NS field contracts at third order (d/dt |x|^2 / 2 = u (f'(u) - f'(-u)) <= 0, u = psi theta),
        // against the simultaneous step's h^2 |v|^2 expansion: a cycle of radius ~0.445 (measured). The
        // alternating step has no linear expansion, so only the slow contraction remains (~9 / sqrt(k)).
        DiracGan ns = DiracGan.of(Loss.NS_GAN);
        double[] sim = ns.simulate(START, H, 3000, UpdateRule.SIMULTANEOUS).distances();
        for (int k = 2000; k < sim.length; k++) {
            assertTrue(sim[k] > 0.43 && sim[k] < 0.46, "simultaneous step " + k + ": " + sim[k]);
        }
        double[] alt = ns.simulate(START, H, 3000, UpdateRule.ALTERNATING).distances();
        assertTrue(alt[3000] < alt[1000] && alt[3000] > 0.1, "alternating: " + alt[1000] + " -> " + alt[3000]);
    }

    @Test
    void zeroCentredPenaltyConverges() {
        for (Loss loss : Loss.values()) {
            DiracGan game = DiracGan.builder().loss(loss).zeroCentred(1.0).build();
            for (UpdateRule rule : UpdateRule.values()) {
                Trajectory t = game.simulate(START, H, 300, rule);
                assertTrue(t.finalDistance() < 1e-3, game + " " + rule + ": final distance " + t.finalDistance());
            }
        }
    }

    @Test
    void consensusAndInstanceNoiseConverge() {
        DiracGan[] games = {DiracGan.builder().consensus(1.0).build(), DiracGan.builder().instanceNoise(1.0).build(),
                DiracGan.builder().loss(Loss.NS_GAN).instanceNoise(1.0).build()};
        for (DiracGan game : games) {
            for (UpdateRule rule : UpdateRule.values()) {
                Trajectory t = game.simulate(START, H, 600, rule);
                assertTrue(t.finalDistance() < 1e-3, game + " " + rule + ": final distance " + t.finalDistance());
            }
        }
    }

    @Test
    void linearRateMatchesTheSpectralRadiusOfTheUpdate() {
        // Near the equilibrium the error shrinks by rho(I + h J) per simultaneous step (complex pair: the
        // distance oscillates around the envelope rho^k, so compare the rate over 300 steps).
        DiracGan[] games = {DiracGan.builder().consensus(1.0).build(), DiracGan.builder().instanceNoise(1.0).build()};
        for (DiracGan game : games) {
            double rho = game.jacobianAtEquilibrium().simultaneousStep(H).eigenvalues().spectralRadius();
            double[] d = game.simulate(START, H, 700, UpdateRule.SIMULTANEOUS).distances();
            double rate = Math.pow(d[700] / d[400], 1.0 / 300);
            assertEquals(rho, rate, 2e-3, game + ": rho " + rho + ", measured rate " + rate);
        }
    }

    @Test
    void wganWithClippingKeepsPsiInsideAndDoesNotConverge() {
        double c = 1.0;
        DiracGan game = DiracGan.builder().loss(Loss.WGAN).clip(c).build();
        for (UpdateRule rule : UpdateRule.values()) {
            Trajectory t = game.simulate(START, H, 3000, rule);
            for (Point p : t.points()) {
                assertTrue(Math.abs(p.psi()) <= c, rule + ": psi " + p.psi() + " outside [-1, 1]");
            }
            double[] d = t.distances();
            for (int k = 2000; k < d.length; k++) {
                // Measured: between 0.97 and 1.14 (the clipped discriminator keeps the generator circling).
                assertTrue(d[k] > 0.9 && d[k] < 1.2, rule + " step " + k + ": distance " + d[k]);
            }
        }
    }

    @Test
    void wganGpDoesNotConverge() {
        DiracGan game = DiracGan.builder().loss(Loss.WGAN).wganGp(1.0).build();
        for (UpdateRule rule : UpdateRule.values()) {
            double[] d = game.simulate(START, H, 3000, rule).distances();
            for (int k = 2000; k < d.length; k++) {
                assertTrue(d[k] > 1.0, rule + " step " + k + ": distance " + d[k]);
            }
        }
        // With 5 discriminator steps per generator step psi decays to 0+ while the generator stalls at
        // theta = -gamma (there v_psi(theta, 0+) = theta + gamma (1 - psi) -> -gamma psi), not at 0.
        Point end = game.simulate(START, H, 3000, UpdateRule.ALTERNATING, 5).finalPoint();
        assertEquals(-1.0, end.theta(), 1e-6);
        assertEquals(0.0, end.psi(), 1e-6);
    }

    @Test
    void alternatingWithSeveralDiscriminatorStepsTakesThemAtTheNewGenerator() {
        // One update by hand for WGAN (v = (-psi, theta)) with 2 discriminator steps.
        Trajectory t = DiracGan.of(Loss.WGAN).simulate(new Point(1, 2), 0.5, 1, UpdateRule.ALTERNATING, 2);
        double theta = 1 + 0.5 * -2;      // 0
        double psi = 2 + 0.5 * theta;     // 2
        psi = psi + 0.5 * theta;          // 2
        assertEquals(new Point(theta, psi), t.finalPoint());
        Trajectory s = DiracGan.of(Loss.WGAN).simulate(new Point(1, 2), 0.5, 1, UpdateRule.SIMULTANEOUS);
        assertEquals(new Point(0.0, 2.5), s.finalPoint());
    }

    @Test
    void divergingRunsStopAtTheFirstNonFinitePoint() {
        Trajectory t = DiracGan.of(Loss.WGAN).simulate(new Point(1e300, 1e300), 1e10, 50, UpdateRule.SIMULTANEOUS);
        assertTrue(t.steps() < 50 && !t.finalPoint().isFinite(), "steps " + t.steps() + ", final " + t.finalPoint());
    }

    @Test
    void simulateRejectsBadArguments() {
        DiracGan game = DiracGan.of(Loss.GAN);
        assertThrows(IllegalArgumentException.class, () -> game.simulate(START, 0.0, 10, UpdateRule.SIMULTANEOUS));
        assertThrows(IllegalArgumentException.class, () -> game.simulate(START, H, -1, UpdateRule.SIMULTANEOUS));
        assertThrows(IllegalArgumentException.class, () -> game.simulate(START, H, 10, UpdateRule.SIMULTANEOUS, 2));
        assertThrows(IllegalArgumentException.class, () -> game.simulate(START, H, 10, UpdateRule.ALTERNATING, 0));
        assertThrows(IllegalArgumentException.class,
                () -> game.simulate(new Point(Double.NaN, 0), H, 10, UpdateRule.ALTERNATING));
        assertEquals(0, game.simulate(START, H, 0, UpdateRule.SIMULTANEOUS).steps());
    }
}
