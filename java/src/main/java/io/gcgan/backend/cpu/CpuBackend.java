package io.gcgan.backend.cpu;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import io.gcgan.backend.Backend;
import io.gcgan.backend.BatchNormRunningStats;
import io.gcgan.backend.BatchNormShape;
import io.gcgan.backend.BinaryOp;
import io.gcgan.backend.CaptureRefusal;
import io.gcgan.backend.CapturedCalls;
import io.gcgan.backend.CollectedMemory;
import io.gcgan.backend.ConvGeometry;
import io.gcgan.backend.Lifetime;
import io.gcgan.backend.OptimizerHyper;
import io.gcgan.backend.ParamSlot;
import io.gcgan.backend.ReduceOp;
import io.gcgan.backend.Storage;
import io.gcgan.backend.StorageChecks;
import io.gcgan.backend.UnaryOp;
import io.gcgan.random.Philox;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The reference backend: Java loops for elementwise ops and reductions, OpenBLAS (over FFM) for GEMM, and
 * im2col + GEMM for convolutions. Every call is synchronous. Arithmetic on float32 data is done in double
 * and rounded once, which for +, -, *, / and sqrt gives exactly the float32 result.
 *
 * <p>How the loops touch memory decides their speed. The JIT (JDK 25) does not vectorize a loop that reads or
 * writes a {@link java.lang.foreign.MemorySegment} element by element, nor one that reads a second array of the
 * same type at a variable offset, nor a floating-point running sum. It does vectorize loops over Java arrays that
 * index every array at the same index. So the hot paths ({@code load}/{@code store}, CpuOptimizerStep,
 * CpuConvolution's im2col) bulk-copy a block of storage into a thread's arrays with {@code MemorySegment.copy},
 * compute there, and copy back: 2-4x faster than the element-by-element form they replaced
 * (bench/results/2026-11-27-cpu-bulk-copies.md).
 *
 * <p>Memory: freed storage goes back to a block cache for reuse (up to {@code -Dgcgan.cpu.blockCacheBytes}, 1 GiB
 * by default, as a GPU caching allocator keeps memory), and storage that only the garbage collector frees (tensors
 * made outside any {@link io.gcgan.tensor.TensorScope}) may hold up to {@code -Dgcgan.cpu.collectedMemoryBytes}
 * (256 MiB) before a collection is asked for. A process that embeds the library can therefore hold that much beyond
 * its live tensors: make each step's tensors in a scope, and call {@link #releaseCachedMemory()} when done training.
 *
 * <p>Threads: a call runs on the calling thread and, for enough work, on the JDK's common fork-join pool
 * ({@code ForkJoinPool.commonPool()}, shared with the host application's parallel streams; its size is
 * {@code -Djava.util.concurrent.ForkJoinPool.common.parallelism}), with one OpenBLAS thread per Java worker. Calls
 * from several threads at once are safe as long as no two of them write the same storage, or one writes what another
 * reads: the backend keeps no per-call state (the block cache is concurrent). While a capture is under way
 * ({@link #beginCapture}) every thread's calls are recorded, so only one thread may use the backend then. Storage
 * handed in must be accessible from the pool's threads (not a confined arena's, {@link StorageChecks#hostSpan}).
 */
public final class CpuBackend implements Backend {

    /** Host storage alignment; 64 bytes doubles OpenBLAS sgemm throughput over 4-byte alignment (DESIGN.md). */
    public static final long ALIGNMENT = 64;

    private static final CpuBackend INSTANCE = new CpuBackend();

    private final Blas blas = new Blas();
    private final CpuConvolution convolution = new CpuConvolution(blas);

    private CpuBackend() {
    }

    public static CpuBackend instance() {
        return INSTANCE;
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public String description() {
        return "cpu (" + Parallel.threads() + " cores; " + blas.description() + "; GC sums "
                + (CpuOptimizerStep.VECTOR_SUMS ? "with" : "without") + " the Vector API)";
    }

    // ---- memory ------------------------------------------------------------------------------------------

    @Override
    public Storage allocate(DType dtype, long numel, Lifetime lifetime) {
        if (numel < 0) {
            throw new IllegalArgumentException("allocate: numel must be >= 0, got " + numel);
        }
        CpuCapture c = capture;
        // During a capture the memory belongs to the capture (as CUDA graph memory does): the scope may close first.
        Arena arena = c != null ? c.arena() : lifetime.arena();
        long bytes = numel * dtype.byteSize();
        MemorySegment segment;
        if (c == null && !lifetime.scoped() && bytes > 0) { // freed by the collector: counted, see CollectedMemory
            COLLECTED.allocated(bytes);
            segment = HostMemory.allocate(bytes, ALIGNMENT, arena, () -> COLLECTED.released(bytes));
        } else {
            segment = HostMemory.allocate(bytes, ALIGNMENT, arena);
        }
        Storage storage = new Storage(this, dtype, numel, segment, lifetime);
        if (c != null) {
            c.allocated(storage);
        }
        return storage;
    }

    /**
     * The host memory of storage in the automatic lifetime (tensors made outside any scope), which only the collector
     * frees: past {@code -Dgcgan.cpu.collectedMemoryBytes} (default 256 MiB) held, a collection is asked for.
     */
    private static final CollectedMemory COLLECTED =
            new CollectedMemory(Long.getLong("gcgan.cpu.collectedMemoryBytes", 256L << 20));

    /** Host memory of automatic-lifetime storage not yet released by the collector, in bytes. */
    public static long collectedMemoryHeld() {
        return COLLECTED.held();
    }

    /**
     * Bytes of released storage the backend keeps for reuse (blocks of 64 KiB or more, per size, at most the
     * system property {@code gcgan.cpu.blockCacheBytes}, default 1 GiB), like a GPU caching allocator's.
     */
    public long cachedBytes() {
        return HostMemory.cachedBytes();
    }

    /** Returns the cached blocks to the C library (for a program that is done training and keeps running). */
    public void releaseCachedMemory() {
        CaptureRefusal.RELEASE_CACHED_MEMORY.check(capturing(), this);
        HostMemory.trim();
    }

    @Override
    public void fill(Storage dst, double value) {
        StorageChecks.owned(this, "fill", dst);
        use("fill", dst);
        if (capture != null) {
            record(() -> fill(dst, value));
            return;
        }
        MemorySegment s = dst.segment();
        long n = dst.numel();
        if (dst.dtype() == DType.FLOAT32) {
            float v = (float) value;
            Parallel.forRange(n, 1, (from, to) -> {
                for (long i = from; i < to; i++) {
                    s.setAtIndex(JAVA_FLOAT, i, v);
                }
            });
        } else {
            Parallel.forRange(n, 1, (from, to) -> {
                for (long i = from; i < to; i++) {
                    s.setAtIndex(JAVA_DOUBLE, i, value);
                }
            });
        }
    }

    @Override
    public void copyFromHost(MemorySegment src, Storage dst) {
        CaptureRefusal.COPY_FROM_HOST.check(capturing(), this);
        StorageChecks.owned(this, "copyFromHost", dst);
        use("copyFromHost", dst);
        StorageChecks.hostSegment("copyFromHost", dst, src, false);
        MemorySegment.copy(src, 0, dst.segment(), 0, dst.byteSize());
    }

    @Override
    public void copyToHost(Storage src, MemorySegment dst) {
        CaptureRefusal.COPY_TO_HOST.check(capturing(), this);
        StorageChecks.owned(this, "copyToHost", src);
        use("copyToHost", src);
        StorageChecks.hostSegment("copyToHost", src, dst, true);
        MemorySegment.copy(src.segment(), 0, dst, 0, src.byteSize());
    }

    @Override
    public void copyStrided(Storage src, long srcOffset, long[] srcStrides,
                            Storage dst, long dstOffset, long[] dstStrides, long[] shape) {
        StorageChecks.owned(this, "copyStrided", src, dst);
        StorageChecks.stridedReach("copyStrided", "src", src, srcOffset, srcStrides, shape);
        StorageChecks.stridedReach("copyStrided", "dst", dst, dstOffset, dstStrides, shape);
        use("copyStrided", src, dst);
        if (capture != null) {
            long[] keptSrc = srcStrides.clone();
            long[] keptDst = dstStrides.clone();
            long[] keptShape = shape.clone();
            record(() -> copyStrided(src, srcOffset, keptSrc, dst, dstOffset, keptDst, keptShape));
            return;
        }
        MemorySegment s = src.segment();
        MemorySegment d = dst.segment();
        boolean sf = src.dtype() == DType.FLOAT32;
        boolean df = dst.dtype() == DType.FLOAT32;
        new StridedIndex(shape, srcStrides, dstStrides).forEachRow(new long[] {srcOffset, dstOffset},
                () -> (off, n, step) -> {
                    long si = off[0];
                    long di = off[1];
                    long ss = step[0];
                    long ds = step[1];
                    if (sf && df) {
                        for (long i = 0; i < n; i++, si += ss, di += ds) {
                            d.setAtIndex(JAVA_FLOAT, di, s.getAtIndex(JAVA_FLOAT, si));
                        }
                    } else if (!sf && !df) {
                        for (long i = 0; i < n; i++, si += ss, di += ds) {
                            d.setAtIndex(JAVA_DOUBLE, di, s.getAtIndex(JAVA_DOUBLE, si));
                        }
                    } else {
                        for (long i = 0; i < n; i++, si += ss, di += ds) {
                            set(d, df, di, get(s, sf, si));
                        }
                    }
                });
    }

    // ---- elementwise -------------------------------------------------------------------------------------

    @Override
    public void unary(UnaryOp op, double p0, double p1, Storage x, Storage out) {
        StorageChecks.owned(this, "unary " + op, x, out);
        StorageChecks.sameDtype("unary " + op, x, out);
        if (x.numel() != out.numel()) {
            throw new IllegalArgumentException("unary " + op + ": input has " + x.numel()
                    + " elements, output " + out.numel());
        }
        use("unary " + op, x, out);
        if (capture != null) {
            record(() -> unary(op, p0, p1, x, out));
            return;
        }
        MemorySegment xs = x.segment();
        MemorySegment os = out.segment();
        boolean f32 = x.dtype() == DType.FLOAT32;
        Parallel.forRange(ceilDiv(x.numel(), BLOCK), BLOCK, (fromBlock, toBlock) -> {
            double[] buf = new double[BLOCK];
            for (long start = fromBlock * BLOCK; start < Math.min(toBlock * BLOCK, x.numel()); start += BLOCK) {
                int n = (int) Math.min(BLOCK, x.numel() - start);
                load(xs, f32, start, 1, buf, n);
                ElementMath.unaryBlock(op, buf, n, p0, p1);
                store(os, f32, start, 1, buf, n);
            }
        });
    }

    @Override
    public void binary(BinaryOp op, Storage a, long[] aStrides, Storage b, long[] bStrides,
                       Storage out, long[] outShape) {
        StorageChecks.owned(this, "binary " + op, a, b, out);
        StorageChecks.sameDtype("binary " + op, a, b, out);
        StorageChecks.stridedReach("binary " + op, "a", a, 0, aStrides, outShape);
        StorageChecks.stridedReach("binary " + op, "b", b, 0, bStrides, outShape);
        StorageChecks.stridedReach("binary " + op, "out", out, 0, denseStrides(outShape), outShape);
        use("binary " + op, a, b, out);
        if (capture != null) {
            long[] keptA = aStrides.clone();
            long[] keptB = bStrides.clone();
            long[] keptShape = outShape.clone();
            record(() -> binary(op, a, keptA, b, keptB, out, keptShape));
            return;
        }
        MemorySegment as = a.segment();
        MemorySegment bs = b.segment();
        MemorySegment os = out.segment();
        boolean f32 = a.dtype() == DType.FLOAT32;
        StridedIndex index = new StridedIndex(outShape, aStrides, bStrides, denseStrides(outShape));
        int buffer = (int) Math.min(BLOCK, index.rowLength);
        if (f32 && ElementMath.exactInFloat(op)) {
            // In float: +, -, * and / give the double result rounded once (ElementMath.exactInFloat), the same bits,
            // without widening to double and back. ADD over [64, 64, 14, 14] on 2 cores: same shape 0.54 -> 0.33-0.36
            // ms, a per-channel bias broadcast 0.45-0.50 -> 0.27-0.41 ms.
            index.forEachRow(new long[3], () -> {
                float[] av = new float[buffer];
                float[] bv = new float[buffer];
                return (off, rowLength, step) -> {
                    for (long start = 0; start < rowLength; start += BLOCK) {
                        int n = (int) Math.min(BLOCK, rowLength - start);
                        loadFloat(as, off[0] + start * step[0], step[0], av, n);
                        loadFloat(bs, off[1] + start * step[1], step[1], bv, n);
                        ElementMath.binaryBlock(op, av, bv, n);
                        storeFloat(os, off[2] + start * step[2], step[2], av, n);
                    }
                };
            });
            return;
        }
        index.forEachRow(new long[3], () -> {
            // One pair of buffers per task, not per row (broadcast ops walk thousands of short rows).
            double[] av = new double[buffer];
            double[] bv = new double[buffer];
            return (off, rowLength, step) -> {
                for (long start = 0; start < rowLength; start += BLOCK) {
                    int n = (int) Math.min(BLOCK, rowLength - start);
                    load(as, f32, off[0] + start * step[0], step[0], av, n);
                    load(bs, f32, off[1] + start * step[1], step[1], bv, n);
                    ElementMath.binaryBlock(op, av, bv, n);
                    store(os, f32, off[2] + start * step[2], step[2], av, n);
                }
            };
        });
    }

    @Override
    public void rectifierBackward(Storage x, Storage g, double positive, double other, Storage out) {
        StorageChecks.rectifierBackward(this, x, g, out);
        use("rectifierBackward", x, g, out);
        if (capture != null) {
            record(() -> rectifierBackward(x, g, positive, other, out));
            return;
        }
        MemorySegment xs = x.segment();
        MemorySegment gs = g.segment();
        MemorySegment os = out.segment();
        boolean f32 = x.dtype() == DType.FLOAT32;
        long numel = x.numel();
        double pos = f32 ? (float) positive : positive; // the factors as the composed form's where stores them
        double oth = f32 ? (float) other : other;
        Parallel.forRange(ceilDiv(numel, BLOCK), BLOCK, (fromBlock, toBlock) -> {
            double[] xb = new double[BLOCK];
            double[] gb = new double[BLOCK];
            for (long start = fromBlock * BLOCK; start < Math.min(toBlock * BLOCK, numel); start += BLOCK) {
                int n = (int) Math.min(BLOCK, numel - start);
                load(xs, f32, start, 1, xb, n);
                load(gs, f32, start, 1, gb, n);
                for (int i = 0; i < n; i++) {
                    gb[i] *= ElementMath.selectPositive(xb[i], pos, oth); // xb[i] > 0 ? pos : oth
                }
                store(os, f32, start, 1, gb, n);
            }
        });
    }

    @Override
    public void where(Storage cond, long[] condStrides, Storage a, long[] aStrides, Storage b, long[] bStrides,
                      Storage out, long[] outShape) {
        StorageChecks.owned(this, "where", cond, a, b, out);
        StorageChecks.sameDtype("where", cond, a, b, out);
        StorageChecks.stridedReach("where", "cond", cond, 0, condStrides, outShape);
        StorageChecks.stridedReach("where", "a", a, 0, aStrides, outShape);
        StorageChecks.stridedReach("where", "b", b, 0, bStrides, outShape);
        StorageChecks.stridedReach("where", "out", out, 0, denseStrides(outShape), outShape);
        use("where", cond, a, b, out);
        if (capture != null) {
            long[] keptCond = condStrides.clone();
            long[] keptA = aStrides.clone();
            long[] keptB = bStrides.clone();
            long[] keptShape = outShape.clone();
            record(() -> where(cond, keptCond, a, keptA, b, keptB, out, keptShape));
            return;
        }
        MemorySegment cs = cond.segment();
        MemorySegment as = a.segment();
        MemorySegment bs = b.segment();
        MemorySegment os = out.segment();
        boolean f32 = a.dtype() == DType.FLOAT32;
        new StridedIndex(outShape, condStrides, aStrides, bStrides, denseStrides(outShape)).forEachRow(new long[4],
                () -> (off, n, step) -> {
                    long ci = off[0];
                    long ai = off[1];
                    long bi = off[2];
                    long oi = off[3];
                    for (long i = 0; i < n; i++, ci += step[0], ai += step[1], bi += step[2], oi += step[3]) {
                        double v = get(cs, f32, ci) != 0 ? get(as, f32, ai) : get(bs, f32, bi);
                        set(os, f32, oi, v);
                    }
                });
    }

    // ---- reductions --------------------------------------------------------------------------------------

    @Override
    public void reduce(ReduceOp op, Storage x, long[] shape, int[] axes, Storage out) {
        StorageChecks.owned(this, "reduce " + op, x, out);
        StorageChecks.sameDtype("reduce " + op, x, out);
        StorageChecks.reduceSizes("reduce " + op, x, shape, axes, out);
        use("reduce " + op, x, out);
        if (capture != null) {
            long[] keptShape = shape.clone();
            int[] keptAxes = axes.clone();
            record(() -> reduce(op, x, keptShape, keptAxes, out));
            return;
        }
        int rank = shape.length;
        boolean[] reduced = new boolean[rank];
        for (int a : axes) {
            if (a < 0 || a >= rank || reduced[a]) {
                throw new IllegalArgumentException("reduce " + op + ": bad axes " + Arrays.toString(axes)
                        + " for shape " + Arrays.toString(shape));
            }
            reduced[a] = true;
        }
        long[] xStrides = denseStrides(shape);
        // Kept dims index the output; reduced dims are walked for each output element.
        int kept = rank - axes.length;
        long[] keptShape = new long[kept];
        long[] keptStrides = new long[kept];
        long[] redShape = new long[axes.length];
        long[] redStrides = new long[axes.length];
        long count = 1;
        for (int d = 0, ki = 0, ri = 0; d < rank; d++) {
            if (reduced[d]) {
                redShape[ri] = shape[d];
                redStrides[ri++] = xStrides[d];
                count *= shape[d];
            } else {
                keptShape[ki] = shape[d];
                keptStrides[ki++] = xStrides[d];
            }
        }
        long outCount = out.numel();
        MemorySegment xs = x.segment();
        MemorySegment os = out.segment();
        boolean f32 = x.dtype() == DType.FLOAT32;
        StridedIndex inner = new StridedIndex(redShape, redStrides);
        double divisor = op == ReduceOp.MEAN ? count : 1;
        long finalCount = count;
        Parallel.forRange(outCount, count, (from, to) -> {
            long[] base = new long[1];
            double[] acc = new double[1];
            for (long o = from; o < to; o++) {
                // Output element o (row-major over keptShape) -> input offset of its first element.
                long rem = o;
                long off = 0;
                for (int d = kept - 1; d >= 0; d--) {
                    off += (rem % keptShape[d]) * keptStrides[d];
                    rem /= keptShape[d];
                }
                base[0] = off;
                acc[0] = op == ReduceOp.MAX ? Double.NEGATIVE_INFINITY : 0.0;
                if (finalCount == 0) {
                    acc[0] = op == ReduceOp.MAX ? Double.NaN : (op == ReduceOp.MEAN ? Double.NaN : 0.0);
                } else {
                    inner.forEachRowSequential(base, (offs, n, step) -> {
                        long xi = offs[0];
                        double s = acc[0];
                        if (op == ReduceOp.MAX) {
                            for (long i = 0; i < n; i++, xi += step[0]) {
                                double v = get(xs, f32, xi);
                                s = (v > s || Double.isNaN(v)) ? v : s;
                                if (Double.isNaN(s)) {
                                    break;
                                }
                            }
                        } else {
                            for (long i = 0; i < n; i++, xi += step[0]) {
                                s += get(xs, f32, xi);
                            }
                        }
                        acc[0] = s;
                    });
                }
                set(os, f32, o, acc[0] / divisor);
            }
        });
    }

    // ---- linear algebra ----------------------------------------------------------------------------------

    @Override
    public void matmul(Storage a, long aBatchStride, boolean transA, Storage b, long bBatchStride, boolean transB,
                       Storage out, int batch, int m, int n, int k) {
        StorageChecks.owned(this, "matmul", a, b, out);
        StorageChecks.sameDtype("matmul", a, b, out);
        StorageChecks.matmulSizes("matmul", a, aBatchStride, b, bBatchStride, out, batch, m, n, k);
        use("matmul", a, b, out);
        if (capture != null) {
            record(() -> matmul(a, aBatchStride, transA, b, bBatchStride, transB, out, batch, m, n, k));
            return;
        }
        long es = a.dtype().byteSize();
        for (int i = 0; i < batch; i++) {
            blas.gemm(a.dtype(), transA, transB, m, n, k, 1.0,
                    a.segment().asSlice(i * aBatchStride * es), transA ? m : k,
                    b.segment().asSlice(i * bBatchStride * es), transB ? k : n,
                    0.0, out.segment().asSlice((long) i * m * n * es), n);
        }
    }

    // ---- convolution -------------------------------------------------------------------------------------

    @Override
    public void conv2dForward(Storage x, Storage w, Storage y, ConvGeometry g) {
        StorageChecks.owned(this, "conv2dForward", x, w, y);
        StorageChecks.sameDtype("conv2dForward", x, w, y);
        StorageChecks.convSizes("conv2dForward", g, x, w, y);
        use("conv2dForward", x, w, y);
        if (capture != null) {
            record(() -> conv2dForward(x, w, y, g));
            return;
        }
        convolution.forward(x, w, y, g);
    }

    @Override
    public void conv2dBackwardData(Storage dy, Storage w, Storage dx, ConvGeometry g) {
        StorageChecks.owned(this, "conv2dBackwardData", dy, w, dx);
        StorageChecks.sameDtype("conv2dBackwardData", dy, w, dx);
        StorageChecks.convSizes("conv2dBackwardData", g, dx, w, dy);
        use("conv2dBackwardData", dy, w, dx);
        if (capture != null) {
            record(() -> conv2dBackwardData(dy, w, dx, g));
            return;
        }
        convolution.backwardData(dy, w, dx, g);
    }

    @Override
    public void conv2dBackwardWeight(Storage x, Storage dy, Storage dw, ConvGeometry g) {
        StorageChecks.owned(this, "conv2dBackwardWeight", x, dy, dw);
        StorageChecks.sameDtype("conv2dBackwardWeight", x, dy, dw);
        StorageChecks.convSizes("conv2dBackwardWeight", g, x, dw, dy);
        use("conv2dBackwardWeight", x, dy, dw);
        if (capture != null) {
            record(() -> conv2dBackwardWeight(x, dy, dw, g));
            return;
        }
        convolution.backwardWeight(x, dy, dw, g);
    }

    // ---- random ------------------------------------------------------------------------------------------

    @Override
    public void randomUniform(Storage out, long seed, long offset) {
        CaptureRefusal.RANDOM_UNIFORM.check(capturing(), this);
        StorageChecks.owned(this, "randomUniform", out);
        use("randomUniform", out);
        Philox.fillUniform(out.segment(), out.dtype(), out.numel(), seed, offset);
    }

    @Override
    public void randomNormal(Storage out, long seed, long offset) {
        CaptureRefusal.RANDOM_NORMAL.check(capturing(), this);
        StorageChecks.owned(this, "randomNormal", out);
        use("randomNormal", out);
        Philox.fillNormal(out.segment(), out.dtype(), out.numel(), seed, offset);
    }

    // ---- fused (beside composed references: see Backend) ------------------------------------------------

    @Override
    public void squaredNorm(List<Storage> xs, Storage out) {
        StorageChecks.squaredNorm(this, xs, out);
        use("squaredNorm", xs.toArray(Storage[]::new));
        use("squaredNorm", out);
        if (capture != null) {
            List<Storage> keptXs = List.copyOf(xs);
            record(() -> squaredNorm(keptXs, out));
            return;
        }
        double sum = CpuSquaredNorm.sum(xs);
        if (out.dtype() == DType.FLOAT32) {
            out.segment().setAtIndex(JAVA_FLOAT, 0, (float) sum);
        } else {
            out.segment().setAtIndex(JAVA_DOUBLE, 0, sum);
        }
    }

    @Override
    public void batchNormForward(Storage x, Storage weight, Storage bias, BatchNormShape shape, double eps,
                                 Storage y, Storage mean, Storage var, BatchNormRunningStats running) {
        StorageChecks.batchNormForward(this, shape, eps, x, weight, bias, y, mean, var, running);
        use("batchNormForward", x, weight, bias, y, mean, var, running == null ? null : running.mean(),
                running == null ? null : running.var());
        if (capture != null) {
            record(() -> batchNormForward(x, weight, bias, shape, eps, y, mean, var, running));
            return;
        }
        CpuBatchNorm.forward(x, weight, bias, shape, eps, y, mean, var, running);
    }

    @Override
    public void batchNormBackward(Storage dy, Storage x, Storage mean, Storage var, Storage weight,
                                  BatchNormShape shape, double eps, Storage dx, Storage dWeight, Storage dBias) {
        StorageChecks.batchNormBackward(this, shape, eps, dy, x, mean, var, weight, dx, dWeight, dBias);
        use("batchNormBackward", dy, x, mean, var, weight, dx, dWeight, dBias);
        if (capture != null) {
            record(() -> batchNormBackward(dy, x, mean, var, weight, shape, eps, dx, dWeight, dBias));
            return;
        }
        CpuBatchNorm.backward(dy, x, mean, var, weight, shape, eps, dx, dWeight, dBias);
    }

    // ---- optimizer ---------------------------------------------------------------------------------------

    /** The reference per-tensor loop (see {@link CpuOptimizerStep}; the math is in {@link OptimizerMath}). */
    @Override
    public void optimizerStep(OptimizerHyper hyper, List<ParamSlot> slots, Storage guard) {
        CaptureRefusal.OPTIMIZER_STEP.check(capturing(), this);
        if (!openCaptures.isEmpty()) {
            for (ParamSlot slot : slots) {
                use("optimizerStep", slot.weight(), slot.grad(), slot.state1(), slot.state2());
            }
            use("optimizerStep", guard);
        }
        CpuOptimizerStep.run(this, hyper, slots, guard);
    }

    @Override
    public void synchronize() {
        CaptureRefusal.SYNCHRONIZE.check(capturing(), this);
        // Every CPU call completes before it returns.
    }

    // ---- capture -----------------------------------------------------------------------------------------

    /** The capture under way, or null. One thread drives the backend while it records (Backend#beginCapture). */
    private volatile CpuCapture capture;
    /** The captures not yet closed (recording or recorded), whose rules {@link #use} applies. */
    private final List<CpuCapture> openCaptures = new CopyOnWriteArrayList<>();

    @Override
    public synchronized void beginCapture() {
        if (capture != null) {
            throw new IllegalStateException("beginCapture: the CPU backend is already capturing (" + capture + ")");
        }
        capture = new CpuCapture(this);
        openCaptures.add(capture);
    }

    /** The capture recording now, or null. */
    CpuCapture recordingCapture() {
        return capture;
    }

    /** {@code c} was closed. */
    void captureClosed(CpuCapture c) {
        openCaptures.remove(c);
    }

    @Override
    public synchronized CapturedCalls endCapture() {
        CpuCapture c = capture;
        if (c == null) {
            throw new IllegalStateException("endCapture: the CPU backend is not capturing");
        }
        capture = null;
        c.finish();
        return c;
    }

    @Override
    public boolean capturing() {
        return capture != null;
    }

    /**
     * Records {@code call} (the method itself, run again by a replay) in the capture under way, after the method has
     * checked its arguments as an uncaptured call does ({@link #use} included). Callers copy the arrays they pass
     * first: theirs may be reused before a replay.
     */
    private void record(Runnable call) {
        capture.add(call);
    }

    /**
     * Applies the open captures' rules to a call of {@code op} on {@code storages} (null entries skipped), recorded or
     * not, so that what a CUDA graph cannot do fails here too ({@link CpuCapture#checkUse}). Nothing to check while a
     * capture replays its own calls, or when no capture is open.
     */
    private void use(String op, Storage... storages) {
        if (openCaptures.isEmpty() || CpuCapture.replaying()) {
            return;
        }
        CpuCapture recording = capture;
        for (CpuCapture c : openCaptures) {
            c.checkUse(op, recording, storages);
        }
    }

    @Override
    public String toString() {
        return "CpuBackend";
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    /** Elements per block of the elementwise loops: 16 KiB of doubles, resident in L1. */
    private static final int BLOCK = 2048;

    /** Each thread's float32 staging array for the unit-stride {@link #load} and {@link #store}. */
    private static final ThreadLocal<float[]> FLOAT_STAGING = ThreadLocal.withInitial(() -> new float[BLOCK]);

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** dst[i] = s[off + i*step] for i < n. */
    static void load(MemorySegment s, boolean f32, long off, long step, double[] dst, int n) {
        if (step == 0) {
            Arrays.fill(dst, 0, n, get(s, f32, off)); // a broadcast operand
            return;
        }
        if (step == 1) {
            if (f32) {
                // A bulk copy, then a widening loop over two arrays at the same index, which the JIT vectorizes
                // (reading the segment element by element in the loop keeps it scalar).
                float[] staged = staging(n);
                MemorySegment.copy(s, JAVA_FLOAT, off * Float.BYTES, staged, 0, n);
                for (int i = 0; i < n; i++) {
                    dst[i] = staged[i];
                }
            } else {
                MemorySegment.copy(s, JAVA_DOUBLE, off * 8, dst, 0, n);
            }
            return;
        }
        if (f32) {
            for (int i = 0; i < n; i++, off += step) {
                dst[i] = s.getAtIndex(JAVA_FLOAT, off);
            }
        } else {
            for (int i = 0; i < n; i++, off += step) {
                dst[i] = s.getAtIndex(JAVA_DOUBLE, off);
            }
        }
    }

    /** s[off + i*step] = src[i] for i < n, rounded to float32 when f32. */
    static void store(MemorySegment s, boolean f32, long off, long step, double[] src, int n) {
        if (step == 1) {
            if (f32) {
                float[] staged = staging(n);
                for (int i = 0; i < n; i++) {
                    staged[i] = (float) src[i];
                }
                MemorySegment.copy(staged, 0, s, JAVA_FLOAT, off * Float.BYTES, n);
            } else {
                MemorySegment.copy(src, 0, s, JAVA_DOUBLE, off * 8, n);
            }
            return;
        }
        if (f32) {
            for (int i = 0; i < n; i++, off += step) {
                s.setAtIndex(JAVA_FLOAT, off, (float) src[i]);
            }
        } else {
            for (int i = 0; i < n; i++, off += step) {
                s.setAtIndex(JAVA_DOUBLE, off, src[i]);
            }
        }
    }

    /** {@link #load} of float32 elements into a float array, as they are. */
    static void loadFloat(MemorySegment s, long off, long step, float[] dst, int n) {
        if (step == 0) {
            Arrays.fill(dst, 0, n, s.getAtIndex(JAVA_FLOAT, off)); // a broadcast operand
        } else if (step == 1) {
            MemorySegment.copy(s, JAVA_FLOAT, off * Float.BYTES, dst, 0, n);
        } else {
            for (int i = 0; i < n; i++, off += step) {
                dst[i] = s.getAtIndex(JAVA_FLOAT, off);
            }
        }
    }

    /** The inverse of {@link #loadFloat}. */
    static void storeFloat(MemorySegment s, long off, long step, float[] src, int n) {
        if (step == 1) {
            MemorySegment.copy(src, 0, s, JAVA_FLOAT, off * Float.BYTES, n);
        } else {
            for (int i = 0; i < n; i++, off += step) {
                s.setAtIndex(JAVA_FLOAT, off, src[i]);
            }
        }
    }

    /** This thread's float32 staging array, at least {@code n} long. */
    private static float[] staging(int n) {
        float[] staged = FLOAT_STAGING.get();
        if (staged.length < n) {
            staged = new float[n];
            FLOAT_STAGING.set(staged);
        }
        return staged;
    }

    static double get(MemorySegment s, boolean f32, long i) {
        return f32 ? s.getAtIndex(JAVA_FLOAT, i) : s.getAtIndex(JAVA_DOUBLE, i);
    }

    static void set(MemorySegment s, boolean f32, long i, double v) {
        if (f32) {
            s.setAtIndex(JAVA_FLOAT, i, (float) v);
        } else {
            s.setAtIndex(JAVA_DOUBLE, i, v);
        }
    }

    static long[] denseStrides(long[] shape) {
        long[] strides = new long[shape.length];
        long s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = s;
            s *= shape[d];
        }
        return strides;
    }

}
