package io.gcgan.backend.cuda;

import io.gcgan.backend.ConvGeometry;
import io.gcgan.backend.Storage;
import io.gcgan.bindings.kernels.GcganKernelException;
import io.gcgan.bindings.kernels.GcganKernels;
import io.gcgan.tensor.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * {@link GemmConvolution.Im2col} by libgcgan_kernels' {@code gcgan_im2col_*} and {@code gcgan_col2im_*}
 * (kernels/src/im2col.cu), queued on the device's stream; the geometry struct is per-thread host memory read
 * during the call.
 */
final class KernelIm2col implements GemmConvolution.Im2col {

    private static final ThreadLocal<MemorySegment> STRUCT = ThreadLocal.withInitial(
            () -> Arena.ofAuto().allocate(GcganKernels.gcgan_conv_geometry$layout()));

    private final CudaDevice cuda;

    KernelIm2col(CudaDevice cuda) {
        this.cuda = cuda;
    }

    @Override
    public void im2col(Storage x, Storage col, ConvGeometry g) {
        checkSizes("im2col", x, col, g);
        MemorySegment struct = STRUCT.get();
        OwnConvolution.writeGeometry(struct, g);
        cuda.makeCurrent();
        boolean f32 = x.dtype() == DType.FLOAT32;
        MemorySegment in = CudaBackend.pointer(x);
        MemorySegment out = CudaBackend.pointer(col);
        int status = f32
                ? GcganKernels.gcgan_im2col_f32(in, out, struct, cuda.stream())
                : GcganKernels.gcgan_im2col_f64(in, out, struct, cuda.stream());
        check(status, f32 ? "gcgan_im2col_f32" : "gcgan_im2col_f64", g);
    }

    @Override
    public void col2im(Storage col, Storage dx, ConvGeometry g) {
        checkSizes("col2im", dx, col, g);
        MemorySegment struct = STRUCT.get();
        OwnConvolution.writeGeometry(struct, g);
        cuda.makeCurrent();
        boolean f32 = dx.dtype() == DType.FLOAT32;
        MemorySegment in = CudaBackend.pointer(col);
        MemorySegment out = CudaBackend.pointer(dx);
        int status = f32
                ? GcganKernels.gcgan_col2im_f32(in, out, struct, cuda.stream())
                : GcganKernels.gcgan_col2im_f64(in, out, struct, cuda.stream());
        check(status, f32 ? "gcgan_col2im_f32" : "gcgan_col2im_f64", g);
    }

    /**
     * The kernels trust their buffers' sizes: image [n, c, h, w] and col [c*r*s, n*p*q], of one dtype, or an
     * IllegalArgumentException naming the call and what differs.
     */
    private static void checkSizes(String call, Storage image, Storage col, ConvGeometry g) {
        long imageElements = (long) g.n() * g.c() * g.h() * g.w();
        long colElements = (long) g.c() * g.r() * g.s() * g.n() * g.p() * g.q();
        if (image.numel() != imageElements || col.numel() < colElements || image.dtype() != col.dtype()) {
            throw new IllegalArgumentException(call + " (" + g + "): the image has " + image.numel() + " "
                    + image.dtype().displayName() + " elements (needs " + imageElements + "), col " + col.numel()
                    + " " + col.dtype().displayName() + " (needs " + colElements + ", the image's dtype)");
        }
    }

    /** Throws {@link GcganKernelException} naming the call and the geometry unless the status is GCGAN_OK. */
    private static void check(int status, String call, ConvGeometry g) {
        if (status != GcganKernels.GCGAN_OK) {
            throw GcganKernelException.of(status, call + "(" + g + ")");
        }
    }
}
