package io.gcgan.backend.cuda;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.gcgan.backend.Storage;
import io.gcgan.backend.StridedSpace;
import io.gcgan.bindings.kernels.GcganKernels;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The index spaces of the dense kernels, prepared on the host: strided index spaces are coalesced (size-1 dimensions
 * dropped, dimensions contiguous in every operand merged, as the CPU backend's StridedIndex does) and written into the
 * C structs {@code gcgan_strided_layout} and {@code gcgan_reduce_layout} (gcgan_kernels.h), whose member offsets come
 * from the bound layouts that the signature check verifies. Pure Java: no native call, so it is tested without a GPU.
 *
 * <p>A dense elementwise op coalesces to rank 1, for which the kernels divide nothing. A space still deeper than
 * {@code GCGAN_MAX_RANK} after coalescing is split on the host over its leading dimensions: one launch per index of
 * those, with the operands' offsets moved accordingly.
 */
final class KernelLayouts {

    static final int MAX_RANK = GcganKernels.GCGAN_MAX_RANK;
    static final int MAX_OPERANDS = GcganKernels.GCGAN_MAX_OPERANDS;

    private static final StructLayout STRIDED = GcganKernels.gcgan_strided_layout$layout();
    private static final long S_RANK = offset(STRIDED, "rank");
    private static final long S_SHAPE = offset(STRIDED, "shape");
    private static final long S_STRIDES = offset(STRIDED, "strides");
    private static final long S_OFFSETS = offset(STRIDED, "offsets");

    private static final StructLayout REDUCE = GcganKernels.gcgan_reduce_layout$layout();
    private static final long R_KEPT_RANK = offset(REDUCE, "kept_rank");
    private static final long R_REDUCED_RANK = offset(REDUCE, "reduced_rank");
    private static final long R_X_OFFSET = offset(REDUCE, "x_offset");
    private static final long R_KEPT_SHAPE = offset(REDUCE, "kept_shape");
    private static final long R_KEPT_STRIDES = offset(REDUCE, "kept_strides");
    private static final long R_REDUCED_SHAPE = offset(REDUCE, "reduced_shape");
    private static final long R_REDUCED_STRIDES = offset(REDUCE, "reduced_strides");

    private KernelLayouts() {
    }

    private static long offset(StructLayout layout, String member) {
        return layout.byteOffset(PathElement.groupElement(member));
    }

    /** Bytes of a {@code gcgan_strided_layout}. */
    static long stridedBytes() {
        return STRIDED.byteSize();
    }

    /** Bytes of a {@code gcgan_reduce_layout}. */
    static long reduceBytes() {
        return REDUCE.byteSize();
    }

    // ---- strided index spaces ------------------------------------------------------------------------------

    /** What runs one kernel launch once its layout struct is written. */
    interface Launch {
        void run(MemorySegment layout);
    }

    /**
     * Writes {@code space} (with operand base offsets {@code offsets}) into {@code struct} and calls {@code launch};
     * a space deeper than {@link #MAX_RANK} is split over its leading dimensions, one launch per index of them.
     * Does nothing for an empty space.
     */
    static void forEachLaunch(StridedSpace space, long[] offsets, MemorySegment struct, Launch launch) {
        if (space.count() == 0) {
            return;
        }
        int lead = Math.max(0, space.rank() - MAX_RANK);
        long[] index = new long[lead];
        long[] base = new long[offsets.length];
        while (true) {
            for (int o = 0; o < offsets.length; o++) {
                long off = offsets[o];
                for (int d = 0; d < lead; d++) {
                    off += index[d] * space.strides()[o][d];
                }
                base[o] = off;
            }
            writeStrided(struct, space, lead, base);
            launch.run(struct);
            int d = lead - 1;
            while (d >= 0 && ++index[d] == space.shape()[d]) {
                index[d] = 0;
                d--;
            }
            if (d < 0) {
                return;
            }
        }
    }

    /** Writes dims [from, rank) of space and the given operand offsets into a gcgan_strided_layout. */
    static void writeStrided(MemorySegment struct, StridedSpace space, int from, long[] offsets) {
        if (offsets.length > MAX_OPERANDS || space.strides().length != offsets.length) {
            throw new IllegalArgumentException(offsets.length + " operand offsets for " + space.strides().length
                    + " operands (at most " + MAX_OPERANDS + ")");
        }
        int rank = space.rank() - from;
        if (rank > MAX_RANK) {
            throw new IllegalArgumentException("rank " + rank + " > " + MAX_RANK);
        }
        struct.asSlice(0, STRIDED.byteSize()).fill((byte) 0);
        struct.set(JAVA_INT, S_RANK, rank);
        for (int d = 0; d < rank; d++) {
            struct.set(JAVA_LONG, S_SHAPE + 8L * d, space.shape()[from + d]);
            for (int o = 0; o < offsets.length; o++) {
                struct.set(JAVA_LONG, S_STRIDES + 8L * (o * MAX_RANK + d), space.strides()[o][from + d]);
            }
        }
        for (int o = 0; o < offsets.length; o++) {
            struct.set(JAVA_LONG, S_OFFSETS + 8L * o, offsets[o]);
        }
    }

    // ---- reductions ----------------------------------------------------------------------------------------

    /**
     * A reduction of dense x of {@code shape} over {@code axes}, coalesced: kept and reduced dimensions are each
     * stripped of size-1 dimensions and merged where contiguous in x (kept dimensions stay in order, so the dense
     * output's row-major order is unchanged).
     *
     * @param outCount     number of outputs (product of the kept sizes)
     * @param count        elements per output (product of the reduced sizes)
     */
    record Reduction(long outCount, long count, long[] keptShape, long[] keptStrides, long[] reducedShape,
                     long[] reducedStrides) {
    }

    /** Plans the reduction of dense {@code shape} over {@code axes} (distinct, in range; checked by the caller). */
    static Reduction reduction(long[] shape, boolean[] reduced) {
        long[] strides = new long[shape.length];
        long s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = s;
            s *= shape[d];
        }
        List<long[]> kept = new ArrayList<>();
        List<long[]> red = new ArrayList<>();
        long outCount = 1;
        long count = 1;
        for (int d = 0; d < shape.length; d++) {
            if (reduced[d]) {
                count = Math.multiplyExact(count, shape[d]);
            } else {
                outCount = Math.multiplyExact(outCount, shape[d]);
            }
            if (shape[d] != 1) {
                (reduced[d] ? red : kept).add(new long[] {shape[d], strides[d]});
            }
        }
        merge(kept);
        merge(red);
        return new Reduction(outCount, count, column(kept, 0), column(kept, 1), column(red, 0), column(red, 1));
    }

    private static void merge(List<long[]> dims) {
        for (int i = dims.size() - 2; i >= 0; i--) {
            long[] outer = dims.get(i);
            long[] inner = dims.get(i + 1);
            if (outer[1] == inner[1] * inner[0]) {
                inner[0] *= outer[0];
                dims.remove(i);
            }
        }
    }

    private static long[] column(List<long[]> dims, int c) {
        long[] out = new long[dims.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = dims.get(i)[c];
        }
        return out;
    }

    /** Writes r into a gcgan_reduce_layout. */
    static void writeReduce(MemorySegment struct, Reduction r, long xOffset) {
        if (r.keptShape().length > MAX_RANK || r.reducedShape().length > MAX_RANK) {
            throw new UnsupportedOperationException("reduce: " + r.keptShape().length + " kept and "
                    + r.reducedShape().length + " reduced dimensions after merging contiguous ones; the CUDA kernel"
                    + " takes at most " + MAX_RANK + " of each (kept " + Arrays.toString(r.keptShape()) + ", reduced "
                    + Arrays.toString(r.reducedShape()) + ")");
        }
        struct.asSlice(0, REDUCE.byteSize()).fill((byte) 0);
        struct.set(JAVA_INT, R_KEPT_RANK, r.keptShape().length);
        struct.set(JAVA_INT, R_REDUCED_RANK, r.reducedShape().length);
        struct.set(JAVA_LONG, R_X_OFFSET, xOffset);
        for (int d = 0; d < r.keptShape().length; d++) {
            struct.set(JAVA_LONG, R_KEPT_SHAPE + 8L * d, r.keptShape()[d]);
            struct.set(JAVA_LONG, R_KEPT_STRIDES + 8L * d, r.keptStrides()[d]);
        }
        for (int d = 0; d < r.reducedShape().length; d++) {
            struct.set(JAVA_LONG, R_REDUCED_SHAPE + 8L * d, r.reducedShape()[d]);
            struct.set(JAVA_LONG, R_REDUCED_STRIDES + 8L * d, r.reducedStrides()[d]);
        }
    }
}
