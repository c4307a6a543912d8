package io.gcgan.nn;

import io.gcgan.random.Generator;
import io.gcgan.tensor.GradMode;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.util.Objects;

/**
 * Parameter initialization: in-place fills (PyTorch's {@code torch.nn.init}), the default initialization of
 * PyTorch's layers, and the DCGAN initialization.
 *
 * <p>Every fill writes into the given tensor in place (under {@link GradMode#noGrad()}, so parameters can be
 * filled) and frees its temporaries at once, whatever scope is current. Draws come from a {@link Generator}:
 * a tensor of n elements takes the next n Philox blocks, so the values depend only on the seed and the order
 * of the draws, not on the device.
 *
 * <p><b>PyTorch's defaults</b> ({@link #pytorchDefault}). Linear, Conv2d and ConvTranspose2d call
 * {@code kaiming_uniform_(weight, a=sqrt(5))}, which is U(-b, b) with b = gain * sqrt(3 / fan_in) and
 * gain = sqrt(2 / (1 + a^2)) = sqrt(1/3), i.e. b = 1 / sqrt(fan_in); the bias is U(-1/sqrt(fan_in), +) with
 * the same fan_in. PyTorch's fan_in is {@code weight.size(1)} times the kernel area for every layer, so for
 * a transposed conv, whose weight is [in, out, kh, kw], it is {@code out * kh * kw} (the number of output
 * channels, not the input channels; PyTorch keeps that quirk and so do we). BatchNorm: weight 1, bias 0.
 *
 * <p><b>DCGAN</b> ({@link #dcgan}): as the {@code weights_init} of PyTorch's DCGAN example, which matches
 * class names containing "Conv" or "BatchNorm": every Conv2d and ConvTranspose2d weight ~ N(0, 0.02), every
 * BatchNorm weight ~ N(1, 0.02) and bias = 0. Like the example, it leaves everything else at PyTorch's
 * default: Linear layers (the mnist28 models have some) and conv biases keep their default-initialized
 * values. Modules are visited in {@link Module#namedModules()} order, so the draws are reproducible.
 */
public final class Init {

    private static volatile Generator defaultGenerator = new Generator(0);

    private Init() {
    }

    /**
     * The generator that layers built without {@link ModuleOptions} draw from (seed 0 until
     * {@link #manualSeed} changes it), like PyTorch's global generator. Reproducible experiments should pass
     * their own generator in {@link ModuleOptions} instead.
     */
    public static Generator defaultGenerator() {
        return defaultGenerator;
    }

    /** Replaces the default generator with a fresh one of stream {@code seed} (PyTorch's manual_seed). */
    public static void manualSeed(long seed) {
        defaultGenerator = new Generator(seed);
    }

    // ==== in-place fills ===================================================================================

    /** Fills {@code t} with U(low, high) draws from {@code generator}; returns {@code t}. */
    public static Tensor uniform(Tensor t, double low, double high, Generator generator) {
        if (!(low <= high) || !Double.isFinite(low) || !Double.isFinite(high)) {
            throw new IllegalArgumentException("uniform: need finite low <= high, got [" + low + ", " + high + ")");
        }
        try (TensorScope tmp = TensorScope.open(); GradMode.Guard g = GradMode.noGrad()) {
            Tensor u = Tensor.rand(generator, t.dtype(), t.device(), t.shape());
            t.assign(u.mul(high - low).add(low));
        }
        return t;
    }

    /** Fills {@code t} with N(mean, std^2) draws from {@code generator}; returns {@code t}. */
    public static Tensor normal(Tensor t, double mean, double std, Generator generator) {
        if (!(std >= 0) || !Double.isFinite(std) || !Double.isFinite(mean)) {
            throw new IllegalArgumentException("normal: need a finite mean and std >= 0, got mean=" + mean
                    + " std=" + std);
        }
        try (TensorScope tmp = TensorScope.open(); GradMode.Guard g = GradMode.noGrad()) {
            Tensor n = Tensor.randn(generator, t.dtype(), t.device(), t.shape());
            t.assign(n.mul(std).add(mean));
        }
        return t;
    }

    /** Fills {@code t} with {@code value}; returns {@code t}. */
    public static Tensor constant(Tensor t, double value) {
        try (TensorScope tmp = TensorScope.open(); GradMode.Guard g = GradMode.noGrad()) {
            t.assign(Tensor.full(value, t.dtype(), t.device(), t.shape()));
        }
        return t;
    }

    /**
     * PyTorch's fan_in of a weight of rank >= 2: {@code size(1)} times the product of the sizes after it
     * ([out, in] -> in; conv [out, in, kh, kw] -> in*kh*kw; transposed conv [in, out, kh, kw] -> out*kh*kw).
     */
    public static long fanIn(Tensor weight) {
        if (weight.rank() < 2) {
            throw new IllegalArgumentException("fanIn: needs a weight of rank >= 2, got shape "
                    + java.util.Arrays.toString(weight.shape()));
        }
        long fan = weight.size(1);
        for (int d = 2; d < weight.rank(); d++) {
            fan *= weight.size(d);
        }
        return fan;
    }

    /**
     * PyTorch's {@code reset_parameters} of Linear and the conv layers: weight ~ U(-1/sqrt(fan_in), +), then
     * bias (may be null) ~ U(-1/sqrt(fan_in), +), drawn in that order.
     */
    public static void pytorchDefault(Tensor weight, Tensor bias, Generator generator) {
        long fan = fanIn(weight);
        double bound = fan > 0 ? 1.0 / Math.sqrt(fan) : 0.0;
        uniform(weight, -bound, bound, generator);
        if (bias != null) {
            uniform(bias, -bound, bound, generator);
        }
    }

    /**
     * The DCGAN initialization of PyTorch's DCGAN example over every module of {@code model} (see the class
     * comment); returns {@code model}.
     */
    public static <M extends Module> M dcgan(M model, Generator generator) {
        Objects.requireNonNull(generator, "generator");
        for (Module m : model.namedModules().values()) {
            if (m instanceof Conv2d c) {
                normal(c.weight(), 0.0, 0.02, generator);
            } else if (m instanceof ConvTranspose2d c) {
                normal(c.weight(), 0.0, 0.02, generator);
            } else if (m instanceof BatchNorm bn && bn.weight() != null) {
                normal(bn.weight(), 1.0, 0.02, generator);
                constant(bn.bias(), 0.0);
            }
        }
        return model;
    }
}
