package io.gcgan.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gcgan.bindings.CudaAvailability;
import io.gcgan.bindings.kernels.GcganKernelException;
import io.gcgan.bindings.kernels.GcganKernels;
import io.gcgan.bindings.kernels.GcganKernelsLoader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import org.junit.jupiter.api.Test;

/**
 * The dense-op entry points of libgcgan_kernels called through their bindings where no GPU is needed: argument
 * checks happen before any CUDA call and come back as GCGAN_ERR_INVALID_ARGUMENT with a message naming the problem
 * (which also proves each downcall's argument passing), and on a machine without a driver a valid request fails
 * with CUDA's error rather than crashing. Skipped where libgcgan_kernels is not built.
 */
class KernelEntryPointsTest {

    private static final MemorySegment FAKE = MemorySegment.ofAddress(4096); // never dereferenced on the host

    private static void requireLibrary() {
        var failure = GcganKernelsLoader.library().loadFailure();
        assumeTrue(failure.isEmpty(), () -> "libgcgan_kernels is not built: " + failure.get().getMessage());
    }

    private static String invalid(int status, String call) {
        assertEquals(GcganKernels.GCGAN_ERR_INVALID_ARGUMENT, status, call);
        GcganKernelException e = assertThrows(GcganKernelException.class, () -> GcganKernelException.check(status,
                call));
        assertTrue(e.nativeMessage().startsWith(call + ": "), e.getMessage());
        return e.nativeMessage();
    }

    private static long offset(StructLayout layout, String member) {
        return layout.byteOffset(PathElement.groupElement(member));
    }

    @Test
    void badArgumentsAreRejectedBeforeAnyCudaCall() {
        requireLibrary();
        try (Arena arena = Arena.ofConfined()) {
            String m = invalid(GcganKernels.gcgan_fill_f32(MemorySegment.NULL, 5, 1f, MemorySegment.NULL),
                    "gcgan_fill_f32");
            assertTrue(m.contains("out is NULL with 5 elements"), m);
            m = invalid(GcganKernels.gcgan_fill_f64(FAKE, -2, 1.0, MemorySegment.NULL), "gcgan_fill_f64");
            assertTrue(m.contains("n = -2 must be >= 0"), m);
            m = invalid(GcganKernels.gcgan_unary_f32(GcganKernels.GCGAN_UNARY_OP_COUNT, 0, 0, FAKE, FAKE, 4,
                    MemorySegment.NULL), "gcgan_unary_f32");
            assertTrue(m.contains("unknown unary op 13"), m);

            MemorySegment layout = arena.allocate(GcganKernels.gcgan_strided_layout$layout());
            StructLayout sl = GcganKernels.gcgan_strided_layout$layout();
            layout.set(JAVA_INT, offset(sl, "rank"), 9);
            m = invalid(GcganKernels.gcgan_binary_f64(GcganKernels.GCGAN_BINARY_ADD, FAKE, FAKE, FAKE, layout,
                    MemorySegment.NULL), "gcgan_binary_f64");
            assertTrue(m.contains("layout rank 9 is outside [0, 8]"), m);
            layout.set(JAVA_INT, offset(sl, "rank"), 1);
            layout.set(JAVA_LONG, offset(sl, "shape"), 3);
            m = invalid(GcganKernels.gcgan_binary_f32(99, FAKE, FAKE, FAKE, layout, MemorySegment.NULL),
                    "gcgan_binary_f32");
            assertTrue(m.contains("unknown binary op 99"), m);
            m = invalid(GcganKernels.gcgan_where_f32(FAKE, MemorySegment.NULL, FAKE, FAKE, layout,
                    MemorySegment.NULL), "gcgan_where_f32");
            assertTrue(m.contains("a is NULL with 3 elements"), m);
            m = invalid(GcganKernels.gcgan_copy_strided(GcganKernels.GCGAN_DTYPE_FLOAT32, FAKE, 7, FAKE, layout,
                    MemorySegment.NULL), "gcgan_copy_strided");
            assertTrue(m.contains("unknown dtype code"), m);
            m = invalid(GcganKernels.gcgan_copy_strided(0, FAKE, 0, FAKE, MemorySegment.NULL, MemorySegment.NULL),
                    "gcgan_copy_strided");
            assertTrue(m.contains("layout is NULL"), m);

            StructLayout rl = GcganKernels.gcgan_reduce_layout$layout();
            MemorySegment reduce = arena.allocate(rl);
            reduce.set(JAVA_INT, offset(rl, "reduced_rank"), 1);
            reduce.set(JAVA_LONG, offset(rl, "reduced_shape"), -1);
            m = invalid(GcganKernels.gcgan_reduce_f32(GcganKernels.GCGAN_REDUCE_SUM, FAKE, FAKE, reduce,
                    MemorySegment.NULL), "gcgan_reduce_f32");
            assertTrue(m.contains("reduced shape[0] = -1 must be >= 0"), m);
            m = invalid(GcganKernels.gcgan_reduce_f64(3, FAKE, FAKE, reduce, MemorySegment.NULL), "gcgan_reduce_f64");
            assertTrue(m.contains("unknown reduce op 3"), m);

            StructLayout hl = GcganKernels.gcgan_optimizer_hyper$layout();
            StructLayout tl = GcganKernels.gcgan_optimizer_tensor$layout();
            MemorySegment hyper = arena.allocate(hl);
            hyper.set(JAVA_INT, offset(hl, "algorithm"), GcganKernels.GCGAN_OPTIMIZER_ADAM);
            MemorySegment table = arena.allocate(tl, 2);
            MemorySegment t1 = table.asSlice(tl.byteSize());
            for (MemorySegment t : new MemorySegment[] {table, t1}) {
                t.set(ADDRESS, offset(tl, "weight"), FAKE);
                t.set(ADDRESS, offset(tl, "grad"), FAKE);
                t.set(ADDRESS, offset(tl, "state1"), FAKE);
                t.set(ADDRESS, offset(tl, "state2"), FAKE);
                t.set(JAVA_LONG, offset(tl, "numel"), 12);
            }
            t1.set(JAVA_LONG, offset(tl, "outer"), 1);
            t1.set(JAVA_LONG, offset(tl, "slices"), 5);
            t1.set(JAVA_LONG, offset(tl, "inner"), 2);
            m = invalid(GcganKernels.gcgan_optimizer_step_f32(hyper, table, 2, MemorySegment.NULL),
                    "gcgan_optimizer_step_f32");
            assertTrue(m.contains("tensor 1: centring view [1, 5, 2] does not cover its 12 elements"), m);
            t1.set(ADDRESS, offset(tl, "state2"), MemorySegment.NULL);
            m = invalid(GcganKernels.gcgan_optimizer_step_f64(hyper, table, 2, MemorySegment.NULL),
                    "gcgan_optimizer_step_f64");
            assertTrue(m.contains("tensor 1: a NULL pointer"), m);
            hyper.set(JAVA_INT, offset(hl, "algorithm"), 4);
            m = invalid(GcganKernels.gcgan_optimizer_step_f64(hyper, table, 2, MemorySegment.NULL),
                    "gcgan_optimizer_step_f64");
            assertTrue(m.contains("unknown algorithm 4"), m);
        }
    }

    @Test
    void emptyRequestsLaunchNothingAndSucceedWithoutAGpu() {
        requireLibrary();
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(GcganKernels.GCGAN_OK, GcganKernels.gcgan_fill_f32(MemorySegment.NULL, 0, 0f,
                    MemorySegment.NULL));
            MemorySegment layout = arena.allocate(GcganKernels.gcgan_strided_layout$layout());
            StructLayout sl = GcganKernels.gcgan_strided_layout$layout();
            layout.set(JAVA_INT, offset(sl, "rank"), 2);
            layout.set(JAVA_LONG, offset(sl, "shape"), 4); // shape [4, 0]: no element
            assertEquals(GcganKernels.GCGAN_OK, GcganKernels.gcgan_binary_f32(GcganKernels.GCGAN_BINARY_MUL,
                    MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL, layout, MemorySegment.NULL));
            MemorySegment hyper = arena.allocate(GcganKernels.gcgan_optimizer_hyper$layout());
            assertEquals(GcganKernels.GCGAN_OK, GcganKernels.gcgan_optimizer_step_f32(hyper, MemorySegment.NULL, 0,
                    MemorySegment.NULL));
        }
    }

    @Test
    void withoutAGpuValidRequestsFailWithCudasMessage() {
        requireLibrary();
        CudaAvailability.Report report = CudaAvailability.probe();
        assumeFalse(report.available(CudaAvailability.Component.DEVICE), "a CUDA device is present");
        assumeTrue(report.available(CudaAvailability.Component.CUDA_RUNTIME), report.reason());
        try (Arena arena = Arena.ofConfined()) {
            int status = GcganKernels.gcgan_unary_f64(GcganKernels.GCGAN_UNARY_EXP, 0, 0, FAKE, FAKE, 10,
                    MemorySegment.NULL);
            GcganKernelException e = assertThrows(GcganKernelException.class,
                    () -> GcganKernelException.check(status, "gcgan_unary_f64"));
            assertEquals(GcganKernels.GCGAN_ERR_CUDA, e.status(), e.getMessage());
            assertTrue(e.nativeMessage().startsWith("gcgan_unary_f64: kernel launch: cudaError"), e.getMessage());

            // A reduction of few outputs over many elements takes the split path, whose scratch comes from
            // cudaMallocAsync: without a driver that call fails first, and says so.
            StructLayout rl = GcganKernels.gcgan_reduce_layout$layout();
            MemorySegment reduce = arena.allocate(rl);
            reduce.set(JAVA_INT, offset(rl, "reduced_rank"), 1);
            reduce.set(JAVA_LONG, offset(rl, "reduced_shape"), 1L << 24);
            reduce.set(JAVA_LONG, offset(rl, "reduced_strides"), 1);
            int split = GcganKernels.gcgan_reduce_f32(GcganKernels.GCGAN_REDUCE_SUM, FAKE, FAKE, reduce,
                    MemorySegment.NULL);
            GcganKernelException r = assertThrows(GcganKernelException.class,
                    () -> GcganKernelException.check(split, "gcgan_reduce_f32"));
            assertEquals(GcganKernels.GCGAN_ERR_CUDA, r.status(), r.getMessage());
            assertTrue(r.nativeMessage().startsWith("gcgan_reduce_f32: cudaMallocAsync of the partial sums:"),
                    r.getMessage());
        }
    }
}
