package io.gcgan.backend.cuda;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gcgan.backend.BinaryOp;
import io.gcgan.backend.ReduceOp;
import io.gcgan.backend.Storage;
import io.gcgan.backend.StridedSpace;
import io.gcgan.backend.UnaryOp;
import io.gcgan.backend.cpu.CpuBackend;
import io.gcgan.backend.Lifetime;
import io.gcgan.bindings.kernels.GcganKernels;
import io.gcgan.tensor.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The host half of the CUDA backend's dense ops, which needs no GPU: coalescing of strided index spaces, the split of
 * spaces deeper than GCGAN_MAX_RANK into several launches, bounds checks, the reduction plan, the C structs' contents,
 * and the Java-to-C op code maps. The structs are decoded here with the kernels' own index rule (flat row-major index
 * -> per-operand offsets) and compared with a direct walk of the original, uncoalesced space.
 */
class KernelLayoutsTest {

    private static final StructLayout STRIDED = GcganKernels.gcgan_strided_layout$layout();

    private static long member(String name) {
        return STRIDED.byteOffset(PathElement.groupElement(name));
    }

    /** Every (operand offsets) tuple of the original space, in row-major order. */
    private static List<long[]> walk(long[] shape, long[] offsets, long[]... strides) {
        List<long[]> out = new ArrayList<>();
        long count = 1;
        for (long s : shape) {
            count *= s;
        }
        for (long flat = 0; flat < count; flat++) {
            long rem = flat;
            long[] off = offsets.clone();
            for (int d = shape.length - 1; d >= 0; d--) {
                long i = rem % shape[d];
                rem /= shape[d];
                for (int o = 0; o < strides.length; o++) {
                    off[o] += i * strides[o][d];
                }
            }
            out.add(off);
        }
        return out;
    }

    /** What the kernels compute from the structs the launches received (strided_offsets in device_common.cuh). */
    private static List<long[]> decode(List<long[]> launches, int operands) {
        List<long[]> out = new ArrayList<>();
        for (long[] struct : launches) {
            int rank = (int) struct[0];
            long count = 1;
            for (int d = 0; d < rank; d++) {
                count *= struct[1 + d];
            }
            for (long flat = 0; flat < count; flat++) {
                long[] off = new long[operands];
                for (int o = 0; o < operands; o++) {
                    off[o] = struct[1 + KernelLayouts.MAX_RANK + KernelLayouts.MAX_RANK * KernelLayouts.MAX_OPERANDS
                            + o];
                }
                long rem = flat;
                for (int d = rank - 1; d >= 0; d--) {
                    long size = struct[1 + d];
                    long i = d == 0 ? rem : rem % size;
                    rem = d == 0 ? 0 : rem / size;
                    for (int o = 0; o < operands; o++) {
                        off[o] += i * struct[1 + KernelLayouts.MAX_RANK + o * KernelLayouts.MAX_RANK + d];
                    }
                }
                out.add(off);
            }
        }
        return out;
    }

    /** Runs forEachLaunch and captures each struct as {rank, shape[8], strides[4][8], offsets[4]}. */
    private static List<long[]> launches(long[] shape, long[] offsets, long[]... strides) {
        StridedSpace space = StridedSpace.coalesce(shape, strides);
        List<long[]> captured = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment struct = arena.allocate(STRIDED);
            KernelLayouts.forEachLaunch(space, offsets, struct, s -> {
                long[] c = new long[1 + KernelLayouts.MAX_RANK * (1 + KernelLayouts.MAX_OPERANDS)
                        + KernelLayouts.MAX_OPERANDS];
                c[0] = s.get(JAVA_INT, member("rank"));
                int k = 1;
                for (int d = 0; d < KernelLayouts.MAX_RANK; d++) {
                    c[k++] = s.get(JAVA_LONG, member("shape") + 8L * d);
                }
                for (int i = 0; i < KernelLayouts.MAX_RANK * KernelLayouts.MAX_OPERANDS; i++) {
                    c[k++] = s.get(JAVA_LONG, member("strides") + 8L * i);
                }
                for (int o = 0; o < KernelLayouts.MAX_OPERANDS; o++) {
                    c[k++] = s.get(JAVA_LONG, member("offsets") + 8L * o);
                }
                captured.add(c);
            });
        }
        return captured;
    }

    private static void assertSameWalk(long[] shape, long[] offsets, long[]... strides) {
        List<long[]> expected = walk(shape, offsets, strides);
        List<long[]> got = decode(launches(shape, offsets, strides), strides.length);
        assertEquals(expected.size(), got.size(), "element count");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), got.get(i), "flat index " + i);
        }
    }

    @Test
    void aDenseSpaceBecomesOneDimension() {
        StridedSpace s = StridedSpace.coalesce(new long[] {2, 3, 4}, new long[] {12, 4, 1},
                new long[] {12, 4, 1});
        assertEquals(24, s.count());
        assertArrayEquals(new long[] {24}, s.shape());
        assertArrayEquals(new long[] {1}, s.strides()[0]);
    }

    @Test
    void sizeOneDimensionsDropAndAScalarHasRankZero() {
        StridedSpace s = StridedSpace.coalesce(new long[] {1, 1}, new long[] {5, 7});
        assertEquals(1, s.count());
        assertEquals(0, s.rank());
        assertSameWalk(new long[] {1, 1}, new long[] {3}, new long[] {5, 7});
    }

    @Test
    void anEmptySpaceLaunchesNothing() {
        assertEquals(0, launches(new long[] {4, 0, 3}, new long[2], new long[] {3, 3, 1}, new long[] {3, 3, 1}).size());
    }

    @Test
    void permutationsBroadcastsAndOffsetsDecodeToTheOriginalWalk() {
        // transpose [3, 4] -> [4, 3], with offsets
        assertSameWalk(new long[] {4, 3}, new long[] {5, 2}, new long[] {1, 4}, new long[] {3, 1});
        // broadcast a [3, 1] and b [1, 4] into out [3, 4]
        assertSameWalk(new long[] {3, 4}, new long[3], new long[] {1, 0}, new long[] {0, 1}, new long[] {4, 1});
        // where with 4 operands, a slice with steps and a negative stride
        assertSameWalk(new long[] {2, 3, 5}, new long[] {0, 40, 7, 0}, new long[] {15, 5, 1},
                new long[] {-20, 6, 1}, new long[] {0, 0, 1}, new long[] {15, 5, 1});
    }

    @Test
    void aSpaceDeeperThanTheKernelsRankIsSplitOverItsLeadingDimensions() {
        // 10 dimensions of size 2, none mergeable: src reads the reversed axes of a dense dst (a full transpose).
        long[] shape = new long[10];
        long[] src = new long[10];
        long[] dst = new long[10];
        for (int d = 0; d < 10; d++) {
            shape[d] = 2;
            dst[d] = 1L << (9 - d);
            src[d] = 1L << d;
        }
        StridedSpace space = StridedSpace.coalesce(shape, src, dst);
        assertEquals(10, space.rank());
        assertEquals(4, launches(shape, new long[] {1, 0}, src, dst).size());
        assertSameWalk(shape, new long[] {1, 0}, src, dst);
    }

    @Test
    void reductionsMergeKeptAndReducedDimensionsSeparately() {
        // [N, C, H, W] reduced over N, H, W (BatchNorm): kept C (stride HW), reduced N (stride CHW) and HW (stride 1).
        KernelLayouts.Reduction r = KernelLayouts.reduction(new long[] {8, 3, 5, 7},
                new boolean[] {true, false, true, true});
        assertEquals(3, r.outCount());
        assertEquals(8 * 35, r.count());
        assertArrayEquals(new long[] {3}, r.keptShape());
        assertArrayEquals(new long[] {35}, r.keptStrides());
        assertArrayEquals(new long[] {8, 35}, r.reducedShape());
        assertArrayEquals(new long[] {105, 1}, r.reducedStrides());
        // Reduce everything: no kept dimension; an empty input keeps its zero-size dimension.
        KernelLayouts.Reduction all = KernelLayouts.reduction(new long[] {4, 5}, new boolean[] {true, true});
        assertEquals(1, all.outCount());
        assertArrayEquals(new long[] {20}, all.reducedShape());
        KernelLayouts.Reduction empty = KernelLayouts.reduction(new long[] {3, 0}, new boolean[] {false, true});
        assertEquals(3, empty.outCount());
        assertEquals(0, empty.count());
    }

    @Test
    void theJavaOpsMapToTheHeadersCodes() {
        // The ordinals are documented as the C codes; the switch maps keep that true even if an enum is reordered.
        for (UnaryOp op : UnaryOp.values()) {
            assertEquals(op.ordinal(), CudaBackend.unaryCode(op), op.toString());
        }
        for (BinaryOp op : BinaryOp.values()) {
            assertEquals(op.ordinal(), CudaBackend.binaryCode(op), op.toString());
        }
        for (ReduceOp op : ReduceOp.values()) {
            assertEquals(op.ordinal(), CudaBackend.reduceCode(op), op.toString());
        }
        assertEquals(UnaryOp.values().length, GcganKernels.GCGAN_UNARY_OP_COUNT);
        assertEquals(BinaryOp.values().length, GcganKernels.GCGAN_BINARY_OP_COUNT);
        assertEquals(ReduceOp.values().length, GcganKernels.GCGAN_REDUCE_OP_COUNT);
        assertEquals(DType.FLOAT32.ordinal(), GcganKernels.GCGAN_DTYPE_FLOAT32);
        assertEquals(DType.FLOAT64.ordinal(), GcganKernels.GCGAN_DTYPE_FLOAT64);
    }
}
