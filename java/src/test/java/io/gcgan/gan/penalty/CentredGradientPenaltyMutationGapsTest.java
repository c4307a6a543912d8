package io.gcgan.gan.penalty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.gan.penalty.CentredGradientPenalty.Points;
import io.gcgan.tensor.Tensor;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Contracts of the gradient penalty that mutation testing (PIT, profile {@code mutation} of this module) found
 * unchecked: each test names the mutants it kills. Samples are [N, 1] here; the critic is D(x)_n = x_n^2, so
 * the input gradient of sample n is 2 x_n and its norm 2 |x_n|.
 */
class CentredGradientPenaltyMutationGapsTest {

    private static final Function<Tensor, Tensor> SQUARE = x -> x.square().sum(new int[] {1}, false);

    private static Tensor column(double... v) {
        return Tensor.of(v, v.length, 1);
    }

    /**
     * computeWithAlpha (used by captured steps, never called by the tests) gives the penalty at the interpolates
     * of the alpha it is handed: x = [2, 4], G(z) = [0, 0], alpha = [0.5, 0.5]: x^ = [1, 2], norms [2, 4].
     * 0-GP (lambda 1, eps 0): mean(4, 16) = 10; WGAN-GP (lambda 1): mean((2 - 1)^2, (4 - 1)^2) = 5.
     */
    @Test
    void computeWithAlphaUsesTheGivenAlpha() {
        Tensor real = column(2, 4);
        Tensor fake = column(0, 0);
        Tensor alpha = column(0.5, 0.5);
        CentredGradientPenalty zero = CentredGradientPenalty.zeroCentred(1).withEps(0);
        assertEquals(0.0, zero.eps());
        assertEquals(CentredGradientPenalty.DEFAULT_EPS, CentredGradientPenalty.zeroCentred(1).eps());
        assertEquals(1e-6, zero.withEps(1e-6).eps());
        assertEquals(10.0, zero.computeWithAlpha(SQUARE, real, fake, alpha).item(), 1e-12);
        assertEquals(5.0, CentredGradientPenalty.wganGp(1).computeWithAlpha(SQUARE, real, fake, alpha).item(), 1e-10);
        // alpha = [1, 0.25]: x^ = [2, 1], norms [4, 2]: the same 10, in the other order
        assertEquals(10.0, zero.computeWithAlpha(SQUARE, real, fake, column(1, 0.25)).item(), 1e-12);
    }

    /**
     * Interpolates need paired samples of one shape: with alpha handed in, a fake batch of 1 would otherwise
     * broadcast against 2 reals and give a penalty at points that pair nothing (the mutant that drops the check
     * in pointsWithAlpha).
     */
    @Test
    void computeWithAlphaRefusesUnpairedSamples() {
        CentredGradientPenalty p = CentredGradientPenalty.zeroCentred(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.computeWithAlpha(SQUARE, column(2, 4), column(0), column(0.5, 0.5)));
        assertTrue(e.getMessage().contains("[2, 1]") && e.getMessage().contains("[1, 1]"), e.getMessage());
    }

    /**
     * pointsFor checks the pair before it draws alpha: missing fakes are named as such, not as a missing
     * generator (which is what drawAlpha would say first without the check).
     */
    @Test
    void pointsForNamesMissingFakesBeforeAlpha() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CentredGradientPenalty.zeroCentred(1).pointsFor(column(2, 4), null, null));
        assertEquals("gradient penalty: no fake samples given", e.getMessage());
    }

    /**
     * lambda = 0 and eps = 0 are allowed (the bounds are {@code >= 0}): the penalty is then 0, and with eps 0 it is
     * the mean squared norm itself. R1 at x = [1, 3] (gamma 2, so lambda 1): mean(4, 36) = 20, with eps 0 exact.
     */
    @Test
    void zeroWeightAndZeroEpsAreAllowed() {
        Tensor real = column(1, 3);
        assertEquals(0.0, new CentredGradientPenalty(0, 0, Points.REAL).compute(SQUARE, real, null, null).item());
        assertEquals(0.0, new CentredGradientPenalty(0, 1, Points.REAL).compute(SQUARE, real, null, null).item());
        CentredGradientPenalty r1 = new CentredGradientPenalty(1, 0, Points.REAL, false, 0.0);
        assertEquals(20.0, r1.compute(SQUARE, real, null, null).item(), 0.0);
        // centre 1, eps 0: mean((2 - 1)^2, (6 - 1)^2) = 13, exact (sqrt of 4 and 36 is exact)
        CentredGradientPenalty c1 = new CentredGradientPenalty(1, 1, Points.REAL, false, 0.0);
        assertEquals(13.0, c1.compute(SQUARE, real, null, null).item(), 0.0);
    }
}
