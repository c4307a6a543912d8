package io.gcgan.backend.cuda;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.gcgan.backend.ConvGeometry;
import io.gcgan.bindings.kernels.GcganKernelException;
import io.gcgan.bindings.kernels.GcganKernels;
import io.gcgan.tensor.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * gcgan's own implementation of the conv trio ({@link ConvImplementation#OWN}), for {@link CudaBackend}: the
 * {@code gcgan_conv2d_*} functions of libgcgan_kernels (kernels/src/conv.cu, implicit GEMM; see gcgan_kernels.h).
 *
 * <p>Shapes as {@link ConvGeometry}: x [n, c, h, w], w [k, c, r, s], y [n, k, p, q], dense, one dtype. Each call
 * fills a {@code gcgan_conv_geometry} in per-thread host memory (read by the C function during the call), queues the
 * kernels on the device's stream and returns; the output is fully overwritten. Nothing is cached: the launch plan
 * (tile shape, split-K) is recomputed per call in C, which costs far less than a launch. backward-weight is
 * deterministic (split-K partials are added in a fixed order, no atomics).
 *
 * <p><b>TF32.</b> With {@link CudaBackend#allowTf32} on, float32 calls pass {@code GCGAN_CONV_ALLOW_TF32}: passes
 * whose GEMM has more than 16 columns then run on TF32 tensor cores (inputs rounded to 10-bit mantissas, float32
 * accumulation); the others stay float32 FMA. Off (the default), every float32 product is a float32 FMA.
 */
final class OwnConvolution {

    /** The three passes, named as in the C functions. */
    enum Pass {
        FORWARD("forward"),
        BACKWARD_DATA("backward_data"),
        BACKWARD_WEIGHT("backward_weight");

        final String cName;

        Pass(String cName) {
            this.cName = cName;
        }
    }

    private static final StructLayout GEOMETRY = GcganKernels.gcgan_conv_geometry$layout();
    private static final String[] FIELDS = {"n", "c", "h", "w", "k", "r", "s", "stride_h", "stride_w", "pad_h",
        "pad_w"};
    private static final long[] OFFSETS = new long[FIELDS.length];

    static {
        for (int i = 0; i < FIELDS.length; i++) {
            OFFSETS[i] = GEOMETRY.byteOffset(PathElement.groupElement(FIELDS[i]));
        }
    }

    /** Per-thread host memory for the geometry struct of one call. */
    private static final ThreadLocal<MemorySegment> STRUCT = ThreadLocal.withInitial(
            () -> Arena.ofAuto().allocate(GEOMETRY));

    private final CudaDevice cuda;

    OwnConvolution(CudaDevice cuda) {
        this.cuda = cuda;
    }

    /** Writes g into a gcgan_conv_geometry at {@code struct} (at least {@code GEOMETRY.byteSize()} bytes). */
    static void writeGeometry(MemorySegment struct, ConvGeometry g) {
        long[] values = {g.n(), g.c(), g.h(), g.w(), g.k(), g.r(), g.s(), g.strideH(), g.strideW(), g.padH(),
            g.padW()};
        for (int i = 0; i < values.length; i++) {
            struct.set(JAVA_LONG, OFFSETS[i], values[i]);
        }
    }

    /** The flags for a call: GCGAN_CONV_ALLOW_TF32 for float32 when the backend allows TF32, else 0. */
    static int flags(DType dtype, boolean tf32) {
        return tf32 && dtype == DType.FLOAT32 ? GcganKernels.GCGAN_CONV_ALLOW_TF32 : 0;
    }

    /**
     * One pass. Operands by role: FORWARD (a = x, b = w, out = y), BACKWARD_DATA (a = dy, b = w, out = dx),
     * BACKWARD_WEIGHT (a = x, b = dy, out = dw), all device addresses of dtype elements.
     */
    void run(Pass pass, ConvGeometry g, DType dtype, boolean tf32, MemorySegment a, MemorySegment b,
             MemorySegment out) {
        MemorySegment struct = STRUCT.get();
        writeGeometry(struct, g);
        int flags = flags(dtype, tf32);
        cuda.makeCurrent();
        check(call(pass, dtype, a, b, out, struct, flags, cuda.stream()), pass, dtype, g, flags);
    }

    /** The C call of one pass (no checks here: {@link #check} the status on this thread right after). */
    static int call(Pass pass, DType dtype, MemorySegment a, MemorySegment b, MemorySegment out,
                    MemorySegment struct, int flags, MemorySegment stream) {
        boolean f32 = dtype == DType.FLOAT32;
        return switch (pass) {
            case FORWARD -> f32
                    ? GcganKernels.gcgan_conv2d_forward_f32(a, b, out, struct, flags, stream)
                    : GcganKernels.gcgan_conv2d_forward_f64(a, b, out, struct, flags, stream);
            case BACKWARD_DATA -> f32
                    ? GcganKernels.gcgan_conv2d_backward_data_f32(a, b, out, struct, flags, stream)
                    : GcganKernels.gcgan_conv2d_backward_data_f64(a, b, out, struct, flags, stream);
            case BACKWARD_WEIGHT -> f32
                    ? GcganKernels.gcgan_conv2d_backward_weight_f32(a, b, out, struct, flags, stream)
                    : GcganKernels.gcgan_conv2d_backward_weight_f64(a, b, out, struct, flags, stream);
        };
    }

    /**
     * Returns for GCGAN_OK, else throws {@link GcganKernelException} naming the call, the geometry and the flags,
     * e.g. "gcgan_conv2d_forward_f32(ConvGeometry[n=1, ...], flags 0) failed with ...".
     */
    static void check(int status, Pass pass, DType dtype, ConvGeometry g, int flags) {
        if (status != GcganKernels.GCGAN_OK) {
            throw GcganKernelException.of(status, callName(pass, dtype) + "(" + g + ", flags " + flags + ")");
        }
    }

    /** E.g. "gcgan_conv2d_backward_data_f32". */
    static String callName(Pass pass, DType dtype) {
        return "gcgan_conv2d_" + pass.cName + (dtype == DType.FLOAT32 ? "_f32" : "_f64");
    }
}
