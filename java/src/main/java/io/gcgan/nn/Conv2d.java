package io.gcgan.nn;

import io.gcgan.random.Generator;
import io.gcgan.tensor.Shapes;
import io.gcgan.tensor.Tensor;

/**
 * 2-D convolution (PyTorch's {@code nn.Conv2d}, cross-correlation, zero padding, no dilation or groups):
 * x [N, in, H, W], weight [out, in, kh, kw], bias [out] -> [N, out, (H + 2 padH - kh) / strideH + 1, ...].
 * Initialized as PyTorch does (fan_in = in * kh * kw; see {@link Init#pytorchDefault}).
 */
public final class Conv2d extends Module {

    private final int inChannels;
    private final int outChannels;
    private final int kernelH;
    private final int kernelW;
    private final int strideH;
    private final int strideW;
    private final int padH;
    private final int padW;
    private final Tensor weight;
    private final Tensor bias;

    /** Square kernel, stride and padding; float32 on the CPU, drawing from {@link Init#defaultGenerator()}. */
    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, boolean bias) {
        this(inChannels, outChannels, kernel, stride, padding, bias, ModuleOptions.defaults());
    }

    /** Square kernel, stride and padding. */
    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, boolean bias,
                  ModuleOptions options) {
        this(inChannels, outChannels, kernel, kernel, stride, stride, padding, padding, bias, options);
    }

    public Conv2d(int inChannels, int outChannels, int kernelH, int kernelW, int strideH, int strideW,
                  int padH, int padW, boolean bias, ModuleOptions options) {
        if (inChannels < 1 || outChannels < 1 || kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1
                || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("Conv2d: need channels, kernel and stride >= 1 and padding >= 0, got"
                    + " in=" + inChannels + " out=" + outChannels + " kernel=" + kernelH + "x" + kernelW
                    + " stride=" + strideH + "x" + strideW + " padding=" + padH + "x" + padW);
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelH = kernelH;
        this.kernelW = kernelW;
        this.strideH = strideH;
        this.strideW = strideW;
        this.padH = padH;
        this.padW = padW;
        this.weight = registerParameter("weight",
                Tensor.empty(options.dtype(), options.device(), outChannels, inChannels, kernelH, kernelW));
        this.bias = bias ? registerParameter("bias", Tensor.empty(options.dtype(), options.device(), outChannels))
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
        if (x.rank() != 4 || x.size(1) != inChannels) {
            throw new IllegalArgumentException("Conv2d(" + inChannels + ", " + outChannels + "): input of shape "
                    + Shapes.toString(x.shape()) + " needs [N, " + inChannels + ", H, W]");
        }
        Tensor y = x.conv2d(weight, strideH, strideW, padH, padW);
        return bias == null ? y : y.add(bias.reshape(1, outChannels, 1, 1));
    }

    /** [out, in, kh, kw]. */
    public Tensor weight() {
        return weight;
    }

    /** [out], or null without bias. */
    public Tensor bias() {
        return bias;
    }

    /** Input channels (the weight's dimension {@code 1}). */
    public int inChannels() {
        return inChannels;
    }

    /** Output channels (the weight's dimension {@code 0}). */
    public int outChannels() {
        return outChannels;
    }

    @Override
    protected String extraRepr() {
        StringBuilder s = new StringBuilder().append(inChannels).append(", ").append(outChannels)
                .append(", kernel_size=").append(PyRepr.tuple(kernelH, kernelW))
                .append(", stride=").append(PyRepr.tuple(strideH, strideW));
        if (padH != 0 || padW != 0) {
            s.append(", padding=").append(PyRepr.tuple(padH, padW));
        }
        if (bias == null) {
            s.append(", bias=False");
        }
        return s.toString();
    }
}
