package io.gcgan.backend.cuda;

import io.gcgan.backend.Backend;
import io.gcgan.backend.ConvGeometry;
import io.gcgan.backend.ScopedLifetime;
import io.gcgan.backend.Storage;
import java.util.function.Supplier;

/**
 * The explicit-GEMM convolution ({@link ConvImplementation#GEMM}), as the CPU backend computes it: the input is
 * unfolded into a column matrix by {@code gcgan_im2col} (kernels/src/im2col.cu) and each pass is ONE GEMM of the
 * backend's {@link Backend#matmul} (cuBLAS on CUDA, TF32 where the backend allows it), with the layouts of
 * gcgan_kernels.h's im2col section (crs = c*r*s, npq = n*p*q):
 * <pre>
 *   forward          col [crs, npq] = im2col(x);  y' [k, npq] = w [k, crs] @ col;         y = swap(y')
 *   backward-data    dy' = swap(dy);  dcol [crs, npq] = w^T @ dy' [k, npq];             dx = col2im(dcol)
 *   backward-weight  col = im2col(x);  dy' = swap(dy);  dw [k, crs] = dy' @ col^T
 * </pre>
 * where swap exchanges the first two dimensions of [n, k, p*q] and [k, n, p*q] (one {@link Backend#copyStrided}).
 * The column matrix and the swapped copy are scratch from the backend's allocator, freed (stream-ordered on CUDA)
 * when the pass has been queued: a pass needs {@code crs * npq + k * npq} elements of it.
 *
 * <p>Written against {@link Backend} and {@link Im2col} only, so that a CPU test runs this exact composition with a
 * plain Java im2col against the CPU backend's convolutions.
 */
final class GemmConvolution {

    /** im2col and col2im on storages of the backend (the layouts of gcgan_kernels.h). */
    interface Im2col {
        /** col [crs, npq] = im2col(x [n, c, h, w]). */
        void im2col(Storage x, Storage col, ConvGeometry g);

        /** dx [n, c, h, w] = col2im(col [crs, npq]), overwriting dx. */
        void col2im(Storage col, Storage dx, ConvGeometry g);
    }

    private final Backend backend;
    private final Im2col im2col;
    private final Supplier<ScopedLifetime> scratch;

    /**
     * @param scratch makes the lifetime of one pass's scratch: {@link ScopedLifetime#confined()} on a GPU, where only
     *                the calling thread's downcalls use it (a shared arena's close would pause every thread once per
     *                pass); a shared one for the CPU backend, whose workers read its storage
     */
    GemmConvolution(Backend backend, Im2col im2col, Supplier<ScopedLifetime> scratch) {
        this.backend = backend;
        this.im2col = im2col;
        this.scratch = scratch;
    }

    /** y [n, k, p, q] = conv2d(x, w). */
    void forward(Storage x, Storage w, Storage y, ConvGeometry g) {
        Sizes z = Sizes.of(g);
        try (ScopedLifetime pass = scratch.get()) {
            Storage col = backend.allocate(x.dtype(), (long) z.crs * z.npq, pass);
            im2col.im2col(x, col, g);
            Storage yk = backend.allocate(x.dtype(), (long) z.k * z.npq, pass);
            backend.matmul(w, 0, false, col, 0, false, yk, 1, z.k, z.npq, z.crs);
            swapFirstTwo(yk, y, z.k, z.n, z.pq);
        }
    }

    /** dx [n, c, h, w] = the gradient of conv2d with respect to x, given dy [n, k, p, q] and w. */
    void backwardData(Storage dy, Storage w, Storage dx, ConvGeometry g) {
        Sizes z = Sizes.of(g);
        try (ScopedLifetime pass = scratch.get()) {
            Storage dyk = backend.allocate(dy.dtype(), (long) z.k * z.npq, pass);
            swapFirstTwo(dy, dyk, z.n, z.k, z.pq);
            Storage dcol = backend.allocate(dy.dtype(), (long) z.crs * z.npq, pass);
            backend.matmul(w, 0, true, dyk, 0, false, dcol, 1, z.crs, z.npq, z.k);
            im2col.col2im(dcol, dx, g);
        }
    }

    /** dw [k, c, r, s] = the gradient of conv2d with respect to w, summed over the batch. */
    void backwardWeight(Storage x, Storage dy, Storage dw, ConvGeometry g) {
        Sizes z = Sizes.of(g);
        try (ScopedLifetime pass = scratch.get()) {
            Storage col = backend.allocate(x.dtype(), (long) z.crs * z.npq, pass);
            im2col.im2col(x, col, g);
            Storage dyk = backend.allocate(dy.dtype(), (long) z.k * z.npq, pass);
            swapFirstTwo(dy, dyk, z.n, z.k, z.pq);
            backend.matmul(dyk, 0, false, col, 0, true, dw, 1, z.k, z.crs, z.npq);
        }
    }

    /** dst [b, a, rest] = src [a, b, rest] transposed in its first two dimensions (both dense). */
    private void swapFirstTwo(Storage src, Storage dst, long a, long b, long rest) {
        backend.copyStrided(src, 0, new long[] {rest, b * rest, 1}, dst, 0, new long[] {a * rest, rest, 1},
                new long[] {b, a, rest});
    }

    /** The GEMM sizes of a geometry, checked to fit cuBLAS's int dimensions. */
    private record Sizes(long n, int k, int crs, int npq, long pq) {
        static Sizes of(ConvGeometry g) {
            long pq = (long) g.p() * g.q();
            long crs = (long) g.c() * g.r() * g.s();
            long npq = g.n() * pq;
            if (crs > Integer.MAX_VALUE || npq > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("conv2d (GEMM): c*r*s = " + crs + " and n*p*q = " + npq
                        + " must fit in a GEMM dimension (at most " + Integer.MAX_VALUE + ")");
            }
            return new Sizes(g.n(), g.k(), (int) crs, (int) npq, pq);
        }
    }
}
