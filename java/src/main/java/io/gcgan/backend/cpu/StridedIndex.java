package io.gcgan.backend.cpu;

import io.gcgan.backend.StridedSpace;

/**
 * Walks the index tuples of a shape over several strided operands at once, one row (the innermost dimension
 * of the {@link StridedSpace#coalesce coalesced} space) at a time, so a dense elementwise op is one long row.
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
        StridedSpace space = StridedSpace.coalesce(shape, operandStrides);
        int operands = operandStrides.length;
        if (space.count() == 0 || space.rank() == 0) {
            // Nothing to do (an empty dimension), or one element: a single row of length 0 or 1.
            this.shape = new long[] {space.count()};
            this.strides = new long[operands][1];
        } else {
            this.shape = space.shape();
            this.strides = space.strides();
        }
        long r = 1;
        for (int d = 0; d < this.shape.length - 1; d++) {
            r *= this.shape[d];
        }
        this.rows = r;
        this.rowLength = this.shape[this.shape.length - 1];
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
