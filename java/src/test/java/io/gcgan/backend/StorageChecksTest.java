package io.gcgan.backend;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gcgan.backend.cpu.CpuBackend;
import io.gcgan.tensor.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The argument checks of {@link StorageChecks}, called directly. The backends' own tests pass them valid arguments
 * or one kind of bad one: mutation testing (PIT) found that the ownership check of a slot's gradient and states, of
 * rectifierBackward's and squaredNorm's storages, the null checks and the per-name checks of batch normalization
 * (every one of its calls), and the filter's element count in convSizes could be removed without a test of the
 * backend package failing. A backend that skipped one would read freed memory, or another backend's.
 */
class StorageChecksTest {

    private static final CpuBackend CPU = CpuBackend.instance();
    /** Another backend on the CPU device: its storages are host memory too, but not the CPU backend's. */
    private static final ProfilingBackend OTHER = new ProfilingBackend(CPU);

    private static Storage f32(long numel) {
        return CPU.allocate(DType.FLOAT32, numel, Lifetime.AUTOMATIC);
    }

    private static String refused(Executable call) {
        return assertThrows(IllegalArgumentException.class, call).getMessage();
    }

    /** A storage whose scope has closed, of {@code numel} float32 elements. */
    private static Storage closed(long numel) {
        ScopedLifetime scope = new ScopedLifetime();
        Storage s = CPU.allocate(DType.FLOAT32, numel, scope);
        scope.close();
        return s;
    }

    /** A storage of another instance on the same device is told apart from one of another device. */
    @Test
    void anotherInstanceOnTheSameDeviceIsNamed() {
        Storage foreign = OTHER.allocate(DType.FLOAT32, 4, Lifetime.AUTOMATIC);
        assertEquals("fill: storage belongs to cpu (another backend instance), not to the cpu backend",
                refused(() -> StorageChecks.owned(CPU, "fill", f32(4), foreign)));
    }

    /** Every storage of every slot is checked, and the message names the slot and the role. */
    @Test
    void optimizerSlotsCheckTheGradientAndEveryState() {
        OptimizerHyper adam = OptimizerHyper.adam(0.01, 0.9, 0.999, 1e-8, 0, WeightDecayMode.NONE);
        Storage w = f32(4);
        Storage m = f32(4);
        Storage v = f32(4);
        ParamSlot good = new ParamSlot(f32(4), f32(4), f32(4), f32(4), 1, CentringView.NONE);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> StorageChecks.optimizerSlots(CPU,
                adam, List.of(good, new ParamSlot(w, closed(4), m, v, 1, CentringView.NONE))));
        assertEquals("optimizerStep slot 1 grad: a 4 x float32 storage on cpu was used after its scope closed",
                e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> StorageChecks.optimizerSlots(CPU, adam,
                List.of(new ParamSlot(w, f32(4), m, closed(4), 1, CentringView.NONE))));
        assertEquals("optimizerStep slot 0 state2: a 4 x float32 storage on cpu was used after its scope closed",
                e.getMessage());
        // a slot wholly of another backend (a ParamSlot's storages share one backend)
        Storage[] o = new Storage[4];
        for (int i = 0; i < o.length; i++) {
            o[i] = OTHER.allocate(DType.FLOAT32, 4, Lifetime.AUTOMATIC);
        }
        assertEquals("optimizerStep slot 0 weight: storage belongs to cpu (another backend instance), not to the cpu"
                + " backend", refused(() -> StorageChecks.optimizerSlots(CPU, adam,
                List.of(new ParamSlot(o[0], o[1], o[2], o[3], 1, CentringView.NONE)))));
        assertDoesNotThrow(() -> StorageChecks.optimizerSlots(CPU, adam, List.of(good)));
    }

    /** x, w and y each hold at least their shape's elements: exactly enough passes, one fewer is named. */
    @Test
    void convSizesCheckEachOperand() {
        // x [2, 3, 4, 4] = 96, w [5, 3, 2, 3] = 90 (every factor > 1 and different), y [2, 5, 3, 2] = 60
        ConvGeometry g = new ConvGeometry(2, 3, 4, 4, 5, 2, 3, 1, 1, 0, 0);
        assertDoesNotThrow(() -> StorageChecks.convSizes("conv2dForward", g, f32(96), f32(90), f32(60)));
        String prefix = "conv2dForward: storages too small for " + g;
        assertEquals(prefix + " (x 95 < 96?, w 90 < 90?, y 60 < 60?)",
                refused(() -> StorageChecks.convSizes("conv2dForward", g, f32(95), f32(90), f32(60))));
        assertEquals(prefix + " (x 96 < 96?, w 89 < 90?, y 60 < 60?)",
                refused(() -> StorageChecks.convSizes("conv2dForward", g, f32(96), f32(89), f32(60))));
        assertEquals(prefix + " (x 96 < 96?, w 90 < 90?, y 59 < 60?)",
                refused(() -> StorageChecks.convSizes("conv2dForward", g, f32(96), f32(90), f32(59))));
    }

    @Test
    void rectifierBackwardChecksOwnershipDtypeAndCounts() {
        Storage x = f32(5);
        Storage foreign = OTHER.allocate(DType.FLOAT32, 5, Lifetime.AUTOMATIC);
        Storage f64 = CPU.allocate(DType.FLOAT64, 5, Lifetime.AUTOMATIC);
        assertEquals("rectifierBackward: storage belongs to cpu (another backend instance), not to the cpu backend",
                refused(() -> StorageChecks.rectifierBackward(CPU, x, foreign, f32(5))));
        assertEquals("rectifierBackward: mixed dtypes float32 and float64",
                refused(() -> StorageChecks.rectifierBackward(CPU, x, f64, f32(5))));
        assertEquals("rectifierBackward: x has 5 elements, g 5, out 4; they must be equal",
                refused(() -> StorageChecks.rectifierBackward(CPU, x, f32(5), f32(4))));
    }

    /** out and every listed storage are checked for their backend, each named by its place. */
    @Test
    void squaredNormChecksOutAndEveryStorage() {
        Storage foreign = OTHER.allocate(DType.FLOAT32, 3, Lifetime.AUTOMATIC);
        assertEquals("squaredNorm out: storage belongs to cpu (another backend instance), not to the cpu backend",
                refused(() -> StorageChecks.squaredNorm(CPU, List.of(f32(3)), foreign)));
        assertEquals("squaredNorm storage 1: storage belongs to cpu (another backend instance), not to the cpu"
                + " backend", refused(() -> StorageChecks.squaredNorm(CPU, List.of(f32(3), foreign), f32(1))));
        assertDoesNotThrow(() -> StorageChecks.squaredNorm(CPU, List.of(f32(3), f32(2)), f32(1)));
    }

    // ---- batch normalization: x [2, 3, 4] (24 elements), 3 channels ----------------------------------------------

    private static final BatchNormShape SHAPE = new BatchNormShape(2, 3, 4);

    @Test
    void batchNormForwardNamesEachMissingOrWrongOperand() {
        Storage x = f32(24);
        Storage y = f32(24);
        Storage mean = f32(3);
        Storage var = f32(3);
        BatchNormRunningStats running = new BatchNormRunningStats(f32(3), f32(3), 0.1);
        // valid, with and without the affine parameters and the running statistics
        assertDoesNotThrow(() -> StorageChecks.batchNormForward(CPU, SHAPE, 1e-5, x, null, null, y, mean, var, null));
        assertDoesNotThrow(() -> StorageChecks.batchNormForward(CPU, SHAPE, 1e-5, x, f32(3), f32(3), y, mean, var,
                running));
        assertEquals("batchNormForward: x is null",
                refused(() -> StorageChecks.batchNormForward(CPU, SHAPE, 1e-5, null, null, null, y, mean, var, null)));
        assertEquals("batchNormForward: y is null",
                refused(() -> StorageChecks.batchNormForward(CPU, SHAPE, 1e-5, x, null, null, null, mean, var, null)));
        assertEquals("batchNormForward: mean is null",
                refused(() -> StorageChecks.batchNormForward(CPU, SHAPE, 1e-5, x, null, null, y, null, var, null)));
        assertEquals("batchNormForward: var is null",
                refused(() -> StorageChecks.batchNormForward(CPU, SHAPE, 1e-5, x, null, null, y, mean, null, null)));
        assertEquals("batchNormForward: weight and bias are both given (affine) or both null, got bias only",
                refused(() -> StorageChecks.batchNormForward(CPU, SHAPE, 1e-5, x, null, f32(3), y, mean, var, null)));
        // one element short of the input's layout
        assertEquals("batchNormForward: y has 23 elements, " + SHAPE + " needs 24",
                refused(() -> StorageChecks.batchNormForward(CPU, SHAPE, 1e-5, x, null, null, f32(23), mean, var,
                        null)));
        // the running statistics are checked like the rest: size, backend
        assertEquals("batchNormForward: running var has 2 elements, " + SHAPE + " needs 3",
                refused(() -> StorageChecks.batchNormForward(CPU, SHAPE, 1e-5, x, null, null, y, mean, var,
                        new BatchNormRunningStats(f32(3), f32(2), 0.1))));
        Storage foreign = OTHER.allocate(DType.FLOAT32, 3, Lifetime.AUTOMATIC);
        assertEquals("batchNormForward running mean: storage belongs to cpu (another backend instance), not to the"
                + " cpu backend", refused(() -> StorageChecks.batchNormForward(CPU, SHAPE, 1e-5, x, null, null, y,
                mean, var, new BatchNormRunningStats(foreign, f32(3), 0.1))));
        assertEquals("batchNormForward weight: storage belongs to cpu (another backend instance), not to the cpu"
                + " backend", refused(() -> StorageChecks.batchNormForward(CPU, SHAPE, 1e-5, x, foreign, f32(3), y,
                mean, var, null)));
    }

    /** eps > 0 and finite: the smallest positive double passes; 0, NaN and infinity are refused by value. */
    @Test
    void batchNormEpsIsPositiveAndFinite() {
        Storage x = f32(24);
        Storage y = f32(24);
        assertDoesNotThrow(() -> StorageChecks.batchNormForward(CPU, SHAPE, Double.MIN_VALUE, x, null, null, y,
                f32(3), f32(3), null));
        for (double eps : new double[] {0.0, -1e-5, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertEquals("batchNormForward: eps must be positive and finite, got " + eps,
                    refused(() -> StorageChecks.batchNormForward(CPU, SHAPE, eps, x, null, null, y, f32(3), f32(3),
                            null)), "eps " + eps);
        }
    }

    @Test
    void batchNormBackwardNamesEachMissingOrWrongOperand() {
        Storage dy = f32(24);
        Storage x = f32(24);
        Storage mean = f32(3);
        Storage var = f32(3);
        // any one output is enough
        assertDoesNotThrow(() -> StorageChecks.batchNormBackward(CPU, SHAPE, 1e-5, dy, x, mean, var, null, f32(24),
                null, null), "dx only");
        assertDoesNotThrow(() -> StorageChecks.batchNormBackward(CPU, SHAPE, 1e-5, dy, x, mean, var, null, null,
                f32(3), null), "dWeight only");
        assertDoesNotThrow(() -> StorageChecks.batchNormBackward(CPU, SHAPE, 1e-5, dy, x, mean, var, null, null,
                null, f32(3)), "dBias only");
        assertEquals("batchNormBackward: dx, dWeight and dBias are all null: nothing to compute",
                refused(() -> StorageChecks.batchNormBackward(CPU, SHAPE, 1e-5, dy, x, mean, var, null, null, null,
                        null)));
        Storage dx = f32(24);
        assertEquals("batchNormBackward: dy is null", refused(() -> StorageChecks.batchNormBackward(CPU, SHAPE, 1e-5,
                null, x, mean, var, null, dx, null, null)));
        assertEquals("batchNormBackward: x is null", refused(() -> StorageChecks.batchNormBackward(CPU, SHAPE, 1e-5,
                dy, null, mean, var, null, dx, null, null)));
        assertEquals("batchNormBackward: mean is null", refused(() -> StorageChecks.batchNormBackward(CPU, SHAPE,
                1e-5, dy, x, null, var, null, dx, null, null)));
        assertEquals("batchNormBackward: var is null", refused(() -> StorageChecks.batchNormBackward(CPU, SHAPE,
                1e-5, dy, x, mean, null, null, dx, null, null)));
        assertEquals("batchNormBackward: dBias has 2 elements, " + SHAPE + " needs 3",
                refused(() -> StorageChecks.batchNormBackward(CPU, SHAPE, 1e-5, dy, x, mean, var, null, dx, null,
                        f32(2))));
        assertEquals("batchNormBackward: dx is float64, the other operands float32",
                refused(() -> StorageChecks.batchNormBackward(CPU, SHAPE, 1e-5, dy, x, mean, var, null,
                        CPU.allocate(DType.FLOAT64, 24, Lifetime.AUTOMATIC), null, null)));
    }

    /**
     * {@link Storage} is a public record, so a caller can build a CPU storage over any segment: one shorter than its
     * elements or over a Java array is refused by name (OpenBLAS would have read past the first; a conv over an 8-byte
     * segment for 108 floats ran without an error).
     */
    @Test
    void aCpuStorageMustBeNativeMemoryOfItsSize() {
        try (Arena arena = Arena.ofConfined()) {
            Storage shortSegment = new Storage(CPU, DType.FLOAT32, 108, Arena.ofAuto().allocate(8), Lifetime.AUTOMATIC);
            assertEquals("fill: a 108 x float32 storage on the CPU needs 432 bytes, its segment has 8",
                    refused(() -> CPU.fill(shortSegment, 1)));
            Storage x = f32(2 * 3 * 5 * 6);
            Storage y = f32(2 * 4 * 5 * 6);
            ConvGeometry g = new ConvGeometry(2, 3, 5, 6, 4, 3, 3, 1, 1, 1, 1);
            assertEquals("conv2dForward: a 108 x float32 storage on the CPU needs 432 bytes, its segment has 8",
                    refused(() -> CPU.conv2dForward(x, shortSegment, y, g)));
            Storage heap = new Storage(CPU, DType.FLOAT32, 108, MemorySegment.ofArray(new float[108]),
                    Lifetime.AUTOMATIC);
            assertEquals("conv2dForward: a 108 x float32 storage on the CPU is a heap segment (a Java array); CPU"
                    + " storage must be native memory: allocate it with the backend, or copy the array in with"
                    + " copyFromHost", refused(() -> CPU.conv2dForward(x, heap, y, g)));
            OptimizerHyper sgd = OptimizerHyper.sgd(0.1, 0, WeightDecayMode.NONE);
            assertEquals("optimizerStep slot 0 grad: a 108 x float32 storage on the CPU needs 432 bytes, its segment"
                    + " has 8", refused(() -> CPU.optimizerStep(sgd,
                            List.of(new ParamSlot(f32(108), shortSegment, null, null, 1, CentringView.NONE)), null)));
            Storage confined = new Storage(CPU, DType.FLOAT32, 2, arena.allocate(8), Lifetime.AUTOMATIC);
            assertEquals("fill: a 2 x float32 storage on the CPU is confined to one thread (Arena.ofConfined); the"
                    + " backend's worker threads access it too: use a shared, global or automatic arena",
                    refused(() -> CPU.fill(confined, 1)));
        }
        try (Arena shared = Arena.ofShared()) {
            Storage exact = new Storage(CPU, DType.FLOAT32, 2, shared.allocate(8), Lifetime.AUTOMATIC);
            assertDoesNotThrow(() -> CPU.fill(exact, 1), "shared native memory of exactly its size");
        }
    }

    /** Each operand of matmul is named with what its sizes reach; sizes of 0 reach nothing. */
    @Test
    void matmulSizesNameTheOperandAndWhatItsSizesNeed() {
        assertEquals("mm: b holds 5 elements, 3 matrices of [2, 3] 0 apart need 6",
                refused(() -> StorageChecks.matmulSizes("mm", f32(12), 4, f32(5), 0, f32(18), 3, 2, 3, 2)));
        assertEquals("mm: a holds 4 elements, 3 matrices of [2, 2] 4 apart need 12",
                refused(() -> StorageChecks.matmulSizes("mm", f32(4), 4, f32(6), 0, f32(18), 3, 2, 3, 2)));
        assertEquals("mm: a holds 4 elements, 2 matrices of [2, 2] " + Long.MAX_VALUE + " apart need "
                + Long.MAX_VALUE, refused(() -> StorageChecks.matmulSizes("mm", f32(4), Long.MAX_VALUE, f32(6), 0,
                        f32(18), 2, 2, 3, 2)));
        assertEquals("mm: negative size batch=1 m=2 n=-3 k=2",
                refused(() -> StorageChecks.matmulSizes("mm", f32(4), 0, f32(6), 0, f32(6), 1, 2, -3, 2)));
        assertDoesNotThrow(() -> StorageChecks.matmulSizes("mm", f32(0), 0, f32(0), 0, f32(0), 0, 5, 5, 5));
        assertDoesNotThrow(() -> StorageChecks.matmulSizes("mm", f32(0), 0, f32(0), 0, f32(12), 3, 2, 2, 0));
        assertDoesNotThrow(() -> StorageChecks.matmulSizes("mm", f32(12), 4, f32(6), 0, f32(18), 3, 2, 3, 2));
    }

    /**
     * The strided calls refuse an offset or stride that would reach past a storage, naming the call, the operand and
     * the range: before, the CPU failed inside its loops with the FFM's "Out of bound access on segment", naming
     * neither (and a GPU kernel would have written past the allocation).
     */
    @Test
    void stridedCallsRefuseStridesThatReachPastAStorage() {
        Storage x = f32(180);
        Storage y = f32(72);
        assertEquals("copyStrided: dst (offset 0, strides [1], shape [180]) reaches elements [0, 179], the storage"
                + " holds 72", refused(() -> CPU.copyStrided(x, 0, new long[] {1}, y, 0, new long[] {1},
                        new long[] {180})));
        assertEquals("copyStrided: src (offset 3, strides [-2], shape [3]) reaches elements [-1, 3], the storage"
                + " holds 72", refused(() -> CPU.copyStrided(y, 3, new long[] {-2}, y, 10, new long[] {1},
                        new long[] {3})));
        assertEquals("binary ADD: b (offset 0, strides [0, 1], shape [2, 90]) reaches elements [0, 89], the storage"
                + " holds 72", refused(() -> CPU.binary(BinaryOp.ADD, x, new long[] {90, 1}, y, new long[] {0, 1}, x,
                        new long[] {2, 90})));
        assertEquals("binary ADD: out (offset 0, strides [90, 1], shape [2, 90]) reaches elements [0, 179], the"
                + " storage holds 72", refused(() -> CPU.binary(BinaryOp.ADD, x, new long[] {90, 1}, x,
                        new long[] {90, 1}, y, new long[] {2, 90})));
        assertEquals("binary ADD: a strides [1] of rank 1 for shape [2, 90] of rank 2", refused(() -> CPU.binary(
                BinaryOp.ADD, x, new long[] {1}, x, new long[] {90, 1}, x, new long[] {2, 90})));
        assertEquals("where: b (offset 0, strides [1], shape [180]) reaches elements [0, 179], the storage holds 72",
                refused(() -> CPU.where(x, new long[] {1}, x, new long[] {1}, y, new long[] {1}, x,
                        new long[] {180})));
        assertDoesNotThrow(() -> CPU.copyStrided(y, 0, new long[] {1}, y, 0, new long[] {1}, new long[] {0}),
                "an empty shape reaches nothing");
        assertDoesNotThrow(() -> CPU.copyStrided(y, 71, new long[] {-1}, x, 0, new long[] {1}, new long[] {72}),
                "a reversed walk over the whole storage");
        assertDoesNotThrow(() -> CPU.copyStrided(y, 71, new long[0], x, 179, new long[0], new long[0]),
                "one element at the last offset");
        assertDoesNotThrow(() -> StorageChecks.stridedReach("t", "x", y, 99, new long[] {4, 1}, new long[] {3, 0}),
                "an empty space reaches nothing, at any offset");
    }

    /** reduce names the shape, the axes and both storages' sizes when they do not fit each other. */
    @Test
    void reduceRefusesStoragesThatDoNotFitTheShape() {
        assertEquals("reduce SUM: x of shape [2, 3, 5, 7] needs 210 elements and out, over axes [1], 70; the storages"
                + " hold 180 and 70", refused(() -> CPU.reduce(ReduceOp.SUM, f32(180), new long[] {2, 3, 5, 7},
                        new int[] {1}, f32(70))));
        assertEquals("reduce MEAN: x of shape [2, 3] needs 6 elements and out, over axes [0], 3; the storages hold 6"
                + " and 2", refused(() -> CPU.reduce(ReduceOp.MEAN, f32(6), new long[] {2, 3}, new int[] {0},
                        f32(2))));
        assertEquals("reduce MAX: bad axes [0, 0] for shape [2, 3]", refused(() -> CPU.reduce(ReduceOp.MAX, f32(6),
                new long[] {2, 3}, new int[] {0, 0}, f32(3))));
        assertDoesNotThrow(() -> CPU.reduce(ReduceOp.SUM, f32(6), new long[] {2, 3}, new int[] {1, 0}, f32(1)));
    }
}
