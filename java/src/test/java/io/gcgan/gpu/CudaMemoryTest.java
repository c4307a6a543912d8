package io.gcgan.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.Backend;
import io.gcgan.backend.Storage;
import io.gcgan.gpu.Gpu.Twin;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.TensorScope;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The memory primitives on CUDA against the CPU: allocate, fill, copyFromHost/copyToHost (native and heap host
 * memory) and copyStrided (permute, slice, expand, concat, casts, writes into part of a buffer). These run first in
 * spirit: every other GPU test moves its data with them. Destinations are NaN-filled first; a copy into part of a
 * buffer must leave the rest NaN, on both backends alike.
 */
@GpuTest
class CudaMemoryTest {

    @Test
    void theBackendIsTheCudaDevice() {
        Backend cuda = Gpu.cuda();
        if (!Gpu.SELF_TEST) {
            assertEquals(Gpu.CUDA, cuda.device());
        }
        assertFalse(cuda.description().isBlank(), "description()");
        System.out.println("CUDA backend: " + cuda.description());
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void roundTripThroughNativeHostMemory(DType dtype) {
        for (int n : new int[] {1, 3, 1000, 65_537, 1_000_003}) {
            double[] values = Data.uniform(Data.random("roundtrip" + n), n, -1e3, 1e3, dtype);
            try (TensorScope scope = TensorScope.open()) {
                Storage s = Gpu.upload(Gpu.cuda(), dtype, values, scope);
                assertSame(Gpu.cuda(), s.backend(), "storage backend");
                assertEquals(n, s.numel());
                assertEquals(dtype, s.dtype());
                Check.exact("copyFromHost then copyToHost, " + n + " x " + dtype, values, Gpu.read(s));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void roundTripThroughHeapArrays(DType dtype) {
        // Tensor.toFloatArray and Tensor.of hand the backend heap segments (MemorySegment.ofArray).
        int n = 10_007;
        double[] values = Data.uniform(Data.random("heap"), n, -5, 5, dtype);
        try (TensorScope scope = TensorScope.open()) {
            Storage s = Gpu.cuda().allocate(dtype, n, scope);
            double[] back = new double[n];
            if (dtype == DType.FLOAT32) {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = (float) values[i];
                }
                Gpu.cuda().copyFromHost(MemorySegment.ofArray(f), s);
                float[] out = new float[n];
                Gpu.cuda().copyToHost(s, MemorySegment.ofArray(out));
                for (int i = 0; i < n; i++) {
                    back[i] = out[i];
                }
            } else {
                Gpu.cuda().copyFromHost(MemorySegment.ofArray(values.clone()), s);
                Gpu.cuda().copyToHost(s, MemorySegment.ofArray(back));
            }
            Check.exact("heap-array round trip, " + n + " x " + dtype, values, back);
        }
    }

    @Test
    void allocateZeroElements() {
        try (TensorScope scope = TensorScope.open()) {
            Storage s = Gpu.cuda().allocate(DType.FLOAT32, 0, scope);
            assertEquals(0, s.numel());
            Gpu.cuda().fill(s, 1.0);
            Gpu.cuda().synchronize();
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void fillWritesEveryElement(DType dtype) {
        for (long n : new long[] {1, 5, 4097, 3_000_001}) {
            for (double v : new double[] {0.1, -0.0, 0.0, 1e30, Double.NaN}) {
                try (TensorScope scope = TensorScope.open()) {
                    Storage s = Gpu.cuda().allocate(dtype, n, scope);
                    Gpu.cuda().fill(s, v == 0.1 ? -7.0 : 0.1); // something else first
                    Gpu.cuda().fill(s, v);
                    double expected = dtype == DType.FLOAT32 ? (double) (float) v : v;
                    double[] got = Gpu.read(s);
                    double[] want = new double[got.length];
                    Arrays.fill(want, expected);
                    Check.exact("fill(" + v + "), " + n + " x " + dtype, want, got);
                }
            }
        }
    }

    // ---- copyStrided ------------------------------------------------------------------------------------------

    /**
     * Runs one strided copy on both backends from the same source into NaN-filled destinations of dstNumel elements
     * and compares the whole destinations (NaN where nothing was written must agree too).
     */
    private static void strided(String name, DType srcType, DType dstType, double[] src, long srcOffset,
                                long[] srcStrides, long dstNumel, long dstOffset, long[] dstStrides, long[] shape) {
        try (TensorScope scope = TensorScope.open()) {
            Storage sCpu = Gpu.upload(Gpu.cpu(), srcType, src, scope);
            Storage sCuda = Gpu.upload(Gpu.cuda(), srcType, src, scope);
            Twin dst = Twin.poisoned(dstType, dstNumel, scope);
            Gpu.cpu().copyStrided(sCpu, srcOffset, srcStrides, dst.cpu(), dstOffset, dstStrides, shape);
            Gpu.cuda().copyStrided(sCuda, srcOffset, srcStrides, dst.cuda(), dstOffset, dstStrides, shape);
            String what = "copyStrided " + name + " " + srcType + "->" + dstType + " shape " + Data.shape(shape)
                    + " src+" + srcOffset + Arrays.toString(srcStrides) + " dst+" + dstOffset
                    + Arrays.toString(dstStrides);
            compareWithNaN(Data.numel(shape) > 0, what, Gpu.read(dst.cpu()), Gpu.read(dst.cuda()));
        }
    }

    /** Exact comparison where NaN (unwritten on the CPU too) must match NaN; the CPU must have written something. */
    private static void compareWithNaN(boolean written, String what, double[] ref, double[] got) {
        if (written) {
            assertTrue(Arrays.stream(ref).anyMatch(v -> !Double.isNaN(v)), what + ": the CPU reference wrote nothing");
        }
        Check.exact(what, ref, got);
    }

    private static double[] source(String name, long n, DType dtype) {
        return Data.uniform(Data.random(name), Math.toIntExact(n), -100, 100, dtype);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void contiguousCopy(DType dtype) {
        long[] shape = {1_000_003};
        strided("contiguous", dtype, dtype, source("contiguous", shape[0], dtype), 0, new long[] {1}, shape[0], 0,
                new long[] {1}, shape);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void permutations(DType dtype) {
        // [5, 7, 3] read as its (2, 0, 1) permutation [3, 5, 7]
        long[] src = {5, 7, 3};
        long[] ss = Data.denseStrides(src);
        long[] shape = {3, 5, 7};
        strided("permute(2,0,1)", dtype, dtype, source("perm3", 105, dtype), 0, new long[] {ss[2], ss[0], ss[1]},
                105, 0, Data.denseStrides(shape), shape);
        // NCHW [2, 3, 5, 7] -> NHWC [2, 5, 7, 3]
        long[] nchw = {2, 3, 5, 7};
        long[] ns = Data.denseStrides(nchw);
        long[] nhwc = {2, 5, 7, 3};
        strided("NCHW->NHWC", dtype, dtype, source("perm4", 210, dtype), 0, new long[] {ns[0], ns[2], ns[3], ns[1]},
                210, 0, Data.denseStrides(nhwc), nhwc);
        // a rank-5 transpose of the last two dimensions, with a batch dimension of 1
        long[] r5 = {2, 1, 3, 4, 33};
        long[] rs = Data.denseStrides(r5);
        long[] out = {2, 1, 3, 33, 4};
        strided("rank5 transpose", dtype, dtype, source("perm5", 792, dtype), 0,
                new long[] {rs[0], rs[1], rs[2], rs[4], rs[3]}, 792, 0, Data.denseStrides(out), out);
        // a large 2-D transpose (the matmul-free path of Tensor.transpose)
        long[] big = {513, 1031};
        strided("2-D transpose 513x1031", dtype, dtype, source("perm2", 513 * 1031, dtype), 0,
                new long[] {1, 1031}, 513 * 1031, 0, new long[] {513, 1}, new long[] {1031, 513});
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void slicesWithStepsAndOffsets(DType dtype) {
        // rows 3, 5, ..., 13 and columns 1, 4, 7, 10 of a [17, 13] matrix
        strided("slice", dtype, dtype, source("slice", 17 * 13, dtype), 3 * 13 + 1, new long[] {26, 3}, 24, 0,
                new long[] {4, 1}, new long[] {6, 4});
        // a rank-0 element at an offset, written at an offset
        strided("rank-0", dtype, dtype, source("rank0", 10, dtype), 7, new long[0], 5, 3, new long[0], new long[0]);
        // nothing to copy
        strided("empty", dtype, dtype, source("empty", 10, dtype), 0, new long[] {5, 1}, 10, 0, new long[] {5, 1},
                new long[] {0, 5});
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void expandWithZeroStrides(DType dtype) {
        strided("expand row", dtype, dtype, source("expand1", 7, dtype), 0, new long[] {0, 1}, 35, 0,
                new long[] {7, 1}, new long[] {5, 7});
        strided("expand scalar", dtype, dtype, source("expand0", 1, dtype), 0, new long[] {0, 0, 0}, 60, 0,
                new long[] {20, 5, 1}, new long[] {3, 4, 5});
        // a per-channel vector broadcast over a batch of images: [128] -> [4, 128, 7, 7]
        strided("expand channels", dtype, dtype, source("expandC", 128, dtype), 0, new long[] {0, 1, 0, 0},
                4 * 128 * 49, 0, Data.denseStrides(new long[] {4, 128, 7, 7}), new long[] {4, 128, 7, 7});
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void concatAndPartialWrites(DType dtype) {
        try (TensorScope scope = TensorScope.open()) {
            // dst [4, 9] = cat([4, 5], [4, 4], dim 1): after the first copy columns 5..8 are still NaN
            double[] a = source("catA", 20, dtype);
            double[] b = source("catB", 16, dtype);
            Twin sa = Twin.of(dtype, a, scope);
            Twin sb = Twin.of(dtype, b, scope);
            Twin dst = Twin.poisoned(dtype, 36, scope);
            long[] dstStrides = {9, 1};
            Gpu.cpu().copyStrided(sa.cpu(), 0, new long[] {5, 1}, dst.cpu(), 0, dstStrides, new long[] {4, 5});
            Gpu.cuda().copyStrided(sa.cuda(), 0, new long[] {5, 1}, dst.cuda(), 0, dstStrides, new long[] {4, 5});
            compareWithNaN(true, "cat: first part", Gpu.read(dst.cpu()), Gpu.read(dst.cuda()));
            Gpu.cpu().copyStrided(sb.cpu(), 0, new long[] {4, 1}, dst.cpu(), 5, dstStrides, new long[] {4, 4});
            Gpu.cuda().copyStrided(sb.cuda(), 0, new long[] {4, 1}, dst.cuda(), 5, dstStrides, new long[] {4, 4});
            double[] whole = Gpu.read(dst.cuda());
            assertTrue(Arrays.stream(whole).noneMatch(Double::isNaN), "cat: an element was left unwritten");
            Check.exact("cat: both parts", Gpu.read(dst.cpu()), whole);
        }
        // a [3, 4] block written into the middle of a [10, 10] buffer: the other 88 elements stay NaN
        strided("block into [10,10]", dtype, dtype, source("block", 12, dtype), 0, new long[] {4, 1}, 100, 25,
                new long[] {10, 1}, new long[] {3, 4});
    }

    @Test
    void castsBetweenDtypes() {
        Random rnd = Data.random("casts");
        int n = 100_003;
        double[] wide = new double[n];
        for (int i = 0; i < n; i++) {
            // values with many significant bits, and some halfway cases of float32 rounding
            wide[i] = i % 7 == 0 ? (1.0 + (2 * rnd.nextInt(1 << 20) + 1) * 0x1p-24) : rnd.nextGaussian() * 1e3;
        }
        strided("cast", DType.FLOAT64, DType.FLOAT32, wide, 0, new long[] {1}, n, 0, new long[] {1},
                new long[] {n});
        strided("cast", DType.FLOAT32, DType.FLOAT64, Data.uniform(rnd, n, -1e4, 1e4, DType.FLOAT32), 0,
                new long[] {1}, n, 0, new long[] {1}, new long[] {n});
        // cast and transpose at once
        strided("cast+transpose", DType.FLOAT64, DType.FLOAT32, source("castT", 77 * 31, DType.FLOAT64), 0,
                new long[] {1, 31}, 77 * 31, 0, new long[] {77, 1}, new long[] {31, 77});
    }
}
