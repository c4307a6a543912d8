package io.gcgan.gan.loss;

import io.gcgan.tensor.Shapes;
import io.gcgan.tensor.Tensor;
import java.util.Arrays;

/**
 * The distance between the paired samples x_n and G(z_n) in the loss-sensitive margin
 * Delta(x, G(z)) = tau * distance (see {@link LossSensitiveLoss}). Samples are [N, ...]; the distance is
 * taken over everything but the batch dimension.
 */
public enum PairDistance {
    /** ||x - G(z)||_1 = sum over pixels |x - G(z)| (the L1 norm; Qi's reference code, the default). */
    L1_SUM,
    /** mean over pixels |x - G(z)| = ||x - G(z)||_1 / pixels (independent of the image size). */
    L1_MEAN;

    /** Per-pair distances [N] of x and y (same shape [N, ...]); nothing is recorded for autograd. */
    public Tensor between(Tensor x, Tensor y) {
        if (!Arrays.equals(x.shape(), y.shape()) || x.rank() < 1) {
            throw new IllegalArgumentException("pair distance: real " + Shapes.toString(x.shape()) + " and fake "
                    + Shapes.toString(y.shape()) + " must be paired samples of one shape [N, ...]");
        }
        Tensor diff = x.detach().sub(y.detach()).abs();
        if (diff.rank() == 1) {
            return diff; // one number per sample
        }
        int[] pixelDims = new int[diff.rank() - 1];
        for (int d = 0; d < pixelDims.length; d++) {
            pixelDims[d] = d + 1;
        }
        return this == L1_SUM ? diff.sum(pixelDims, false) : diff.mean(pixelDims, false);
    }
}
