package io.gcgan.backend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A coalesced strided index space over several operands, the common first step of every backend's strided
 * loops (copy, broadcasting binary ops, where): size-1 dimensions are dropped and neighbouring dimensions that
 * are contiguous in every operand are merged, so a dense elementwise op becomes one long row.
 *
 * @param count   the number of index tuples (0 when a dimension is 0)
 * @param shape   the coalesced shape (empty for a single element)
 * @param strides strides[operand][dim] in elements, for the coalesced shape
 */
public record StridedSpace(long count, long[] shape, long[][] strides) {

    public int rank() {
        return shape.length;
    }

    /**
     * Drops size-1 dimensions and merges neighbouring dimensions that are contiguous in every operand (dim d folds
     * into d + 1 when stride_d == stride_{d+1} * size_{d+1} for all operands); the index space and every operand's
     * offsets are unchanged.
     */
    public static StridedSpace coalesce(long[] shape, long[]... operandStrides) {
        int operands = operandStrides.length;
        long count = 1;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] < 0) {
                throw new IllegalArgumentException("negative size " + shape[d] + " in shape " + Arrays.toString(shape));
            }
            count = Math.multiplyExact(count, shape[d]);
        }
        for (long[] s : operandStrides) {
            if (s.length != shape.length) {
                throw new IllegalArgumentException("strides " + Arrays.toString(s) + " of rank " + s.length
                        + " for shape " + Arrays.toString(shape) + " of rank " + shape.length);
            }
        }
        List<long[]> dims = new ArrayList<>(); // {size, stride_0, ..., stride_{operands-1}}
        if (count > 0) {
            for (int d = 0; d < shape.length; d++) {
                if (shape[d] == 1) {
                    continue;
                }
                long[] e = new long[operands + 1];
                e[0] = shape[d];
                for (int o = 0; o < operands; o++) {
                    e[o + 1] = operandStrides[o][d];
                }
                dims.add(e);
            }
            for (int i = dims.size() - 2; i >= 0; i--) {
                long[] outer = dims.get(i);
                long[] inner = dims.get(i + 1);
                boolean mergeable = true;
                for (int o = 1; o <= operands; o++) {
                    if (outer[o] != inner[o] * inner[0]) {
                        mergeable = false;
                        break;
                    }
                }
                if (mergeable) {
                    inner[0] *= outer[0];
                    dims.remove(i);
                }
            }
        }
        int rank = dims.size();
        long[] outShape = new long[rank];
        long[][] outStrides = new long[operands][rank];
        for (int d = 0; d < rank; d++) {
            long[] e = dims.get(d);
            outShape[d] = e[0];
            for (int o = 0; o < operands; o++) {
                outStrides[o][d] = e[o + 1];
            }
        }
        return new StridedSpace(count, outShape, outStrides);
    }
}
