package io.gcgan.optim;

/**
 * What a parameter tensor is, where the optimizer needs to know: only transposed-conv weights are special, since
 * PyTorch stores them {@code [in, out, kh, kw]} and so "dimension 0" is the input channel (see
 * {@link TransposedConvCentring}).
 */
public enum ParamKind {
    /** Any parameter whose dimension 0 is its output dimension (conv [out, in, kh, kw], linear [out, in]), and
     *  every rank-1 parameter. */
    DEFAULT,
    /** A ConvTranspose weight {@code [in, out, kh, kw]}. */
    TRANSPOSED_CONV_WEIGHT
}
