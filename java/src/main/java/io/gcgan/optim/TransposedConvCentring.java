package io.gcgan.optim;

/**
 * How gradient centralization slices a transposed-conv weight {@code [in, out, kh, kw]} (a parameter added
 * with {@link ParamKind#TRANSPOSED_CONV_WEIGHT}); a per-group option. Whether the tensor is centred at all is
 * decided by the group's {@link GcMode} from its rank, as for any tensor.
 */
public enum TransposedConvCentring {
    /**
     * The default and the official GC code's behaviour, which treats every weight alike: centre along
     * dimension 0, here the input channel. Each of the {@code in} slices {@code [out, kh, kw]} gets zero mean.
     */
    INPUT_CHANNEL,
    /**
     * Centre each output filter, as GC does for an ordinary conv weight {@code [out, in, kh, kw]}: the slices
     * run along dimension 1, and each of the {@code out} slices {@code [in, :, kh, kw]} gets zero mean.
     */
    OUTPUT_FILTER
}
