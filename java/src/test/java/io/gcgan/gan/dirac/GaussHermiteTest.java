package io.gcgan.gan.dirac;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GaussHermiteTest {

    @Test
    void smallOrdersHaveTheirKnownNodesAndWeights() {
        // n = 1: z = 0, w = 1.  n = 2: H_2 = 4x^2 - 2, x = +-1/sqrt2 -> z = +-1, w = 1/2.
        // n = 3: H_3 = 8x^3 - 12x, x = 0, +-sqrt(3/2) -> z = 0, +-sqrt3, w = 2/3, 1/6.
        GaussHermite one = GaussHermite.standardNormal(1);
        assertArrayEquals(new double[] {0.0}, one.nodes(), 0.0);
        assertArrayEquals(new double[] {1.0}, one.weights(), 1e-15);
        GaussHermite two = GaussHermite.standardNormal(2);
        assertArrayEquals(new double[] {-1, 1}, two.nodes(), 1e-15);
        assertArrayEquals(new double[] {0.5, 0.5}, two.weights(), 1e-15);
        GaussHermite three = GaussHermite.standardNormal(3);
        assertArrayEquals(new double[] {-Math.sqrt(3), 0, Math.sqrt(3)}, three.nodes(), 1e-15);
        assertArrayEquals(new double[] {1.0 / 6, 2.0 / 3, 1.0 / 6}, three.weights(), 1e-15);
    }

    @Test
    void momentsOfTheNormalAreExactUpToDegree2nMinus1() {
        for (int n : new int[] {4, 9, 16, 64, 128, GaussHermite.MAX_ORDER}) {
            GaussHermite rule = GaussHermite.standardNormal(n);
            double[] z = rule.nodes();
            double[] w = rule.weights();
            for (int i = 0; i < n; i++) {
                assertTrue(w[i] > 0, "weight " + i + " of order " + n + " = " + w[i]);
                assertEquals(-z[n - 1 - i], z[i], 0.0, "nodes symmetric");
                assertEquals(w[n - 1 - i], w[i], 0.0, "weights symmetric");
                if (i > 0) {
                    assertTrue(z[i] > z[i - 1], "nodes ascending");
                }
            }
            // E[z^(2k)] = (2k - 1)!!, odd moments 0; check degrees up to min(2n - 1, 12). The tolerance scales
            // with the size of the terms summed, E|z|^d <= E[z^(d+1)] + 1.
            for (int degree = 0; degree <= Math.min(2 * n - 1, 12); degree++) {
                final int d = degree;
                double moment = rule.expectation(x -> Math.pow(x, d));
                double expected = d % 2 == 1 ? 0.0 : evenMoment(d);
                double scale = 1 + evenMoment(d % 2 == 1 ? d + 1 : d);
                assertEquals(expected, moment, 1e-13 * scale, "order " + n + " E[z^" + d + "]");
            }
        }
    }

    /** E[z^d] = (d - 1)!! for even d. */
    private static double evenMoment(int d) {
        double m = 1.0;
        for (int k = d - 1; k > 1; k -= 2) {
            m *= k;
        }
        return m;
    }

    @Test
    void expectationOfASmoothFunctionConverges() {
        // E[cos z] = e^(-1/2).
        double exact = Math.exp(-0.5);
        assertEquals(exact, GaussHermite.standardNormal(20).expectation(Math::cos), 1e-15);
    }

    @Test
    void ordersOutsideTheRangeAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> GaussHermite.standardNormal(0));
        assertThrows(IllegalArgumentException.class, () -> GaussHermite.standardNormal(GaussHermite.MAX_ORDER + 1));
    }
}
