package io.gcgan.backend.cpu;

import io.gcgan.backend.ConvGeometry;
import io.gcgan.backend.Storage;
import io.gcgan.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Conv2d forward, backward-data and backward-weight as im2col + GEMM, parallel across the batch.
 *
 * <pre>
 *   N = batch, C = in channels, H x W = input, K = filters, R x S = kernel, P x Q = output
 *   x [N, C, H, W]    w [K, C, R, S]    y [N, K, P, Q]          CRS = C*R*S, PQ = P*Q
 *   col   [CRS, nb*PQ]  column j*PQ + p*Q + q of row (c*R + r)*S + s holds x[n0+j, c, p*sh - ph + r, q*sw - pw + s]
 *   forward:          tmp [K, nb*PQ] = w [K, CRS] @ col,  then y[n0+j, k] = tmp[k, j*PQ ..]
 *   backward-data:    dcol = w^T [CRS, K] @ dyT [K, nb*PQ], then col2im adds dcol into dx
 *   backward-weight:  dw [K, CRS] += dyT [K, nb*PQ] @ col^T   (one partial sum per thread, added at the end)
 * </pre>
 *
 * The batch is split into one contiguous range of samples per core; each worker walks its range in chunks
 * of nb samples (its column buffer bounded by {@link #CHUNK_ELEMENTS} / cores, reused across calls through
 * the part's {@link Workspace}) and calls single-threaded GEMMs. A batch of one sample runs on the caller
 * with the GEMM itself split across the cores.
 */
final class CpuConvolution {

    /**
     * At most this many elements in all workers' column buffers together (4 MiB in float32). Small enough that
     * a worker's im2col output is still in its core's cache when its GEMM reads it: measured on 2 cores
     * (dcgan64 d2-d4, batch 64), 1M elements ran 30-50% faster than 16M, and 256K was slower again.
     */
    static final long CHUNK_ELEMENTS = 1L << 20;

    private static final int COL = 0;
    private static final int TRANSPOSED = 1;
    private static final int PARTIAL_DW = 2;

    private final Blas blas;
    private final Workspace.Pool workspacePool = new Workspace.Pool();

    CpuConvolution(Blas blas) {
        this.blas = blas;
    }

    /** One worker's contiguous range of samples [from, to) and its chunk size. */
    private record Range(int from, int to, int chunk) {
    }

    private interface RangeBody {
        void run(int part, Range range, Workspace workspace);
    }

    /**
     * Splits the batch over the cores and runs {@code body} once per range on the worker threads, each with its
     * part's workspace; then {@code after} on the caller, while the workspaces are still this call's.
     */
    private <T> T forEachRange(ConvGeometry g, RangeBody body, java.util.function.Function<Workspace[], T> after) {
        int parts = Math.min(Parallel.threads(), g.n());
        long perSample = (long) Math.max(g.c() * g.r() * g.s(), g.k()) * g.p() * g.q();
        int chunk = (int) Math.max(1, Math.min(g.n(), CHUNK_ELEMENTS / parts / Math.max(1, perSample)));
        Workspace[] workspaces = workspacePool.acquire(parts);
        try {
            Parallel.forParts(parts, part -> {
                int from = (int) ((long) g.n() * part / parts);
                int to = (int) ((long) g.n() * (part + 1) / parts);
                body.run(part, new Range(from, to, chunk), workspaces[part]);
            });
            return after.apply(workspaces);
        } finally {
            workspacePool.release(workspaces);
        }
    }

    /** A single range runs on the caller, so its GEMM may use every core; several ranges use one each. */
    private void gemm(boolean wholeMachine, DType dt, boolean transA, boolean transB, int m, int n, int k,
                      MemorySegment a, int lda, MemorySegment b, int ldb, double beta, MemorySegment c, int ldc) {
        if (wholeMachine) {
            blas.gemm(dt, transA, transB, m, n, k, 1.0, a, lda, b, ldb, beta, c, ldc);
        } else {
            blas.gemmOnThisThread(dt, transA, transB, m, n, k, 1.0, a, lda, b, ldb, beta, c, ldc);
        }
    }

    void forward(Storage x, Storage w, Storage y, ConvGeometry g) {
        DType dt = x.dtype();
        int es = dt.byteSize();
        int pq = g.p() * g.q();
        int crs = g.c() * g.r() * g.s();
        boolean single = Math.min(Parallel.threads(), g.n()) == 1;
        forEachRange(g, (part, range, ws) -> {
            MemorySegment col = ws.buffer(COL, (long) crs * range.chunk() * pq * es);
            MemorySegment tmp = ws.buffer(TRANSPOSED, (long) g.k() * range.chunk() * pq * es);
            for (int n0 = range.from(); n0 < range.to(); n0 += range.chunk()) {
                int nb = Math.min(range.chunk(), range.to() - n0);
                int ld = nb * pq;
                im2col(x, g, n0, nb, col);
                gemm(single, dt, false, false, g.k(), ld, crs, w.segment(), crs, col, ld, 0.0, tmp, ld);
                // tmp [K, nb, PQ] -> y [nb, K, PQ]
                transposeBlocks(tmp, g.k(), nb, pq, y.segment(), (long) n0 * g.k() * pq, dt);
            }
        }, done -> null);
    }

    void backwardData(Storage dy, Storage w, Storage dx, ConvGeometry g) {
        DType dt = dy.dtype();
        int es = dt.byteSize();
        int pq = g.p() * g.q();
        int crs = g.c() * g.r() * g.s();
        boolean single = Math.min(Parallel.threads(), g.n()) == 1;
        forEachRange(g, (part, range, ws) -> {
            MemorySegment dcol = ws.buffer(COL, (long) crs * range.chunk() * pq * es);
            MemorySegment dyT = ws.buffer(TRANSPOSED, (long) g.k() * range.chunk() * pq * es);
            for (int n0 = range.from(); n0 < range.to(); n0 += range.chunk()) {
                int nb = Math.min(range.chunk(), range.to() - n0);
                int ld = nb * pq;
                // dy [nb, K, PQ] -> dyT [K, nb, PQ]
                transposeBlocks(dy.segment().asSlice((long) n0 * g.k() * pq * es), nb, g.k(), pq, dyT, 0, dt);
                gemm(single, dt, true, false, crs, ld, g.k(), w.segment(), crs, dyT, ld, 0.0, dcol, ld);
                col2im(dcol, g, n0, nb, dx);
            }
        }, done -> null);
    }

    void backwardWeight(Storage x, Storage dy, Storage dw, ConvGeometry g) {
        DType dt = x.dtype();
        int es = dt.byteSize();
        int pq = g.p() * g.q();
        int crs = g.c() * g.r() * g.s();
        long dwElements = (long) g.k() * crs;
        int parts = Math.min(Parallel.threads(), g.n());
        // Part 0 sums straight into dw; parts 1.. into their own workspace's buffer, added up at the end.
        boolean f32 = dt == DType.FLOAT32;
        forEachRange(g, (part, range, ws) -> {
            MemorySegment col = ws.buffer(COL, (long) crs * range.chunk() * pq * es);
            MemorySegment dyT = ws.buffer(TRANSPOSED, (long) g.k() * range.chunk() * pq * es);
            MemorySegment sum = part == 0 ? dw.segment() : ws.buffer(PARTIAL_DW, dwElements * es);
            for (int n0 = range.from(); n0 < range.to(); n0 += range.chunk()) {
                int nb = Math.min(range.chunk(), range.to() - n0);
                int ld = nb * pq;
                im2col(x, g, n0, nb, col);
                transposeBlocks(dy.segment().asSlice((long) n0 * g.k() * pq * es), nb, g.k(), pq, dyT, 0, dt);
                gemm(parts == 1, dt, false, true, g.k(), crs, ld, dyT, ld, col, ld, n0 == range.from() ? 0.0 : 1.0,
                        sum, crs);
            }
        }, workspaces -> {
            MemorySegment out = dw.segment();
            for (int part = 1; part < parts; part++) {
                MemorySegment partial = workspaces[part].buffer(PARTIAL_DW, dwElements * es);
                for (long i = 0; i < dwElements; i++) {
                    CpuBackend.set(out, f32, i, CpuBackend.get(out, f32, i) + CpuBackend.get(partial, f32, i));
                }
            }
            return null;
        });
    }

    /**
     * Fills col [CRS, nb*PQ] from samples n0 .. n0+nb-1 of x; zero where the window falls in the padding. Each input
     * plane [H, W] is bulk-copied into an array and each col row's [P, Q] block gathered from it in another, then
     * bulk-copied out. Reading and writing the segments element by element kept the loops scalar: conv forward on
     * dcgan64.d2 ran at 148 against 168 GFLOP/s now (bench/results/2026-11-27-cpu-bulk-copies.md).
     */
    private static void im2col(Storage x, ConvGeometry g, int n0, int nb, MemorySegment col) {
        ValueLayout layout = x.dtype() == DType.FLOAT32 ? JAVA_FLOAT : JAVA_DOUBLE;
        long es = layout.byteSize();
        MemorySegment xs = x.segment();
        int c = g.c();
        int h = g.h();
        int wd = g.w();
        int p = g.p();
        int q = g.q();
        int ld = nb * p * q;
        Object plane = newArray(layout, h * wd);
        Object block = newArray(layout, p * q);
        for (long t = 0; t < (long) nb * c; t++) {
            int j = (int) (t / c);
            int ch = (int) (t % c);
            long xBase = ((long) (n0 + j) * c + ch) * h * wd;
            MemorySegment.copy(xs, layout, xBase * es, plane, 0, h * wd);
            for (int r = 0; r < g.r(); r++) {
                for (int s = 0; s < g.s(); s++) {
                    long row = ((long) ch * g.r() + r) * g.s() + s;
                    if (plane instanceof float[] fp) {
                        gatherBlock(g, r, s, fp, (float[]) block);
                    } else {
                        gatherBlock(g, r, s, (double[]) plane, (double[]) block);
                    }
                    MemorySegment.copy(block, 0, col, layout, (row * ld + (long) j * p * q) * es, p * q);
                }
            }
        }
    }

    /**
     * The [P, Q] block of col row (c, r, s) for one sample: {@code block[oh * Q + ow] = plane[ih * W + iw]} with
     * ih = oh * sh - ph + r, iw = ow * sw - pw + s, 0 in the padding. One loop per element type (a type test per
     * output row cost more than the row's 16 copies on the dcgan64 layers). Splitting each plane into its stride
     * phases once, so that a whole block became one bulk copy, measured no faster (dcgan64.d2, d3 and mnist28.d2,
     * forward and backward-weight, within JMH's error on 2 cores), so the gather stays.
     */
    private static void gatherBlock(ConvGeometry g, int r, int s, float[] plane, float[] block) {
        int q = g.q();
        int sw = g.strideW();
        int iw0 = s - g.padW();
        int lo = firstInside(iw0, sw, q);
        int hi = endInside(iw0, sw, g.w(), q, lo);
        Arrays.fill(block, 0, g.p() * q, 0.0f);
        for (int oh = 0; oh < g.p(); oh++) {
            int ih = oh * g.strideH() - g.padH() + r;
            if (ih < 0 || ih >= g.h()) {
                continue;
            }
            int src = ih * g.w() + iw0 + lo * sw;
            int d = oh * q;
            for (int ow = lo; ow < hi; ow++, src += sw) {
                block[d + ow] = plane[src];
            }
        }
    }

    /** {@link #gatherBlock(ConvGeometry, int, int, float[], float[])} for double. */
    private static void gatherBlock(ConvGeometry g, int r, int s, double[] plane, double[] block) {
        int q = g.q();
        int sw = g.strideW();
        int iw0 = s - g.padW();
        int lo = firstInside(iw0, sw, q);
        int hi = endInside(iw0, sw, g.w(), q, lo);
        Arrays.fill(block, 0, g.p() * q, 0.0);
        for (int oh = 0; oh < g.p(); oh++) {
            int ih = oh * g.strideH() - g.padH() + r;
            if (ih < 0 || ih >= g.h()) {
                continue;
            }
            int src = ih * g.w() + iw0 + lo * sw;
            int d = oh * q;
            for (int ow = lo; ow < hi; ow++, src += sw) {
                block[d + ow] = plane[src];
            }
        }
    }

    /*
     * Output column ow of kernel column s reads input column iw = ow * sw + iw0 (iw0 = s - padW). The columns
     * [firstInside, endInside) read inside the row, the others read padding: this keeps bounds checks out of
     * the copy loops.
     */
    private static int firstInside(int iw0, int sw, int q) {
        return Math.min(q, iw0 >= 0 ? 0 : (-iw0 + sw - 1) / sw);
    }

    private static int endInside(int iw0, int sw, int wd, int q, int first) {
        return Math.max(first, Math.min(q, wd - iw0 <= 0 ? 0 : (wd - iw0 + sw - 1) / sw));
    }

    private static Object newArray(ValueLayout layout, int n) {
        return layout == JAVA_FLOAT ? new float[n] : new double[n];
    }

    /** Zeroes {@code count} elements of a float[] or double[] from {@code at}. */
    private static void zero(Object array, int at, int count) {
        if (array instanceof float[] f) {
            Arrays.fill(f, at, at + count, 0.0f);
        } else {
            Arrays.fill((double[]) array, at, at + count, 0.0);
        }
    }

    /** The inverse of {@link #gatherBlock}: {@code plane[ih * W + iw] += block[oh * Q + ow]} inside the plane. */
    private static void scatterAddBlock(ConvGeometry g, int r, int s, float[] block, float[] plane) {
        int q = g.q();
        int sw = g.strideW();
        int iw0 = s - g.padW();
        int lo = firstInside(iw0, sw, q);
        int hi = endInside(iw0, sw, g.w(), q, lo);
        for (int oh = 0; oh < g.p(); oh++) {
            int ih = oh * g.strideH() - g.padH() + r;
            if (ih < 0 || ih >= g.h()) {
                continue;
            }
            int dst = ih * g.w() + iw0 + lo * sw;
            int from = oh * q;
            for (int ow = lo; ow < hi; ow++, dst += sw) {
                plane[dst] += block[from + ow];
            }
        }
    }

    /** {@link #scatterAddBlock(ConvGeometry, int, int, float[], float[])} for double. */
    private static void scatterAddBlock(ConvGeometry g, int r, int s, double[] block, double[] plane) {
        int q = g.q();
        int sw = g.strideW();
        int iw0 = s - g.padW();
        int lo = firstInside(iw0, sw, q);
        int hi = endInside(iw0, sw, g.w(), q, lo);
        for (int oh = 0; oh < g.p(); oh++) {
            int ih = oh * g.strideH() - g.padH() + r;
            if (ih < 0 || ih >= g.h()) {
                continue;
            }
            int dst = ih * g.w() + iw0 + lo * sw;
            int from = oh * q;
            for (int ow = lo; ow < hi; ow++, dst += sw) {
                plane[dst] += block[from + ow];
            }
        }
    }

    /**
     * Overwrites samples n0 .. n0+nb-1 of dx with the sum of dcol's entries that read each position, added in the
     * order (r, s, oh, ow). Like {@link #im2col}, through arrays: each dx plane is summed in one, from each dcol
     * row's [P, Q] block bulk-copied into another.
     */
    private static void col2im(MemorySegment dcol, ConvGeometry g, int n0, int nb, Storage dx) {
        ValueLayout layout = dx.dtype() == DType.FLOAT32 ? JAVA_FLOAT : JAVA_DOUBLE;
        long es = layout.byteSize();
        MemorySegment xs = dx.segment();
        int c = g.c();
        int h = g.h();
        int wd = g.w();
        int p = g.p();
        int q = g.q();
        int ld = nb * p * q;
        Object plane = newArray(layout, h * wd);
        Object block = newArray(layout, p * q);
        for (long t = 0; t < (long) nb * c; t++) {
            int j = (int) (t / c);
            int ch = (int) (t % c);
            long xBase = ((long) (n0 + j) * c + ch) * h * wd;
            zero(plane, 0, h * wd);
            for (int r = 0; r < g.r(); r++) {
                for (int s = 0; s < g.s(); s++) {
                    long row = ((long) ch * g.r() + r) * g.s() + s;
                    MemorySegment.copy(dcol, layout, (row * ld + (long) j * p * q) * es, block, 0, p * q);
                    if (plane instanceof float[] fp) {
                        scatterAddBlock(g, r, s, (float[]) block, fp);
                    } else {
                        scatterAddBlock(g, r, s, (double[]) block, (double[]) plane);
                    }
                }
            }
            MemorySegment.copy(plane, 0, xs, layout, xBase * es, h * wd);
        }
    }

    /**
     * Swaps the two outer dimensions of a [a, b, len] block: dst[j, i, :] = src[i, j, :], dst starting at
     * element {@code dstOffset}. Rows of {@code len} elements are copied whole.
     */
    private static void transposeBlocks(MemorySegment src, int a, int b, int len, MemorySegment dst, long dstOffset,
                                        DType dt) {
        long es = dt.byteSize();
        long rowBytes = len * es;
        for (long t = 0; t < (long) a * b; t++) {
            long i = t / b;
            long j = t % b;
            MemorySegment.copy(src, t * rowBytes, dst, (dstOffset + (j * a + i) * len) * es, rowBytes);
        }
    }
}
