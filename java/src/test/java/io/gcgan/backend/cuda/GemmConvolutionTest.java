package io.gcgan.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.ConvGeometry;
import io.gcgan.backend.Lifetime;
import io.gcgan.backend.ScopedLifetime;
import io.gcgan.backend.Storage;
import io.gcgan.backend.cpu.CpuBackend;
import io.gcgan.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link GemmConvolution}'s composition (im2col, one GEMM per pass, the swaps of the first two dimensions, col2im)
 * run on the CPU backend with a plain Java im2col written from gcgan_kernels.h's layout, against the CPU backend's
 * own convolutions: a wrong GEMM orientation, transpose or swap shows here without a GPU. The CUDA kernels behind
 * {@link KernelIm2col} are checked on the host by kernels/dev/host_selfcheck.cpp and on a GPU by CudaConvTest.
 */
class GemmConvolutionTest {

    private static final CpuBackend CPU = CpuBackend.instance();

    /** What {@link #walk} calls for every col element: its index in col and that of its x element, -1 in padding. */
    private interface ColVisitor {
        void visit(long colIndex, long xIndex);
    }

    /** Every element of col [crs, npq] in row order with the x [n, c, h, w] element it copies (gcgan_kernels.h). */
    private static void walk(ConvGeometry g, ColVisitor v) {
        long npq = (long) g.n() * g.p() * g.q();
        for (int c = 0; c < g.c(); c++) {
            for (int r = 0; r < g.r(); r++) {
                for (int s = 0; s < g.s(); s++) {
                    long row = ((long) c * g.r() + r) * g.s() + s;
                    for (int n = 0; n < g.n(); n++) {
                        for (int p = 0; p < g.p(); p++) {
                            for (int q = 0; q < g.q(); q++) {
                                int y = p * g.strideH() - g.padH() + r;
                                int x = q * g.strideW() - g.padW() + s;
                                boolean inside = y >= 0 && y < g.h() && x >= 0 && x < g.w();
                                v.visit(row * npq + ((long) n * g.p() + p) * g.q() + q,
                                        inside ? (((long) n * g.c() + c) * g.h() + y) * g.w() + x : -1);
                            }
                        }
                    }
                }
            }
        }
    }

    /** im2col and col2im over host storages, element by element, exactly as gcgan_kernels.h defines them. */
    private static final GemmConvolution.Im2col JAVA_IM2COL = new GemmConvolution.Im2col() {
        @Override
        public void im2col(Storage x, Storage col, ConvGeometry g) {
            walk(g, (at, from) -> set(col, at, from < 0 ? 0 : get(x, from)));
        }

        @Override
        public void col2im(Storage col, Storage dx, ConvGeometry g) {
            for (long i = 0; i < dx.numel(); i++) {
                set(dx, i, 0);
            }
            walk(g, (at, to) -> {
                if (to >= 0) {
                    set(dx, to, get(dx, to) + get(col, at));
                }
            });
        }
    };

    private static double get(Storage s, long i) {
        MemorySegment m = s.segment();
        return s.dtype() == DType.FLOAT32
                ? m.getAtIndex(ValueLayout.JAVA_FLOAT, i)
                : m.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
    }

    private static void set(Storage s, long i, double v) {
        MemorySegment m = s.segment();
        if (s.dtype() == DType.FLOAT32) {
            m.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) v);
        } else {
            m.setAtIndex(ValueLayout.JAVA_DOUBLE, i, v);
        }
    }

    private static Storage random(DType dtype, long n, Random rnd) {
        Storage s = CPU.allocate(dtype, n, Lifetime.AUTOMATIC);
        for (long i = 0; i < n; i++) {
            set(s, i, rnd.nextDouble() * 2 - 1);
        }
        return s;
    }

    static Stream<Arguments> geometries() {
        // n, c, h, w, k, r, s, stride_h, stride_w, pad_h, pad_w: DCGAN's 4x4 stride-2 layers (small), stride 1 with
        // padding 2, rectangular kernels and strides, one channel in or out, a kernel as large as the input.
        int[][] g = {
            {2, 3, 8, 8, 4, 4, 4, 2, 2, 1, 1},
            {3, 2, 5, 7, 3, 3, 3, 1, 1, 2, 2},
            {1, 1, 9, 6, 1, 2, 3, 3, 2, 0, 1},
            {2, 4, 4, 4, 5, 4, 4, 1, 1, 0, 0},
            {1, 5, 7, 5, 2, 3, 1, 2, 1, 1, 0},
        };
        Stream.Builder<Arguments> out = Stream.builder();
        for (int[] v : g) {
            ConvGeometry geometry = new ConvGeometry(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]);
            for (DType dtype : DType.values()) {
                out.add(Arguments.of(geometry, dtype));
            }
        }
        return out.build();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("geometries")
    void everyPassEqualsTheCpuBackendsConvolution(ConvGeometry g, DType dtype) {
        Random rnd = new Random(g.hashCode() * 31L + dtype.ordinal());
        GemmConvolution gemm = new GemmConvolution(CPU, JAVA_IM2COL, ScopedLifetime::new);
        long xn = (long) g.n() * g.c() * g.h() * g.w();
        long wn = (long) g.k() * g.c() * g.r() * g.s();
        long yn = (long) g.n() * g.k() * g.p() * g.q();
        Storage x = random(dtype, xn, rnd);
        Storage w = random(dtype, wn, rnd);
        Storage dy = random(dtype, yn, rnd);
        double tol = dtype == DType.FLOAT32 ? 1e-5 : 1e-12;

        Storage y = random(dtype, yn, rnd); // overwritten
        Storage yRef = CPU.allocate(dtype, yn, Lifetime.AUTOMATIC);
        gemm.forward(x, w, y, g);
        CPU.conv2dForward(x, w, yRef, g);
        assertClose("forward " + g, yRef, y, tol);

        Storage dx = random(dtype, xn, rnd);
        Storage dxRef = CPU.allocate(dtype, xn, Lifetime.AUTOMATIC);
        gemm.backwardData(dy, w, dx, g);
        CPU.conv2dBackwardData(dy, w, dxRef, g);
        assertClose("backward-data " + g, dxRef, dx, tol);

        Storage dw = random(dtype, wn, rnd);
        Storage dwRef = CPU.allocate(dtype, wn, Lifetime.AUTOMATIC);
        gemm.backwardWeight(x, dy, dw, g);
        CPU.conv2dBackwardWeight(x, dy, dwRef, g);
        assertClose("backward-weight " + g, dwRef, dw, tol);
    }

    @Test
    void aGeometryBeyondAGemmDimensionIsRefusedByName() {
        // c*r*s = 2^31: more than one cuBLAS dimension holds; refused before anything is allocated.
        ConvGeometry g = new ConvGeometry(1, 1 << 27, 4, 4, 1, 4, 4, 1, 1, 0, 0);
        GemmConvolution gemm = new GemmConvolution(CPU, JAVA_IM2COL, ScopedLifetime::new);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> gemm.forward(null, null, null, g));
        assertTrue(e.getMessage().contains("c*r*s = 2147483648"), e.getMessage());
    }

    private static void assertClose(String what, Storage ref, Storage got, double tol) {
        assertEquals(ref.numel(), got.numel(), what);
        double max = 0;
        for (long i = 0; i < ref.numel(); i++) {
            max = Math.max(max, Math.abs(get(ref, i)));
        }
        for (long i = 0; i < ref.numel(); i++) {
            double d = Math.abs(get(ref, i) - get(got, i));
            assertTrue(d <= tol * Math.max(1, max), what + ": element " + i + " " + get(got, i) + " vs " + get(ref, i));
        }
    }
}
