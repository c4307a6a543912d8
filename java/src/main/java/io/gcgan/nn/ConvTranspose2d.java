package io.gcgan.nn;

import io.gcgan.random.Generator;
import io.gcgan.tensor.Shapes;
import io.gcgan.tensor.Tensor;

/**
 * 2-D transposed convolution (PyTorch's {@code nn.ConvTranspose2d}, no dilation or groups): x [N, in, H, W],
 * weight [in, out, kh, kw] (PyTorch's layout: dimension 0 is the input channel), bias [out] ->
 * [N, out, (H - 1) strideH - 2 padH + kh + outPadH, ...]. Initialized as PyTorch does, whose fan_in for this
 * weight is {@code out * kh * kw} (see {@link Init}).
 */
public final class ConvTranspose2d extends Module {

    private final int inChannels;
    private final int outChannels;
    private final int kernelH;
    private final int kernelW;
    private final int strideH;
    private final int strideW;
    private final int padH;
    private final int padW;
    private final int outPadH;
    private final int outPadW;
    private final Tensor weight;
    private final Tensor bias;

    /** Square kernel, stride and padding, no output padding; float32 on the CPU, default generator. */
    public ConvTranspose2d(int inChannels, int outChannels, int kernel, int stride, int padding, boolean bias) {
        this(inChannels, outChannels, kernel, stride, padding, 0, bias, ModuleOptions.defaults());
    }

    /** Square kernel, stride and padding, no output padding (as {@link Conv2d}'s constructor of these arguments). */
    public ConvTranspose2d(int inChannels, int outChannels, int kernel, int stride, int padding, boolean bias,
                           ModuleOptions options) {
        this(inChannels, outChannels, kernel, stride, padding, 0, bias, options);
    }

    /** Square kernel, stride, padding and output padding. */
    public ConvTranspose2d(int inChannels, int outChannels, int kernel, int stride, int padding, int outputPadding,
                           boolean bias, ModuleOptions options) {
        this(inChannels, outChannels, kernel, kernel, stride, stride, padding, padding, outputPadding, outputPadding,
                bias, options);
    }

    public ConvTranspose2d(int inChannels, int outChannels, int kernelH, int kernelW, int strideH, int strideW,
                           int padH, int padW, int outPadH, int outPadW, boolean bias, ModuleOptions options) {
        if (inChannels < 1 || outChannels < 1 || kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1
                || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("ConvTranspose2d: need channels, kernel and stride >= 1 and padding"
                    + " >= 0, got in=" + inChannels + " out=" + outChannels + " kernel=" + kernelH + "x" + kernelW
                    + " stride=" + strideH + "x" + strideW + " padding=" + padH + "x" + padW);
        }
        if (outPadH < 0 || outPadW < 0 || outPadH >= strideH || outPadW >= strideW) {
            throw new IllegalArgumentException("ConvTranspose2d: output padding " + outPadH + "x" + outPadW
                    + " must be >= 0 and smaller than the stride " + strideH + "x" + strideW);
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelH = kernelH;
        this.kernelW = kernelW;
        this.strideH = strideH;
        this.strideW = strideW;
        this.padH = padH;
        this.padW = padW;
        this.outPadH = outPadH;
        this.outPadW = outPadW;
        this.weight = registerParameter("weight",
                Tensor.empty(options.dtype(), options.device(), inChannels, outChannels, kernelH, kernelW));
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
            throw new IllegalArgumentException("ConvTranspose2d(" + inChannels + ", " + outChannels + "): input of"
                    + " shape " + Shapes.toString(x.shape()) + " needs [N, " + inChannels + ", H, W]");
        }
        Tensor y = x.convTranspose2d(weight, strideH, strideW, padH, padW, outPadH, outPadW);
        return bias == null ? y : y.add(bias.reshape(1, outChannels, 1, 1));
    }

    /** [in, out, kh, kw]. */
    public Tensor weight() {
        return weight;
    }

    /** [out], or null without bias. */
    public Tensor bias() {
        return bias;
    }

    /** Input channels (the weight's dimension {@code 0}). */
    public int inChannels() {
        return inChannels;
    }

    /** Output channels (the weight's dimension {@code 1}). */
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
        if (outPadH != 0 || outPadW != 0) {
            s.append(", output_padding=").append(PyRepr.tuple(outPadH, outPadW));
        }
        if (bias == null) {
            s.append(", bias=False");
        }
        return s.toString();
    }
}
