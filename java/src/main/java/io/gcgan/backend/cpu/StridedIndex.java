package io.gcgan.backend.cpu;

import io.gcgan.backend.StridedSpace;
import java.util.function.Supplier;

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

    /** Below this many elements a row is not cut into pieces for the cores. */
    static final long MIN_PIECE = 1L << 14;

    /**
     * Calls a body once per row, in parallel when the work is large enough; each parallel task gets its own body
     * from {@code bodies} (so a body may own scratch buffers). When there are fewer rows than tasks would use the
     * cores (a dense op is one long row), rows are cut into pieces of at least {@link #MIN_PIECE} elements, each
     * handed to the body as a shorter row: a body must not depend on seeing whole rows.
     */
    void forEachRow(long[] baseOffsets, Supplier<RowBody> bodies) {
        long tasks = Parallel.threads() * 4L;
        if (rows >= tasks || rowLength < 2 * MIN_PIECE) {
            Parallel.forRange(rows, rowLength, (from, to) -> walkRows(baseOffsets, from, to, bodies.get()));
            return;
        }
        long pieces = Math.min(ceilDiv(tasks, rows), rowLength / MIN_PIECE);
        long pieceLength = ceilDiv(rowLength, pieces);
        int operands = strides.length;
        long[] steps = innermostSteps();
        Parallel.forRange(rows * pieces, pieceLength, (from, to) -> {
            RowBody body = bodies.get();
            long[] offsets = new long[operands];
            for (long item = from; item < to; item++) {
                long row = item / pieces;
                long start = (item - row * pieces) * pieceLength;
                if (start >= rowLength) {
                    continue;
                }
                rowStart(baseOffsets, row, offsets);
                for (int o = 0; o < operands; o++) {
                    offsets[o] += start * steps[o];
                }
                body.row(offsets, Math.min(pieceLength, rowLength - start), steps);
            }
        });
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** Each operand's stride along the innermost dimension: the step within a row. */
    private long[] innermostSteps() {
        long[] steps = new long[strides.length];
        for (int o = 0; o < strides.length; o++) {
            steps[o] = strides[o][shape.length - 1];
        }
        return steps;
    }

    /** Each operand's offset of the first element of row {@code row}. */
    private void rowStart(long[] baseOffsets, long row, long[] offsets) {
        int rank = shape.length;
        for (int o = 0; o < strides.length; o++) {
            offsets[o] = baseOffsets[o];
        }
        long rem = row;
        for (int d = rank - 2; d >= 0; d--) {
            long i = rem % shape[d];
            rem /= shape[d];
            for (int o = 0; o < strides.length; o++) {
                offsets[o] += i * strides[o][d];
            }
        }
    }

    /** Calls {@code body} once per row on the calling thread (for use inside an already parallel loop). */
    void forEachRowSequential(long[] baseOffsets, RowBody body) {
        walkRows(baseOffsets, 0, rows, body);
    }

    private void walkRows(long[] baseOffsets, long from, long to, RowBody body) {
        int operands = strides.length;
        int rank = shape.length;
        long[] steps = innermostSteps();
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
