package io.gcgan.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.cpu.CpuBackend;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.testutil.Close;
import io.gcgan.tensor.testutil.Data;
import io.gcgan.tensor.testutil.Host;
import io.gcgan.tensor.testutil.Ref;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CpuBackend memory primitives: allocate, fill, host copies and copyStrided (permute, slice with step, concat,
 * expand, casts, strided destinations). References map index tuples explicitly (Ref), never through strides.
 */
class CpuBackendMemoryTest {

    private static final CpuBackend B = CpuBackend.instance();
    private static final long[] SIZES = {0, 1, 7, 13, 40_000};

    /** Row-major strides, written out here so the tests do not depend on Shapes. */
    static long[] dense(long[] shape) {
        long[] st = new long[shape.length];
        long s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            st[d] = s;
            s *= shape[d];
        }
        return st;
    }

    static Stream<Arguments> dtypePairs() {
        return Stream.of(Arguments.of(DType.FLOAT32, DType.FLOAT32), Arguments.of(DType.FLOAT32, DType.FLOAT64),
                Arguments.of(DType.FLOAT64, DType.FLOAT32), Arguments.of(DType.FLOAT64, DType.FLOAT64));
    }

    // ---- allocate, fill, host copies ---------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(DType.class)
    void allocateIsAlignedAndSized(DType dt) {
        for (long n : SIZES) {
            Storage s = B.allocate(dt, n, Lifetime.AUTOMATIC);
            assertEquals(n, s.numel());
            assertEquals(dt, s.dtype());
            assertTrue(s.segment().byteSize() >= n * dt.byteSize(), "segment too small for " + n + " " + dt);
            assertEquals(0, s.segment().address() % CpuBackend.ALIGNMENT, "alignment of " + n + " " + dt);
        }
        assertThrows(IllegalArgumentException.class, () -> B.allocate(dt, -1, Lifetime.AUTOMATIC));
    }

    /**
     * Storages come from the C library (uninitialized, unlike Arena.allocate) but still belong to their lifetime:
     * writable over their whole extent while it is open, gone (access refused) once it closes.
     */
    @Test
    void allocationsLiveExactlyAsLongAsTheirScopedLifetime() {
        java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared();
        Lifetime scoped = new Lifetime() {
            @Override
            public java.lang.foreign.Arena arena() {
                return arena;
            }

            @Override
            public void onClose(Runnable release) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean scoped() {
                return true;
            }
        };
        Storage big = B.allocate(DType.FLOAT32, 3_000_001, scoped);
        Storage none = B.allocate(DType.FLOAT64, 0, scoped);
        assertEquals(0, big.segment().address() % CpuBackend.ALIGNMENT);
        assertEquals(3_000_001L * 4, big.segment().byteSize());
        assertEquals(0, none.segment().byteSize());
        B.fill(big, 2.5);
        assertEquals(2.5f, big.segment().getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, 3_000_000));
        arena.close();
        assertFalse(big.segment().scope().isAlive(), "the storage must be released with its lifetime");
        assertTrue(B.cachedBytes() >= 3_000_001L * 4, "its block is kept for the next storage of its size");
        B.releaseCachedMemory();
        // (the collector may hand back other tests' automatic-lifetime blocks meanwhile, never one this large)
        assertTrue(B.cachedBytes() < 3_000_001L * 4, "released: " + B.cachedBytes());
        assertThrows(IllegalStateException.class,
                () -> big.segment().getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, 0));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void fillSetsEveryElementRoundedToDtype(DType dt) {
        for (long n : SIZES) {
            for (double v : new double[] {0.1, -3.0, 1e40, Double.NEGATIVE_INFINITY, Double.NaN}) {
                Storage s = Host.poisoned(dt, n);
                if (Double.isNaN(v)) {
                    Host.write(s, Data.uniform(new Random(1), (int) n, -1, 1, dt));
                }
                B.fill(s, v);
                double expect = dt == DType.FLOAT32 ? (float) v : v;
                double[] ref = new double[(int) n];
                Arrays.fill(ref, expect);
                Close.assertExact("fill(" + v + ") of " + n + " " + dt, ref, Host.read(s));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void copyFromHostAndToHostRoundTrip(DType dt) {
        Random rnd = new Random(11);
        for (long n : SIZES) {
            double[] v = Data.uniform(rnd, (int) n, -5, 5, dt);
            MemorySegment heap = dt == DType.FLOAT32 ? MemorySegment.ofArray(toFloats(v)) : MemorySegment.ofArray(v.clone());
            Storage s = Host.poisoned(dt, n);
            B.copyFromHost(heap, s);
            Close.assertExact("copyFromHost " + n + " " + dt, v, Host.read(s));

            double[] w = Data.uniform(rnd, (int) n, -5, 5, dt);
            Host.write(s, w);
            if (dt == DType.FLOAT32) {
                float[] out = new float[(int) n];
                Arrays.fill(out, Float.NaN);
                B.copyToHost(s, MemorySegment.ofArray(out));
                Close.assertExact("copyToHost " + n + " " + dt, w, toDoubles(out));
            } else {
                double[] out = new double[(int) n];
                Arrays.fill(out, Double.NaN);
                B.copyToHost(s, MemorySegment.ofArray(out));
                Close.assertExact("copyToHost " + n + " " + dt, w, out);
            }
        }
    }

    // ---- copyStrided -------------------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("dtypePairs")
    void copyStridedPermute(DType from, DType to) {
        Random rnd = new Random(21);
        for (int trial = 0; trial < 60; trial++) {
            int rank = trial % 5;
            long[] shape = Data.shape(rnd, rank);
            checkPermute(rnd, from, to, shape, Data.permutation(rnd, rank));
        }
        checkPermute(rnd, from, to, new long[] {64, 33, 17}, new int[] {2, 0, 1}); // parallel rows
        checkPermute(rnd, from, to, new long[] {1, 1, 7, 1}, new int[] {3, 2, 0, 1});
    }

    private static void checkPermute(Random rnd, DType from, DType to, long[] shape, int[] perm) {
        int rank = shape.length;
        long[] out = new long[rank];
        long[] src = dense(shape);
        long[] srcStrides = new long[rank];
        for (int i = 0; i < rank; i++) {
            out[i] = shape[perm[i]];
            srcStrides[i] = src[perm[i]];
        }
        double[] x = Data.uniform(rnd, Data.n(shape), -10, 10, from);
        double[] ref = new double[Data.n(out)];
        Ref.forEach(out, t -> {
            long[] s = new long[rank];
            for (int i = 0; i < rank; i++) {
                s[perm[i]] = t[i];
            }
            ref[Ref.flat(t, out)] = x[Ref.flat(s, shape)];
        });
        Storage xs = Host.of(from, x);
        Storage ys = Host.poisoned(to, ref.length);
        B.copyStrided(xs, 0, srcStrides, ys, 0, dense(out), out);
        Close.assertExact("permute " + Arrays.toString(shape) + " by " + Arrays.toString(perm) + " " + from + "->" + to,
                Ref.round(to, ref), Host.read(ys));
    }

    @ParameterizedTest
    @MethodSource("dtypePairs")
    void copyStridedSliceWithStep(DType from, DType to) {
        Random rnd = new Random(22);
        for (int trial = 0; trial < 60; trial++) {
            int rank = 1 + trial % 4;
            long[] shape = Data.shape(rnd, rank);
            int d = rnd.nextInt(rank);
            shape[d] += 3 + rnd.nextInt(9);
            long start = rnd.nextInt((int) shape[d]);
            long step = 1 + rnd.nextInt(3);
            long avail = (shape[d] - start + step - 1) / step;
            long len = 1 + rnd.nextInt((int) avail);
            long[] out = shape.clone();
            out[d] = len;
            long[] st = dense(shape);
            long offset = start * st[d];
            st[d] *= step;
            double[] x = Data.uniform(rnd, Data.n(shape), -10, 10, from);
            double[] ref = new double[Data.n(out)];
            Ref.forEach(out, t -> {
                long[] s = t.clone();
                s[d] = start + step * t[d];
                ref[Ref.flat(t, out)] = x[Ref.flat(s, shape)];
            });
            Storage ys = Host.poisoned(to, ref.length);
            B.copyStrided(Host.of(from, x), offset, st, ys, 0, dense(out), out);
            Close.assertExact("slice dim " + d + " of " + Arrays.toString(shape) + " start " + start + " step " + step
                    + " len " + len, Ref.round(to, ref), Host.read(ys));
        }
    }

    @ParameterizedTest
    @MethodSource("dtypePairs")
    void copyStridedConcatAtOffsets(DType from, DType to) {
        Random rnd = new Random(23);
        for (int trial = 0; trial < 40; trial++) {
            int rank = 1 + trial % 4;
            long[] base = Data.shape(rnd, rank);
            int d = rnd.nextInt(rank);
            long[][] parts = new long[3][];
            long total = 0;
            for (int p = 0; p < 3; p++) {
                parts[p] = base.clone();
                parts[p][d] = 1 + rnd.nextInt(4);
                total += parts[p][d];
            }
            long[] out = base.clone();
            out[d] = total;
            long[] os = dense(out);
            Storage ys = Host.poisoned(to, Ref.numel(out));
            double[] ref = new double[Data.n(out)];
            Arrays.fill(ref, Double.NaN);
            long at = 0;
            for (int p = 0; p < 3; p++) {
                long[] ps = parts[p];
                double[] x = Data.uniform(rnd, Data.n(ps), -10, 10, from);
                long off = at;
                Ref.forEach(ps, t -> {
                    long[] o = t.clone();
                    o[d] += off;
                    ref[Ref.flat(o, out)] = to == DType.FLOAT32 ? (float) x[Ref.flat(t, ps)] : x[Ref.flat(t, ps)];
                });
                B.copyStrided(Host.of(from, x), 0, dense(ps), ys, at * os[d], os, ps);
                // Parts not yet copied must still be NaN: the copy wrote exactly its own block.
                Close.assertExact("concat part " + p + " of " + Arrays.toString(out) + " along " + d, ref, Host.read(ys));
                at += ps[d];
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dtypePairs")
    void copyStridedExpandWithZeroStrides(DType from, DType to) {
        Random rnd = new Random(24);
        for (int trial = 0; trial < 60; trial++) {
            int rank = trial % 5;
            long[] shape = Data.shape(rnd, rank);
            int lead = rnd.nextInt(3);
            long[] target = new long[rank + lead];
            for (int i = 0; i < lead; i++) {
                target[i] = 1 + rnd.nextInt(4);
            }
            long[] src = dense(shape);
            long[] st = new long[target.length];
            for (int i = 0; i < rank; i++) {
                target[lead + i] = shape[i] == 1 ? 1 + 2 * rnd.nextInt(3) : shape[i];
                st[lead + i] = shape[i] == 1 ? 0 : src[i];
            }
            double[] x = Data.uniform(rnd, Data.n(shape), -10, 10, from);
            double[] ref = Ref.expand(x, shape, target);
            Storage ys = Host.poisoned(to, ref.length);
            B.copyStrided(Host.of(from, x), 0, st, ys, 0, dense(target), target);
            Close.assertExact("expand " + Arrays.toString(shape) + " to " + Arrays.toString(target),
                    Ref.round(to, ref), Host.read(ys));
        }
    }

    /** Host copies refuse a segment too small, read-only, or a Java array of another element type, by name. */
    @Test
    void hostCopiesCheckTheSegmentAndNameWhatIsWrong() {
        try (ScopedLifetime scope = new ScopedLifetime()) {
            Storage s = B.allocate(DType.FLOAT32, 4, scope);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> B.copyFromHost(MemorySegment.ofArray(new float[3]), s));
            assertEquals("copyFromHost: the host segment has 12 bytes, the storage needs 16 (4 x float32)",
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> B.copyToHost(s, MemorySegment.ofArray(new float[2])));
            assertEquals("copyToHost: the host segment has 8 bytes, the storage holds 16 (4 x float32)",
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> B.copyFromHost(MemorySegment.ofArray(new double[4]), s));
            assertEquals("copyFromHost: a double[] host array for a 4 x float32 storage (its bytes would be"
                    + " reinterpreted, not converted): use a float[] or a segment of bytes", e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> B.copyToHost(s, MemorySegment.ofArray(new float[4]).asReadOnly()));
            assertEquals("copyToHost: the host segment is read-only", e.getMessage());
            B.copyFromHost(MemorySegment.ofArray(new byte[16]), s); // raw bytes in the storage's layout
        }
    }

    /** A long contiguous copy (one row, cut into pieces for the cores) and a two-row gather at a stride. */
    @Test
    void copyStridedOfLongRows() {
        double[] src = new double[2 * 70001];
        for (int i = 0; i < src.length; i++) {
            src[i] = i * 0.5 - 7;
        }
        Storage s = Host.of(DType.FLOAT64, src);
        Storage all = Host.poisoned(DType.FLOAT32, src.length);
        B.copyStrided(s, 0, new long[] {1}, all, 0, new long[] {1}, new long[] {src.length});
        double[] got = Host.read(all);
        for (int i = 0; i < src.length; i++) {
            assertEquals((float) src[i], got[i], 0.0, "element " + i);
        }
        Storage every2nd = Host.poisoned(DType.FLOAT64, 70001);
        B.copyStrided(s, 1, new long[] {2}, every2nd, 0, new long[] {1}, new long[] {70001});
        double[] odd = Host.read(every2nd);
        for (int i = 0; i < odd.length; i++) {
            assertEquals(src[2 * i + 1], odd[i], 0.0, "element " + i);
        }
    }

    @Test
    void copyStridedIntoStridedWindowLeavesTheRestUntouched() {
        for (DType dt : DType.values()) {
            // src [3, 4] written transposed into rows 1..4, columns 2..4 of a [6, 7] destination.
            double[] x = Data.uniform(new Random(25), 12, -1, 1, dt);
            Storage ys = Host.poisoned(dt, 42);
            B.copyStrided(Host.of(dt, x), 0, new long[] {4, 1}, ys, 7 + 2, new long[] {1, 7}, new long[] {3, 4});
            double[] ref = new double[42];
            Arrays.fill(ref, Double.NaN);
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 4; j++) {
                    ref[(1 + j) * 7 + (2 + i)] = x[i * 4 + j];
                }
            }
            Close.assertAllClose("strided window " + dt, new long[] {6, 7}, ref, Host.read(ys), 0, 0);
        }
    }

    @Test
    void castsRoundToNearestAndKeepSpecials() {
        double[] v = {0.1, -1.0 / 3, 1e-50, -1e-50, 1e40, -1e40, 3.4028235677973366e38, Double.NaN,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, 1.0000000596046448, 16777217.0, 1e-45};
        long[] shape = {v.length};
        Storage f64 = Host.of(DType.FLOAT64, v);
        Storage f32 = Host.poisoned(DType.FLOAT32, v.length);
        B.copyStrided(f64, 0, new long[] {1}, f32, 0, new long[] {1}, shape);
        double[] ref32 = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            ref32[i] = (float) v[i];
        }
        Close.assertExact("float64 -> float32", ref32, Host.read(f32));
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits((float) Host.read(f32)[11]), "-0 kept");

        Storage back = Host.poisoned(DType.FLOAT64, v.length);
        B.copyStrided(f32, 0, new long[] {1}, back, 0, new long[] {1}, shape);
        Close.assertExact("float32 -> float64 is exact", ref32, Host.read(back));
    }

    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    private static double[] toDoubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
