package io.gcgan.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.gcgan.backend.Backend;
import io.gcgan.backend.Storage;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * squaredNorm on CUDA (kernels/src/norm.cu) against the CPU backend on the same values: lists of 1, 3 and 300
 * storages with sizes 0, 1, odd, around the kernels' 16384-element chunks and about 5M; both dtypes. The result is
 * written to element 0 of a NaN-filled two-element storage, whose element 1 must stay NaN. A compensated float64
 * loop over the host values (accurate to about one ulp) is a second reference.
 *
 * <p>Tolerance: relative to the value (every term is a square, so there is no cancellation): 1e-6 for float32 (both
 * backends accumulate in float64 and round once, so they differ at most where the double sums round to neighbouring
 * floats) and 1e-12 for float64 (the backends add in different orders).
 *
 * <p>Determinism: two CUDA runs give the same bits (no atomics; the chunk plan and every addition's order depend only
 * on the sizes). 300 storages take two launches of the chunk kernel (256 storages per launch).
 */
@GpuTest
class CudaSquaredNormTest {

    /** The kernels' chunk: sizes around it put chunk boundaries at and near the storages' ends. */
    static final int CHUNK = 16384;

    /** Named size lists: one storage, three, and 300 (with empty ones among them). */
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (DType dtype : DType.values()) {
            out.add(Arguments.of(dtype, "one element", new long[] {1}));
            out.add(Arguments.of(dtype, "one chunk exactly", new long[] {CHUNK}));
            out.add(Arguments.of(dtype, "one large odd", new long[] {5_000_003}));
            out.add(Arguments.of(dtype, "three: empty, one, chunk + 1", new long[] {0, 1, CHUNK + 1}));
            out.add(Arguments.of(dtype, "three: odd, large, empty", new long[] {3, 4_999_999, 0}));
            out.add(Arguments.of(dtype, "three around a chunk", new long[] {CHUNK - 1, 2 * CHUNK + 3, 4097}));
            out.add(Arguments.of(dtype, "300 small and odd", manySizes(300, 3000)));
            out.add(Arguments.of(dtype, "300 with large ones", manySizes(300, 40_000)));
        }
        return out.stream();
    }

    /** n sizes in [1, max), every 25th 0 (so more than 256 storages have elements: two launches). */
    static long[] manySizes(int n, int max) {
        Random rnd = new Random(n * 31L + max);
        long[] sizes = new long[n];
        for (int i = 0; i < n; i++) {
            sizes[i] = i % 25 == 0 ? 0 : 1 + rnd.nextInt(max - 1);
        }
        return sizes;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void matchesTheCpu(DType dtype, String name, long[] sizes) {
        String what = "squaredNorm " + dtype.displayName() + " " + name + " (" + sizes.length + " storages)";
        double[][] values = values(what, dtype, sizes);
        double rtol = dtype == DType.FLOAT32 ? 1e-6 : 1e-12;
        try (TensorScope scope = TensorScope.open()) {
            double cpu = run(Gpu.cpu(), dtype, values, scope)[0];
            double[] cuda = run(Gpu.cuda(), dtype, values, scope);
            double naive = Data.round(dtype, compensatedSumOfSquares(values));
            assertTrue(Double.isNaN(cuda[1]), what + ": element 1 of out was written: " + cuda[1]);
            assertClose(what + " vs the CPU", cpu, cuda[0], rtol);
            assertClose(what + " vs a naive loop", naive, cuda[0], rtol);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dtypes")
    void resultsAreBitIdenticalRunToRun(DType dtype) {
        long[] sizes = manySizes(300, 40_000);
        sizes[7] = 5_000_001;
        String what = "squaredNorm determinism " + dtype.displayName();
        double[][] values = values(what, dtype, sizes);
        Backend cuda = Gpu.cuda();
        try (TensorScope scope = TensorScope.open()) {
            List<Storage> xs = upload(cuda, dtype, values, scope);
            long[] first = null;
            for (int run = 0; run < 3; run++) {
                Storage out = Gpu.poisoned(cuda, dtype, 1, scope);
                cuda.squaredNorm(xs, out);
                long[] bits = Gpu.readBits(out);
                if (first == null) {
                    first = bits;
                } else {
                    Check.bitwise(what + ": run " + (run + 1) + " vs run 1", dtype, first, bits);
                }
            }
        }
    }

    static Stream<DType> dtypes() {
        return Arrays.stream(DType.values());
    }

    /** An empty list, and a list of empty storages, give +0. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dtypes")
    void nothingToAddGivesZero(DType dtype) {
        Backend cuda = Gpu.cuda();
        try (TensorScope scope = TensorScope.open()) {
            Storage out = Gpu.poisoned(cuda, dtype, 1, scope);
            cuda.squaredNorm(List.of(), out);
            assertEquals(0L, Gpu.readBits(out)[0], "squaredNorm of an empty list: +0");
            Storage again = Gpu.poisoned(cuda, dtype, 1, scope);
            cuda.squaredNorm(List.of(cuda.allocate(dtype, 0, scope), cuda.allocate(dtype, 0, scope)), again);
            assertEquals(0L, Gpu.readBits(again)[0], "squaredNorm of empty storages: +0");
        }
    }

    /** out may be one of the storages read: it is written after every storage has been read. */
    @Test
    void outMayBeAnInput() {
        Backend cuda = Gpu.cuda();
        try (TensorScope scope = TensorScope.open()) {
            Storage a = Gpu.upload(cuda, DType.FLOAT64, new double[] {3, 4}, scope);
            Storage b = Gpu.upload(cuda, DType.FLOAT64, new double[] {12}, scope);
            cuda.squaredNorm(List.of(a, b), a);
            assertEquals(169.0, Gpu.read(a)[0], "9 + 16 + 144 into a[0]");
            assertEquals(4.0, Gpu.read(a)[1], "a[1] unchanged");
        }
    }

    @Test
    void mixedDtypesAreRejected() {
        Backend cuda = Gpu.cuda();
        try (TensorScope scope = TensorScope.open()) {
            Storage x32 = cuda.allocate(DType.FLOAT32, 5, scope);
            Storage x64 = cuda.allocate(DType.FLOAT64, 5, scope);
            Storage out32 = cuda.allocate(DType.FLOAT32, 1, scope);
            Storage out64 = cuda.allocate(DType.FLOAT64, 1, scope);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> cuda.squaredNorm(List.of(x32, x64), out32));
            assertEquals("squaredNorm: storage 1 is float64, out is float32", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> cuda.squaredNorm(List.of(x32), out64));
            assertEquals("squaredNorm: storage 0 is float32, out is float64", e.getMessage());
            Storage empty = cuda.allocate(DType.FLOAT32, 0, scope);
            e = assertThrows(IllegalArgumentException.class, () -> cuda.squaredNorm(List.of(x32), empty));
            assertTrue(e.getMessage().contains("out has no element"), e.getMessage());
        }
    }

    @Test
    void storagesOfAnotherBackendAreRejected() {
        assumeFalse(Gpu.SELF_TEST, "the CPU stands in for CUDA: there is no other backend to mix in");
        Backend cuda = Gpu.cuda();
        try (TensorScope scope = TensorScope.open()) {
            Storage x = cuda.allocate(DType.FLOAT32, 5, scope);
            Storage out = cuda.allocate(DType.FLOAT32, 1, scope);
            Storage cpuX = Gpu.cpu().allocate(DType.FLOAT32, 5, scope);
            Storage cpuOut = Gpu.cpu().allocate(DType.FLOAT32, 1, scope);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> cuda.squaredNorm(List.of(x, cpuX), out));
            assertTrue(e.getMessage().startsWith("squaredNorm storage 1: storage belongs to cpu"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> cuda.squaredNorm(List.of(x), cpuOut));
            assertTrue(e.getMessage().startsWith("squaredNorm out: storage belongs to cpu"), e.getMessage());
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** Values in [-1, 1) rounded to the dtype, per storage; a few larger ones so that the terms differ in size. */
    static double[][] values(String caseName, DType dtype, long[] sizes) {
        Random rnd = Data.random(caseName);
        double[][] out = new double[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            out[i] = Data.uniform(rnd, Math.toIntExact(sizes[i]), -1, 1, dtype);
            for (int k = 0; k < out[i].length; k += 997) {
                out[i][k] = Data.round(dtype, out[i][k] * 1000);
            }
        }
        return out;
    }

    static List<Storage> upload(Backend backend, DType dtype, double[][] values, TensorScope scope) {
        List<Storage> xs = new ArrayList<>();
        for (double[] v : values) {
            xs.add(Gpu.upload(backend, dtype, v, scope));
        }
        return xs;
    }

    /** squaredNorm of the values on {@code backend} into a NaN-filled two-element out; both elements read back. */
    static double[] run(Backend backend, DType dtype, double[][] values, TensorScope scope) {
        List<Storage> xs = upload(backend, dtype, values, scope);
        Storage out = Gpu.poisoned(backend, dtype, 2, scope);
        backend.squaredNorm(xs, out);
        return Gpu.read(out);
    }

    /** The sum of the squares of all values, Neumaier's compensated summation with exact products (Math.fma). */
    static double compensatedSumOfSquares(double[][] values) {
        double sum = 0;
        double compensation = 0;
        for (double[] v : values) {
            for (double x : v) {
                double square = x * x;
                double squareError = Math.fma(x, x, -square);
                for (double term : new double[] {square, squareError}) {
                    double t = sum + term;
                    compensation += Math.abs(sum) >= Math.abs(term) ? (sum - t) + term : (term - t) + sum;
                    sum = t;
                }
            }
        }
        return sum + compensation;
    }

    static void assertClose(String what, double ref, double got, double rtol) {
        double allowed = rtol * Math.abs(ref);
        assertTrue(Math.abs(got - ref) <= allowed, () -> what + ": got " + got + ", want " + ref + " (|difference| "
                + Math.abs(got - ref) + " > allowed " + allowed + ")");
    }
}
