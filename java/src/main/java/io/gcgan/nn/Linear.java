package io.gcgan.nn;

import io.gcgan.random.Generator;
import io.gcgan.tensor.Shapes;
import io.gcgan.tensor.Tensor;

/**
 * y = x W^T + b. x is [..., in], weight [out, in], bias [out], y [..., out] (PyTorch's {@code nn.Linear}).
 * Initialized as PyTorch does (see {@link Init#pytorchDefault}).
 */
public final class Linear extends Module {

    private final int inFeatures;
    private final int outFeatures;
    private final Tensor weight;
    private final Tensor bias;

    /** Float32 on the CPU, drawing from {@link Init#defaultGenerator()}. */
    public Linear(int inFeatures, int outFeatures, boolean bias) {
        this(inFeatures, outFeatures, bias, ModuleOptions.defaults());
    }

    public Linear(int inFeatures, int outFeatures, boolean bias, ModuleOptions options) {
        if (inFeatures < 1 || outFeatures < 1) {
            throw new IllegalArgumentException("Linear: need in and out features >= 1, got " + inFeatures + " and "
                    + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = registerParameter("weight",
                Tensor.empty(options.dtype(), options.device(), outFeatures, inFeatures));
        this.bias = bias ? registerParameter("bias", Tensor.empty(options.dtype(), options.device(), outFeatures))
                : null;
        resetParameters(options.generator());
    }

    /** PyTorch's default initialization, drawn from {@code generator}. */
    public void resetParameters(Generator generator) {
        Init.pytorchDefault(weight, bias, generator);
    }

    @Override
    public Tensor forward(Tensor x) {
        requireStateAlive();
        if (x.rank() < 2 || x.size(-1) != inFeatures) {
            throw new IllegalArgumentException("Linear(" + inFeatures + ", " + outFeatures + "): input of shape "
                    + Shapes.toString(x.shape()) + " needs rank >= 2 and last dimension " + inFeatures);
        }
        if (x.dtype() != weight.dtype()) {
            throw new IllegalArgumentException("Linear(" + inFeatures + ", " + outFeatures + "): input of dtype "
                    + x.dtype().displayName() + ", weights of dtype " + weight.dtype().displayName()
                    + " (convert one with .to(DType), or build the module with ModuleOptions.withDType)");
        }
        Tensor y = x.matmul(weight, false, true);
        return bias == null ? y : y.add(bias);
    }

    /** [out, in]. */
    public Tensor weight() {
        return weight;
    }

    /** [out], or null without bias. */
    public Tensor bias() {
        return bias;
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + PyRepr.bool(bias != null);
    }
}
