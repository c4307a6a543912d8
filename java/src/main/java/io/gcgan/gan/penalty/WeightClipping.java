package io.gcgan.gan.penalty;

import io.gcgan.nn.Module;
import io.gcgan.tensor.GradMode;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;

/**
 * WGAN's weight clipping: after every discriminator step, every parameter of D (weights, biases, BatchNorm's
 * affine parameters, as the WGAN reference code clamps {@code netD.parameters()}) is clamped in place to
 * [-c, c]. Buffers (running statistics, spectral-norm vectors) are left alone. Parameters keep their identity
 * (optimizer state stays attached).
 */
public final class WeightClipping {

    private WeightClipping() {
    }

    /** Clamps every parameter of {@code module} to [-c, c] in place; c must be finite and > 0. */
    public static void apply(Module module, double c) {
        if (!(c > 0) || !Double.isFinite(c)) {
            throw new IllegalArgumentException("weight clipping: the bound c must be finite and > 0, got " + c);
        }
        try (TensorScope tmp = TensorScope.open(); GradMode.Guard ignored = GradMode.noGrad()) {
            for (Tensor p : module.parameters()) {
                p.assign(p.detach().clamp(-c, c));
            }
        }
    }
}
