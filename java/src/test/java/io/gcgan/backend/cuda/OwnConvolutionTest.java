package io.gcgan.backend.cuda;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gcgan.backend.ConvGeometry;
import io.gcgan.bindings.kernels.GcganKernelException;
import io.gcgan.bindings.kernels.GcganKernels;
import io.gcgan.bindings.kernels.GcganKernelsLoader;
import io.gcgan.tensor.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * {@link OwnConvolution} where no GPU is needed: the geometry struct it writes, and the gcgan_conv2d_* entry points'
 * argument checks (they happen before any CUDA call, so the pointers here are never dereferenced), mapped to
 * {@link GcganKernelException}s that name the call, the geometry and the problem. Skipped where libgcgan_kernels is
 * not built. The numerics are checked on a GPU by io.gcgan.gpu.CudaOwnConvTest.
 */
class OwnConvolutionTest {

    private static final MemorySegment FAKE = MemorySegment.ofAddress(4096); // never dereferenced

    private static void requireLibrary() {
        var failure = GcganKernelsLoader.library().loadFailure();
        assumeTrue(failure.isEmpty(), () -> "libgcgan_kernels is not built: " + failure.get().getMessage());
    }

    @Test
    void geometryStructHoldsTheFieldsInHeaderOrder() {
        ConvGeometry g = new ConvGeometry(2, 3, 5, 7, 11, 4, 3, 2, 3, 1, 2);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(GcganKernels.gcgan_conv_geometry$layout());
            OwnConvolution.writeGeometry(s, g);
            long[] want = {2, 3, 5, 7, 11, 4, 3, 2, 3, 1, 2};
            assertEquals(want.length * 8L, s.byteSize());
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], s.getAtIndex(JAVA_LONG, i), "field " + i);
            }
        }
    }

    /** Calls the pass with geometry g (via the struct), expects `status` and returns the exception's message. */
    private static String rejected(OwnConvolution.Pass pass, DType dtype, ConvGeometry g, MemorySegment a,
                                   MemorySegment b, MemorySegment out, int flags, int status) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(GcganKernels.gcgan_conv_geometry$layout());
            OwnConvolution.writeGeometry(s, g);
            int got = OwnConvolution.call(pass, dtype, a, b, out, s, flags, MemorySegment.NULL);
            assertEquals(status, got, pass + " " + dtype + " " + g);
            GcganKernelException e = assertThrows(GcganKernelException.class,
                    () -> OwnConvolution.check(got, pass, dtype, g, flags));
            String name = OwnConvolution.callName(pass, dtype);
            assertTrue(e.getMessage().contains(name + "(" + g + ", flags " + flags + ")"), e.getMessage());
            assertTrue(e.nativeMessage().startsWith(name + ": "), e.nativeMessage());
            return e.nativeMessage();
        }
    }

    @Test
    void tf32FlagOnlyForFloat32() {
        assertEquals(GcganKernels.GCGAN_CONV_ALLOW_TF32, OwnConvolution.flags(DType.FLOAT32, true));
        assertEquals(0, OwnConvolution.flags(DType.FLOAT32, false));
        assertEquals(0, OwnConvolution.flags(DType.FLOAT64, true));
    }

    @Test
    void nullPointersAreNamed() {
        requireLibrary();
        ConvGeometry g = new ConvGeometry(1, 2, 5, 5, 3, 3, 3, 1, 1, 1, 1);
        int invalid = GcganKernels.GCGAN_ERR_INVALID_ARGUMENT;
        for (DType dtype : DType.values()) {
            String m = rejected(OwnConvolution.Pass.FORWARD, dtype, g, MemorySegment.NULL, FAKE, FAKE, 0, invalid);
            assertTrue(m.contains("x is NULL"), m);
            m = rejected(OwnConvolution.Pass.FORWARD, dtype, g, FAKE, FAKE, MemorySegment.NULL, 0, invalid);
            assertTrue(m.contains("y is NULL"), m);
            m = rejected(OwnConvolution.Pass.BACKWARD_DATA, dtype, g, MemorySegment.NULL, FAKE, FAKE, 0, invalid);
            assertTrue(m.contains("dy is NULL"), m);
            m = rejected(OwnConvolution.Pass.BACKWARD_DATA, dtype, g, FAKE, MemorySegment.NULL, FAKE, 0, invalid);
            assertTrue(m.contains("w is NULL"), m);
            m = rejected(OwnConvolution.Pass.BACKWARD_WEIGHT, dtype, g, FAKE, MemorySegment.NULL, FAKE, 0, invalid);
            assertTrue(m.contains("dy is NULL"), m);
            m = rejected(OwnConvolution.Pass.BACKWARD_WEIGHT, dtype, g, FAKE, FAKE, MemorySegment.NULL, 0, invalid);
            assertTrue(m.contains("dw is NULL"), m);
        }
    }

    @Test
    void badGeometryAndFlagsAreRejected() {
        requireLibrary();
        int invalid = GcganKernels.GCGAN_ERR_INVALID_ARGUMENT;
        int unsupported = GcganKernels.GCGAN_ERR_UNSUPPORTED;
        for (OwnConvolution.Pass pass : OwnConvolution.Pass.values()) {
            try (Arena arena = Arena.ofConfined()) {
                // a NULL geometry
                int status = OwnConvolution.call(pass, DType.FLOAT32, FAKE, FAKE, FAKE, MemorySegment.NULL, 0,
                        MemorySegment.NULL);
                assertEquals(invalid, status);
                // the struct checked in C, field by field (ConvGeometry itself refuses these, so write it raw)
                MemorySegment s = arena.allocate(GcganKernels.gcgan_conv_geometry$layout());
                OwnConvolution.writeGeometry(s, new ConvGeometry(1, 2, 5, 5, 3, 3, 3, 1, 1, 1, 1));
                s.setAtIndex(JAVA_LONG, 7, 0); // stride_h
                assertEquals(invalid, OwnConvolution.call(pass, DType.FLOAT64, FAKE, FAKE, FAKE, s, 0,
                        MemorySegment.NULL));
                s.setAtIndex(JAVA_LONG, 7, 1);
                s.setAtIndex(JAVA_LONG, 5, 9); // r = 9 > h + 2 pad_h = 7
                assertEquals(invalid, OwnConvolution.call(pass, DType.FLOAT64, FAKE, FAKE, FAKE, s, 0,
                        MemorySegment.NULL));
            }
            ConvGeometry g = new ConvGeometry(1, 2, 5, 5, 3, 3, 3, 1, 1, 1, 1);
            String m = rejected(pass, DType.FLOAT32, g, FAKE, FAKE, FAKE, 6, invalid);
            assertTrue(m.contains("unknown flags 0x6"), m);
            // TF32 is a known flag for both dtypes: the call gets as far as the pointer checks
            for (DType dtype : DType.values()) {
                m = rejected(pass, dtype, g, MemorySegment.NULL, FAKE, FAKE, GcganKernels.GCGAN_CONV_ALLOW_TF32,
                        invalid);
                assertTrue(m.contains(" is NULL"), m);
            }
            // n * p * q = 2^20 * 2^22 does not fit the kernels' int32 GEMM indices
            ConvGeometry huge = new ConvGeometry(1 << 20, 1, 2048, 2048, 1, 1, 1, 1, 1, 0, 0);
            m = rejected(pass, DType.FLOAT64, huge, FAKE, FAKE, FAKE, 0, unsupported);
            assertTrue(m.contains("n * p * q = 4398046511104 exceeds 2^31 - 4097"), m);
        }
    }
}
