package io.gcgan.backend;

/**
 * Which elements of a dense parameter tensor gradient centralization averages together, in a form a GPU
 * kernel can walk: the tensor is viewed as {@code [outer, slices, inner]} (row-major) and, for each slice
 * index {@code s}, the {@code outer * inner} elements {@code (o, s, i)} are one centring group: their mean is
 * subtracted from each of them. Element {@code (o, s, i)} sits at flat offset {@code (o * slices + s) * inner + i},
 * so a slice is {@code outer} contiguous runs of {@code inner} elements, {@code slices * inner} apart.
 *
 * <ul>
 *   <li>Centring along dimension 0 (the official GC: each output filter of a conv weight [out, in, kh, kw],
 *       each row of a linear weight [out, in]): {@code outer = 1, slices = shape[0], inner = numel / shape[0]};
 *       every slice is one contiguous run.</li>
 *   <li>Centring along dimension 1 (per-output-filter centring of a transposed-conv weight stored
 *       [in, out, kh, kw]): {@code outer = in, slices = out, inner = kh * kw}.</li>
 *   <li>{@link #NONE}: not centred (rank-1 tensors, or a GC mode that skips this rank).</li>
 * </ul>
 */
public record CentringView(long outer, long slices, long inner) {

    /** Not centred. */
    public static final CentringView NONE = new CentringView(0, 0, 0);

    public CentringView {
        if (outer < 0 || slices < 0 || inner < 0) {
            throw new IllegalArgumentException("CentringView: negative extent outer=" + outer + " slices=" + slices
                    + " inner=" + inner);
        }
    }

    /** The view that centres each index of dimension {@code dim} of a dense tensor of {@code shape}. */
    public static CentringView along(long[] shape, int dim) {
        if (dim < 0 || dim >= shape.length) {
            throw new IllegalArgumentException("CentringView.along: dimension " + dim + " out of range for rank "
                    + shape.length);
        }
        long outer = 1;
        for (int d = 0; d < dim; d++) {
            outer *= shape[d];
        }
        long inner = 1;
        for (int d = dim + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        return new CentringView(outer, shape[dim], inner);
    }

    /** True when there is something to centre. */
    public boolean centred() {
        return slices > 0 && outer > 0 && inner > 0;
    }

    /** Elements covered by the view. */
    public long numel() {
        return outer * slices * inner;
    }

    /** Elements in one centring group (the divisor of the mean). */
    public long sliceSize() {
        return outer * inner;
    }
}
