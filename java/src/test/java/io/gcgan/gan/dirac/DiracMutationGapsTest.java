package io.gcgan.gan.dirac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Contracts of the Dirac-GAN code that mutation testing (PIT, profile {@code mutation} of this module) found
 * unchecked: each test names the mutants it kills. Unregularized WGAN has the field v = (-psi, theta) and the
 * Jacobian [[0, -1], [1, 0]] everywhere (f(t) = t, so f' = 1); the values below follow from that by hand.
 */
class DiracMutationGapsTest {

    private static final DiracGan WGAN = DiracGan.of(DiracGan.Loss.WGAN);

    /** The matrix product, by hand (it was only ever multiplied with matrices whose products hid a swap). */
    @Test
    void jacobianProductAndEntries() {
        Jacobian a = new Jacobian(1, 2, 3, 4);
        // [[1, 2], [3, 4]] [[5, 6], [7, 8]] = [[5 + 14, 6 + 16], [15 + 28, 18 + 32]]
        assertEquals(new Jacobian(19, 22, 43, 50), a.times(new Jacobian(5, 6, 7, 8)));
        assertEquals(1.0, a.get(0, 0));
        assertEquals(2.0, a.get(0, 1));
        assertEquals(3.0, a.get(1, 0));
        assertEquals(4.0, a.get(1, 1));
        for (int[] ij : new int[][] {{-1, 0}, {2, 0}, {0, -1}, {0, 2}}) {
            assertThrows(IndexOutOfBoundsException.class, () -> a.get(ij[0], ij[1]), ij[0] + ", " + ij[1]);
        }
        // -0.0 entries are stored as +0.0, so a zero derivative equals 0 whatever its sign bit
        assertEquals(new Jacobian(0, 0, 0, 0), new Jacobian(-0.0, -0.0, -0.0, -0.0));
    }

    /**
     * The alternating update's Jacobian with a non-zero d vTheta / d theta (every Dirac-GAN Jacobian at the
     * equilibrium has tt = 0, which hid a sign error in 1 + h tt): J = [[1, 2], [3, 4]], h = 1/2, two D steps.
     * J_G = [[1.5, 1], [0, 1]], J_D = [[1, 0], [1.5, 3]], J_D^2 = [[1, 0], [6, 9]],
     * J_D^2 J_G = [[1.5, 1], [9, 6 + 9]].
     */
    @Test
    void alternatingStepByHand() {
        assertEquals(new Jacobian(1.5, 1, 9, 15), new Jacobian(1, 2, 3, 4).alternatingStep(0.5, 2));
    }

    /**
     * The eigenvalues of diag(-2, -1e-12): the small one from det / big, as documented, is -1e-12 to 1e-12
     * relative; taking halfTrace + root instead (the other root first) cancels to about 1e-4 relative.
     */
    @Test
    void eigenvaluesAvoidCancellation() {
        Eigenvalues e = Eigenvalues.of2x2(-2, 0, 0, -1e-12);
        assertEquals(-1e-12, e.re1(), 1e-24);
        assertEquals(-2.0, e.re2(), 1e-15);
        Eigenvalues p = Eigenvalues.of2x2(2, 0, 0, 1e-12);
        assertEquals(2.0, p.re1(), 1e-15);
        assertEquals(1e-12, p.re2(), 1e-24);
    }

    @Test
    void fieldNorm() {
        assertEquals(5.0, new VectorField(3, -4).norm(), 0.0);
    }

    /** A count of 1 is allowed and takes the minimum only; the maximum is still checked for being finite. */
    @Test
    void fieldGridOfOnePoint() {
        FieldGrid g = WGAN.fieldGrid(1.0, 3.0, 1, -2.0, 5.0, 1);
        // at (1, -2): v = (-psi, theta) = (2, 1)
        assertEquals(new FieldGrid.Sample(1.0, -2.0, 2.0, 1.0), g.at(0, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WGAN.fieldGrid(1.0, Double.NaN, 1, -2.0, 5.0, 1));
        assertTrue(e.getMessage().startsWith("fieldGrid:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> WGAN.fieldGrid(1.0, 3.0, 1, -2.0, Double.NaN, 1));
        assertTrue(e.getMessage().startsWith("fieldGrid:"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WGAN.fieldGrid(1.0, 3.0, 0, -2.0, 5.0, 1));
        assertThrows(IllegalArgumentException.class, () -> WGAN.fieldGrid(1.0, 3.0, 1, -2.0, 5.0, 0));
    }

    /**
     * A non-finite point is refused by the Jacobian and by simulate (which would otherwise return a zero-step
     * trajectory that starts at NaN), naming the operation.
     */
    @Test
    void nonFinitePointsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WGAN.jacobian(Double.NaN, 0));
        assertTrue(e.getMessage().startsWith("jacobian:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> WGAN.simulate(new Point(0, Double.POSITIVE_INFINITY), 0.1, 0, UpdateRule.SIMULTANEOUS));
        assertTrue(e.getMessage().startsWith("simulate:"), e.getMessage());
    }

    /** The Point overloads and the trajectory's largest distance. */
    @Test
    void pointOverloadsAndMaxDistance() {
        assertEquals(new VectorField(2, 1), WGAN.v(new Point(1, -2)));
        assertEquals(new Jacobian(0, -1, 1, 0), WGAN.jacobian(new Point(0.3, 0.7)));
        // simultaneous steps on the bilinear game: x <- (I + hJ) x grows the radius by sqrt(1 + h^2) per step
        Trajectory t = WGAN.simulate(new Point(1, 0), 0.1, 3, UpdateRule.SIMULTANEOUS);
        assertEquals(Math.pow(1.01, 1.5), t.maxDistance(), 1e-15);
        assertEquals(t.finalDistance(), t.maxDistance(), 0.0);
    }

    /** The settings a game reports are the ones it was built with; the noise order's range is closed. */
    @Test
    void reportedSettings() {
        DiracGan g = DiracGan.builder().loss(DiracGan.Loss.NS_GAN).zeroCentred(2).clip(0.5).build();
        assertEquals(DiracGan.Loss.NS_GAN, g.loss());
        assertEquals(DiracGan.Regularizer.ZERO_CENTRED, g.regularizer());
        assertEquals(2.0, g.gamma());
        assertEquals(0.5, g.clip());
        assertEquals(0, g.noiseQuadratureOrder());
        assertEquals(1, DiracGan.builder().instanceNoise(0.3).noiseQuadratureOrder(1).build().noiseQuadratureOrder());
        assertEquals(GaussHermite.MAX_ORDER, DiracGan.builder().instanceNoise(0.3)
                .noiseQuadratureOrder(GaussHermite.MAX_ORDER).build().noiseQuadratureOrder());
        assertThrows(IllegalArgumentException.class, () -> DiracGan.builder().noiseQuadratureOrder(0));
        assertThrows(IllegalArgumentException.class,
                () -> DiracGan.builder().noiseQuadratureOrder(GaussHermite.MAX_ORDER + 1));
    }
}
