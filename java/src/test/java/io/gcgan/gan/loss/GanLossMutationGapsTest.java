package io.gcgan.gan.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.gan.loss.GanLoss.Batch;
import io.gcgan.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Contracts of the losses that mutation testing (PIT, profile {@code mutation} of this module) found unchecked:
 * each test names the mutants it kills. Expected values are computed by hand in the comments.
 */
class GanLossMutationGapsTest {

    private static final double TOL = 1e-12;

    private static Tensor vec(double... v) {
        return Tensor.of(v, v.length);
    }

    /**
     * Every Options setting reaches the loss byName builds (the existing test reads the defaults, gamma 0, which a
     * "return 0" accessor also gives; the with* copies were never called).
     */
    @Test
    void optionsReachTheLossTheyConfigure() {
        GanLosses.Options o = GanLosses.Options.defaults().withGamma(0.5).withLambda(2).withTau(0.4)
                .withPairDistance(PairDistance.L1_MEAN).withLossOutput(LossOutput.IDENTITY);
        var ls = (LossSensitiveLoss) GanLosses.byName("loss-sensitive", o);
        assertEquals(0.5, ls.gamma());
        assertEquals(2.0, ls.lambda());
        assertEquals(0.4, ls.tau());
        assertEquals(PairDistance.L1_MEAN, ls.pairDistance());
        assertEquals(LossOutput.IDENTITY, ls.lossOutput());

        // lsgan with codes a = -1 (fakes), b = 1 (reals), c = 0 (G): D at its targets has loss 0;
        // t_f = [2]: G loss 1/2 (2 - 0)^2 = 2, D loss 1/2 (1 - 1)^2 + 1/2 (2 + 1)^2 = 4.5
        GanLoss lsgan = GanLosses.byName("lsgan", GanLosses.Options.defaults().withLeastSquaresTargets(-1, 1, 0));
        assertEquals(0.0, lsgan.discriminatorLoss(Batch.ofOutputs(vec(1), vec(-1))).item(), TOL);
        assertEquals(2.0, lsgan.generatorLoss(Batch.forGenerator(vec(2))).item(), TOL);
        assertEquals(4.5, lsgan.discriminatorLoss(Batch.ofOutputs(vec(1), vec(2))).item(), TOL);
    }

    /** Which losses read samples and which want clipping (the interface defaults were never asked). */
    @Test
    void samplesAndClippingByLoss() {
        GanLosses.Options o = GanLosses.Options.defaults().withNu(-1);
        for (String name : GanLosses.names()) {
            GanLoss loss = GanLosses.byName(name, o);
            boolean lossSensitive = name.equals("loss-sensitive") || name.equals("gls-gan");
            assertEquals(lossSensitive, loss.needsSamples(), name);
            assertEquals(name.equals("wgan"), loss.weightClip().isPresent(), name);
        }
        assertFalse(((StandardGanLoss) GanLosses.byName("gan")).nonSaturating());
        assertTrue(((StandardGanLoss) GanLosses.byName("nsgan")).nonSaturating());
        assertTrue(((StandardGanLoss) GanLosses.byName("non-saturating")).nonSaturating());
    }

    /** lambda must be > 0 (0 would drop the margin term, the whole point); tau = 0 (no margin) is allowed. */
    @Test
    void lossSensitiveBoundsOnLambdaAndTau() {
        assertThrows(IllegalArgumentException.class,
                () -> LossSensitiveLoss.lsGan(0, 0.0, 1, PairDistance.L1_SUM, LossOutput.IDENTITY));
        // tau 0: a = L_r - L_f; t_r = [1, 2], t_f = [3, 1]: a = [-2, 1], D = 1 * mean((a)+) = 0.5
        LossSensitiveLoss noMargin = LossSensitiveLoss.lsGan(0, 1, 0.0, PairDistance.L1_SUM, LossOutput.IDENTITY);
        Tensor real = Tensor.of(new double[] {5, 6, 7, 8}, 2, 2);
        Tensor fake = Tensor.of(new double[] {0, 0, 0, 0}, 2, 2);
        assertEquals(0.5, noMargin.discriminatorLoss(new Batch(real, fake, vec(1, 2), vec(3, 1))).item(), TOL);
    }

    /**
     * Samples of rank 1 are one number each ([N]; PairDistance's documented "one number per sample" branch was
     * never run, and the loss's {@code rank < 1} check could be {@code rank <= 1}). x = [1, 4], G(z) = [3, 1]:
     * d = [2, 3], tau 0.5: Delta = [1, 1.5]; t_r = [0, 1], t_f = [2, 0]: a = Delta + L_r - L_f = [-1, 2.5];
     * gamma 0, lambda 1: D = mean((a)+) = 1.25.
     */
    @Test
    void samplesOfRankOne() {
        assertArrayEquals(new double[] {2, 3}, PairDistance.L1_SUM.between(vec(1, 4), vec(3, 1)).toDoubleArray());
        assertArrayEquals(new double[] {2, 3}, PairDistance.L1_MEAN.between(vec(1, 4), vec(3, 1)).toDoubleArray());
        LossSensitiveLoss loss = LossSensitiveLoss.lsGan(0, 1, 0.5, PairDistance.L1_SUM, LossOutput.IDENTITY);
        assertEquals(1.25, loss.discriminatorLoss(new Batch(vec(1, 4), vec(3, 1), vec(0, 1), vec(2, 0))).item(), TOL);
    }

    /** An unknown name's message lists the aliases as well as the names (the class documents both). */
    @Test
    void unknownNameListsTheAliases() {
        var e = assertThrows(IllegalArgumentException.class, () -> GanLosses.byName("wgan-gpp"));
        for (String alias : List.of("least-squares=lsgan", "wasserstein=wgan", "non-saturating=nsgan")) {
            assertTrue(e.getMessage().contains(alias), e.getMessage());
        }
    }
}
