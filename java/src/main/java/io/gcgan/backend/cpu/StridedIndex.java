package io.gcgan.backend.cpu;

import java.util.ArrayList;
import java.util.List;

/**
 * Walks the index tuples of a shape over several strided operands at once, one row (the innermost,
 * coalesced dimension) at a time. Dimensions of size 1 are dropped and neighbouring dimensions that are
 * contiguous in every operand are merged, so a dense elementwise op becomes one long row.
 */
final class StridedIndex {

    /** Coalesced shape; never empty (a scalar is one row of length 1). */
    final long[] shape;
    /** strides[operand][dim] in elements, for the coalesced shape. */
    final long[][] strides;
    /** Number of rows = product of all but the innermost dimension. */
    final long rows;
    /** Length of the innermost dimension. */
    final long rowLength;

    interface RowBody {
        /** Processes {@code length} elements starting at {@code offsets[o]}, stepping {@code steps[o]}. */
        void row(long[] offsets, long length, long[] steps);
    }

    StridedIndex(long[] shape, long[]... operandStrides) {
        int operands = operandStrides.length;
        for (long[] s : operandStrides) {
            if (s.length != shape.length) {
                throw new IllegalArgumentException("strides of rank " + s.length + " for shape of rank " + shape.length);
            }
        }
        List<long[]> dims = new ArrayList<>(); // each entry: {size, stride_0, ..., stride_{k-1}}
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
        // Merge from the innermost outward: dim i folds into i+1 when stride_i == stride_{i+1} * size_{i+1}.
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
        if (dims.isEmpty()) {
            long[] e = new long[operands + 1];
            e[0] = 1;
            dims.add(e);
        }
        int rank = dims.size();
        this.shape = new long[rank];
        this.strides = new long[operands][rank];
        for (int d = 0; d < rank; d++) {
            long[] e = dims.get(d);
            this.shape[d] = e[0];
            for (int o = 0; o < operands; o++) {
                this.strides[o][d] = e[o + 1];
            }
        }
        long r = 1;
        for (int d = 0; d < rank - 1; d++) {
            r *= this.shape[d];
        }
        this.rows = r;
        this.rowLength = this.shape[rank - 1];
    }

    /** Calls {@code body} once per row, in parallel over rows when the work is large enough. */
    void forEachRow(long[] baseOffsets, RowBody body) {
        Parallel.forRange(rows, rowLength, (from, to) -> walkRows(baseOffsets, from, to, body));
    }

    /** Calls {@code body} once per row on the calling thread (for use inside an already parallel loop). */
    void forEachRowSequential(long[] baseOffsets, RowBody body) {
        walkRows(baseOffsets, 0, rows, body);
    }

    private void walkRows(long[] baseOffsets, long from, long to, RowBody body) {
        int operands = strides.length;
        int rank = shape.length;
        long[] steps = new long[operands];
        for (int o = 0; o < operands; o++) {
            steps[o] = strides[o][rank - 1];
        }
        long[] offsets = new long[operands];
        long[] index = new long[rank];
        // Decompose the first row number into an index tuple, then step it like an odometer.
        long rem = from;
        for (int d = rank - 2; d >= 0; d--) {
            index[d] = rem % shape[d];
            rem /= shape[d];
        }
        for (long row = from; row < to; row++) {
            for (int o = 0; o < operands; o++) {
                long off = baseOffsets[o];
                for (int d = 0; d < rank - 1; d++) {
                    off += index[d] * strides[o][d];
                }
                offsets[o] = off;
            }
            body.row(offsets, rowLength, steps);
            for (int d = rank - 2; d >= 0; d--) {
                if (++index[d] < shape[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
    }
}
