package io.gcgan.backend.cuda;

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
import io.gcgan.backend.ScopedLifetime;
import io.gcgan.backend.Storage;
import io.gcgan.backend.StorageChecks;
import io.gcgan.backend.StridedSpace;
import io.gcgan.backend.UnaryOp;
import io.gcgan.bindings.CudaAvailability;
import io.gcgan.bindings.cudart.CudaException;
import io.gcgan.bindings.cudart.CudaRuntime;
import io.gcgan.bindings.kernels.GcganKernelException;
import io.gcgan.bindings.kernels.GcganKernels;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The {@link Backend} on one CUDA device: gcgan's own kernels (libgcgan_kernels) for fill, strided copy,
 * elementwise, reductions, the squared norm of a list, random fills, the fused optimizer step, fused batch
 * normalization and convolutions (by default); cuBLAS for matmul; cuDNN for convolutions on request.
 * Obtain it with {@code Backends.of(Device.cuda(i))}, which creates one instance per device.
 *
 * <h2>Memory</h2>
 * Storage is {@code cudaMallocAsync} device memory from the device's default stream-ordered pool, whose release
 * threshold is raised to UINT64_MAX so that freed memory stays cached in the pool ({@link DevicePool}). An allocation
 * in a scoped {@link Lifetime} (a {@code TensorScope}) is freed with {@code cudaFreeAsync} when the scope closes, and
 * its {@link Storage#segment()} (the device address, length 0, never to be dereferenced on the host) is tied to the
 * scope's arena: a storage used after its scope closed fails with {@link IllegalStateException} instead of touching
 * freed device memory. In the automatic lifetime a {@link java.lang.ref.Cleaner} frees it once the {@link Storage}
 * is unreachable (a backstop, as DESIGN.md says; it is attached to the segment's own automatic arena, see
 * {@link #allocate}).
 *
 * <h2>Stream and synchronization</h2>
 * Every operation is queued on the device's single non-blocking stream ({@link CudaDevice}) and returns at once. The
 * host waits for the device only in {@link #copyToHost} (which must), in {@link #synchronize()}, and once per new
 * convolution geometry and pass when the cuDNN algorithm is measured ({@link ConvAlgorithmSearch#MEASURE}). Errors of
 * a kernel that fails while running surface at the next of these synchronizing calls. Host-to-device copies from
 * pageable memory return once CUDA has staged the bytes, so the source may be reused at once; heap segments
 * ({@code MemorySegment.ofArray}) are staged through native memory first.
 *
 * <h2>Numerics</h2>
 * float32 parity with the CPU oracle by default: cuBLAS runs in {@code CUBLAS_DEFAULT_MATH} and cuDNN float32
 * convolutions in {@code CUDNN_FMA_MATH}, so no product is rounded to TF32. {@link #allowTf32(boolean)} lets both use
 * TF32 tensor cores (about 10-bit mantissa products; several times faster on A100/H100). Elementwise ops and
 * reductions follow the CPU backend's definitions (evaluated in double, sums accumulated in double, Java's NaN rules
 * for max/min/pow); Philox fills are bit-identical to the CPU's.
 *
 * <h2>Convolutions</h2>
 * The implementation is chosen per call ({@link #conv2dForward(Storage, Storage, Storage, ConvGeometry,
 * ConvImplementation)} and the two backward passes) or by the default ({@link #setDefaultConvImplementation}):
 * {@link ConvImplementation#OWN} (the default), gcgan's own implicit-GEMM kernels ({@link OwnConvolution}; TF32
 * where {@link #allowTf32} allows it, as for cuDNN), {@link ConvImplementation#GEMM}, our im2col and col2im around
 * cuBLAS GEMMs ({@link GemmConvolution}), {@link ConvImplementation#CUDNN}, or {@link ConvImplementation#AUTO}, the
 * fastest of those three per pass and geometry, measured once ({@link ConvAutotune}). cuDNN plans (descriptors and the
 * algorithm per pass) are cached per geometry, dtype and TF32 setting ({@link CudnnConvolution}); cuDNN's FFT and
 * Winograd algorithms are used only when {@link #allowConvTransformAlgorithms allowed} (off by default, for parity).
 * OWN and GEMM repeat bit for bit; cuDNN does when {@link #requireDeterministicConvAlgorithms required} (off by
 * default, as in PyTorch).
 *
 * <p>Any thread may call the backend; calls are queued in the order they are made. Settings ({@link #allowTf32},
 * the conv defaults) are per backend, i.e. per device.
 */
public final class CudaBackend implements Backend {

    /** Default cap on the workspace cuDNN may use while measuring algorithms. */
    public static final long DEFAULT_CONV_SEARCH_WORKSPACE = 1L << 30;

    /** Per-thread host memory for the layout structs of one call (read by the C function during the call). */
    private static final ThreadLocal<MemorySegment> STRUCTS = ThreadLocal.withInitial(
            () -> Arena.ofAuto().allocate(Math.max(KernelLayouts.stridedBytes(), KernelLayouts.reduceBytes()), 16));

    /** "unary NEG", ...: the op names of argument-check messages, made once rather than per call. */
    private static final String[] UNARY_NAMES = opNames("unary ", UnaryOp.values());
    private static final String[] BINARY_NAMES = opNames("binary ", BinaryOp.values());
    private static final String[] REDUCE_NAMES = opNames("reduce ", ReduceOp.values());

    private final Device device;
    private final CudaDevice cuda;
    private final DevicePool pool;
    /**
     * Device memory of automatic-lifetime storage (tensors made outside any scope), which only the collector frees:
     * past {@code -Dgcgan.cuda.collectedMemoryBytes} (default 1 GiB) held, a collection is asked for.
     */
    private final CollectedMemory collected =
            new CollectedMemory(Long.getLong("gcgan.cuda.collectedMemoryBytes", 1L << 30));
    private final CublasHandle cublas;
    private final CudnnConvolution cudnn;
    private final OwnConvolution own;
    private final GemmConvolution gemm;
    private final ConvAutotune autotune = new ConvAutotune(
            List.of(ConvImplementation.OWN, ConvImplementation.GEMM, ConvImplementation.CUDNN));
    private final String description;

    private volatile boolean tf32;
    // OWN by default (issue 6: our kernels are the product's conv): a direct kernel launch where a cuDNN legacy-API
    // call costs the host 70-100 us. H200, 2026-11-27 (bench/results/): mnist28 step 35% faster than with cuDNN,
    // dcgan64 step 15% slower (our passes over its 128-512-channel layers are 1.1-1.8x cuDNN's).
    private volatile ConvImplementation defaultConv = ConvImplementation.OWN;
    private volatile ConvAlgorithmSearch convSearch = ConvAlgorithmSearch.MEASURE;
    private volatile long convSearchWorkspace = DEFAULT_CONV_SEARCH_WORKSPACE;
    private volatile boolean convTransforms;
    private volatile boolean convDeterministic;
    private volatile ConvAutotuneTiming autotuneTiming = ConvAutotuneTiming.WITH_LAUNCHES;

    private CudaBackend(Device device) {
        this.device = device;
        this.cuda = CudaDevice.open(device.index());
        this.pool = new DevicePool(cuda);
        this.cublas = new CublasHandle(cuda);
        this.cudnn = new CudnnConvolution(cuda, pool);
        this.own = new OwnConvolution(cuda);
        this.gemm = new GemmConvolution(this, new KernelIm2col(cuda), ScopedLifetime::confined);
        this.description = device + " (" + cuda.name() + ", driver for CUDA " + cuda.driverVersion()
                + ", CUDA runtime " + cuda.runtimeVersion() + ", cuDNN " + CudnnConvolution.version() + ", cuBLAS "
                + CublasHandle.version() + ")";
    }

    /**
     * A new CUDA backend on {@code device}; use {@code Backends.of(device)} instead, which keeps one per device
     * (storages of two instances cannot be mixed).
     *
     * @throws CudaUnavailableException when CUDA cannot run here (its {@link CudaUnavailableException#reason()} is
     *         {@link CudaAvailability.Report#reason()}: what is missing and where it was looked for), or when the
     *         device index is not below the number of CUDA devices (the message names the count)
     * @throws IllegalArgumentException when {@code device} is not a CUDA device
     */
    public static CudaBackend create(Device device) {
        Objects.requireNonNull(device, "device");
        if (device.kind() != Device.Kind.CUDA) {
            throw new IllegalArgumentException("CudaBackend.create: " + device + " is not a CUDA device");
        }
        CudaAvailability.Report report = CudaAvailability.probe();
        if (!report.cudaBackendAvailable()) {
            throw new CudaUnavailableException(device, report.reason());
        }
        int count = CudaDevice.count();
        if (device.index() >= count) {
            throw new CudaUnavailableException(device, "no such CUDA device: this machine has " + count
                    + (count == 1 ? " CUDA device (cuda:0)" : " CUDA devices (cuda:0 .. cuda:" + (count - 1) + ")"));
        }
        return new CudaBackend(device);
    }

    @Override
    public Device device() {
        return device;
    }

    /** E.g. "cuda:0 (NVIDIA H100 80GB HBM3, driver for CUDA 13.0, CUDA runtime 13.0, cuDNN 9.14.0, cuBLAS 13.0.0)". */
    @Override
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return "CudaBackend(" + device + ")";
    }

    // ---- settings ----------------------------------------------------------------------------------------

    /** Lets float32 matmul (cuBLAS) and convolutions (cuDNN and OWN) use TF32 tensor cores. Off by default. */
    public void allowTf32(boolean allow) {
        this.tf32 = allow;
    }

    public boolean tf32Allowed() {
        return tf32;
    }

    /** The implementation the {@link Backend} conv methods use (the per-call overloads take one explicitly). */
    public void setDefaultConvImplementation(ConvImplementation implementation) {
        this.defaultConv = Objects.requireNonNull(implementation, "implementation");
    }

    public ConvImplementation defaultConvImplementation() {
        return defaultConv;
    }

    /**
     * What {@link ConvImplementation#AUTO} has chosen so far, one line per pass, geometry, dtype, math and timing, with
     * each candidate's measured median, e.g. "FORWARD ConvGeometry[n=64, c=256, ...] FLOAT32 fp32 with-launches ->
     * GEMM (OWN 0.1210 ms, GEMM 0.0984 ms, CUDNN 0.1032 ms)", sorted.
     */
    public List<String> autotunedConvChoices() {
        return autotune.choices().entrySet().stream()
                .map(e -> e.getKey().pass() + " " + e.getKey().geometry() + " " + e.getKey().dtype() + " "
                        + (e.getKey().tf32() ? "tf32" : "fp32") + " " + e.getKey().timing().optionName() + " -> "
                        + e.getValue() + " (" + autotune.medianMillis(e.getKey()).entrySet().stream()
                                .map(m -> m.getKey() + String.format(Locale.ROOT, " %.4f ms", m.getValue()))
                                .collect(Collectors.joining(", ")) + ")")
                .sorted()
                .toList();
    }

    /**
     * {@link ConvImplementation#AUTO}'s choices so far as text, one line per pass, geometry, dtype and math (the format
     * {@link #importConvChoices} reads; a comment line names this device). Save it with a run, and import it into the
     * run that resumes or repeats it: auto then takes the same implementation for every pass instead of measuring
     * again, whose result can differ from run to run. (With cuDNN chosen for a pass, cuDNN still picks its algorithm
     * per run unless {@link #requireDeterministicConvAlgorithms} keeps it to deterministic ones.)
     */
    public String exportConvChoices() {
        return ConvChoicesText.format(autotune.choices(), device + " (" + cuda.name() + ")");
    }

    /**
     * Makes the choices in {@code text} ({@link #exportConvChoices}' format) {@link ConvImplementation#AUTO}'s for
     * those passes, with either autotune timing, replacing what it had chosen for them: it runs them without measuring.
     * Choices made on another device are taken as they are (they may not be the fastest there).
     *
     * @param source what the text is (a file name), for the error messages
     * @return the number of choices taken: all of them, but those naming cuDNN where it does not load
     * @throws IllegalArgumentException naming {@code source} and the line, for text not in that format; nothing is
     *                                  imported then
     */
    public int importConvChoices(String text, String source) {
        List<ConvChoicesText.Choice> choices = ConvChoicesText.parse(text, source);
        // Where cuDNN does not load, its choices are left to auto to measure again (it then leaves cuDNN out).
        boolean cudnnLoads = CudaAvailability.probe().available(CudaAvailability.Component.CUDNN);
        int imported = 0;
        for (ConvChoicesText.Choice c : choices) {
            if (c.implementation() == ConvImplementation.CUDNN && !cudnnLoads) {
                continue;
            }
            imported++;
            for (ConvAutotuneTiming timing : ConvAutotuneTiming.values()) {
                autotune.preset(new ConvAutotune.Key(c.pass(), c.geometry(), c.dtype(), c.tf32(), timing),
                        c.implementation());
            }
        }
        return imported;
    }

    /**
     * How {@link ConvImplementation#AUTO} times its candidates for the passes it measures from now on (choices are kept
     * per timing): {@link ConvAutotuneTiming#WITH_LAUNCHES} (the default) or {@link ConvAutotuneTiming#DEVICE_ONLY}.
     */
    public void setConvAutotuneTiming(ConvAutotuneTiming timing) {
        this.autotuneTiming = Objects.requireNonNull(timing, "timing");
    }

    public ConvAutotuneTiming convAutotuneTiming() {
        return autotuneTiming;
    }

    /** How cuDNN algorithms are chosen for geometries planned from now on (default MEASURE). */
    public void setConvAlgorithmSearch(ConvAlgorithmSearch search) {
        this.convSearch = Objects.requireNonNull(search, "search");
    }

    public ConvAlgorithmSearch convAlgorithmSearch() {
        return convSearch;
    }

    /**
     * Lets cuDNN use its FFT and Winograd convolution algorithms (off by default): faster for some stride-1 3x3 and
     * 5x5 shapes, but their float32 rounding errors are well above those of a direct sum, which the default keeps for
     * parity with the CPU oracle. Applies to geometries whose plan is made from now on (plans are cached per setting).
     */
    public void allowConvTransformAlgorithms(boolean allow) {
        this.convTransforms = allow;
    }

    public boolean convTransformAlgorithmsAllowed() {
        return convTransforms;
    }

    /**
     * Keeps cuDNN to the convolution algorithms it reports as deterministic (off by default, as PyTorch's
     * {@code torch.backends.cudnn.deterministic}): the others add partial sums with atomics, so their last bits can
     * differ from run to run on the same inputs, and Adam's normalized steps let such differences grow. Our own
     * kernels (split-K partials added in a fixed order) and the GEMM path (cuBLAS on one stream) are deterministic
     * either way. With it, {@link ConvImplementation#CUDNN} repeats bit for bit, at a cost: on an H200 the dcgan64
     * training step with cuDNN convs took 15.8 ms with deterministic algorithms and 9.2 ms without (two runs,
     * 2026-11-27, {@code bench/results/2026-11-27-h200-captured.md}), most of it in backward-data passes. Applies to
     * geometries whose plan is made from now on (plans are cached per setting).
     */
    public void requireDeterministicConvAlgorithms(boolean require) {
        this.convDeterministic = require;
    }

    public boolean deterministicConvAlgorithmsRequired() {
        return convDeterministic;
    }

    /** The most device memory cuDNN may use as workspace while measuring algorithms (default 1 GiB). */
    public void setConvSearchWorkspaceLimit(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("conv search workspace limit must be >= 0, got " + bytes);
        }
        this.convSearchWorkspace = bytes;
    }

    /** Device memory allocated by this backend and not yet freed (scratch workspaces included), in bytes. */
    public long deviceMemoryInUse() {
        return pool.liveBytes();
    }

    /** Allocations made by this backend and not yet freed. */
    public long liveAllocations() {
        return pool.liveCount();
    }

    /**
     * Device memory held for stream-ordered allocations, in bytes: what is in use ({@link #deviceMemoryInUse}) plus
     * what freed allocations left reserved for reuse (the default pool keeps all of it, so that allocations after the
     * first step need no device synchronization), graph allocations included. Counts the whole device's default pool.
     */
    public long deviceMemoryReserved() {
        return pool.reservedBytes();
    }

    /**
     * Waits for the device and returns the memory kept for reuse to the driver (as {@code torch.cuda.empty_cache()}
     * does): for a program that is done training and keeps running, or that shares the GPU. Memory in use stays, and
     * so does the graph memory of captures not yet closed. The next allocations are slower until the pool has grown
     * again.
     */
    public void releaseCachedMemory() {
        CaptureRefusal.RELEASE_CACHED_MEMORY.check(capturing(), this);
        pool.releaseCached();
    }

    /** The CUDA device and stream this backend runs on. */
    CudaDevice cudaDevice() {
        return cuda;
    }

    // ---- memory ------------------------------------------------------------------------------------------

    @Override
    public Storage allocate(DType dtype, long numel, Lifetime lifetime) {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(lifetime, "lifetime");
        if (numel < 0) {
            throw new IllegalArgumentException("allocate: numel must be >= 0, got " + numel);
        }
        if (numel == 0) {
            return new Storage(this, dtype, 0, MemorySegment.NULL, lifetime);
        }
        long bytes = Math.multiplyExact(numel, dtype.byteSize());
        long address = allocateOrCollect(bytes);
        CudaGraphCapture c = capture;
        if (c != null) {
            // A graph allocation (CudaGraphCapture): its segment lives as long as the capture; its scope's free, if
            // the scope closes while recording, frees it inside the graph, and later ones do nothing. In the
            // automatic lifetime no Cleaner frees it: the capture does when it closes.
            if (lifetime.scoped()) {
                lifetime.onClose(() -> c.freeFromScope(address, bytes));
            }
            Storage storage = new Storage(this, dtype, numel, c.segment(address, lifetime), lifetime);
            c.allocated(storage);
            return storage;
        }
        if (lifetime.scoped()) {
            MemorySegment segment;
            try {
                segment = scopedSegment(address, lifetime);
                lifetime.onClose(() -> pool.free(address, bytes));
            } catch (RuntimeException e) {
                pool.free(address, bytes);
                throw e;
            }
            return new Storage(this, dtype, numel, segment, lifetime);
        }
        collected.allocated(bytes);
        return new Storage(this, dtype, numel, automaticSegment(pool, collected, address, bytes), lifetime);
    }

    /**
     * {@code bytes} from the pool; when that fails while unreachable automatic storage holds device memory, a
     * collection frees it and the allocation is tried once more.
     */
    private long allocateOrCollect(long bytes) {
        try {
            return pool.allocate(bytes);
        } catch (CudaException e) {
            if (capture != null || collected.held() == 0 || !collected.collectNow()) {
                throw e;
            }
            return pool.allocate(bytes);
        }
    }

    /** The device address as a zero-length segment of the lifetime's arena: unusable once the lifetime ends. */
    @SuppressWarnings("restricted")
    private static MemorySegment scopedSegment(long address, Lifetime lifetime) {
        return MemorySegment.ofAddress(address).reinterpret(lifetime.arena(), null);
    }

    /**
     * The device address as a zero-length segment of its own automatic arena, whose cleanup action (run by a
     * {@link java.lang.ref.Cleaner} once the segment, and so the {@link Storage} holding it, is unreachable) frees the
     * memory. The backstop is tied to the segment rather than to the Storage object because a downcall that is passed
     * the segment keeps its arena alive for the duration of the call: the memory cannot be freed while a kernel that
     * uses it is being queued (a Cleaner on the Storage could run as soon as the Storage's last field read is done),
     * and the free itself is stream-ordered after that kernel.
     */
    @SuppressWarnings("restricted")
    private static MemorySegment automaticSegment(DevicePool pool, CollectedMemory collected, long address,
                                                  long bytes) {
        return MemorySegment.ofAddress(address).reinterpret(Arena.ofAuto(), new Free(pool, collected, address, bytes));
    }

    /** The backstop's cleanup action: holds no reference to the Storage or segment it frees. */
    private record Free(DevicePool pool, CollectedMemory collected, long address, long bytes)
            implements Consumer<MemorySegment> {
        @Override
        public void accept(MemorySegment ignored) {
            collected.released(bytes);
            try {
                pool.free(address, bytes);
            } catch (RuntimeException e) {
                // A backstop must not throw on the Cleaner thread; the memory stays reserved in the pool.
            }
        }
    }

    @Override
    public void fill(Storage dst, double value) {
        StorageChecks.owned(this, "fill", dst);
        use("fill", dst);
        long n = dst.numel();
        if (n == 0) {
            return;
        }
        cuda.makeCurrent();
        int status = dst.dtype() == DType.FLOAT32
                ? GcganKernels.gcgan_fill_f32(dst.segment(), n, (float) value, cuda.stream())
                : GcganKernels.gcgan_fill_f64(dst.segment(), n, value, cuda.stream());
        if (status != GcganKernels.GCGAN_OK) {
            throw GcganKernelException.of(status, "gcgan_fill_" + suffix(dst.dtype()) + "(n=" + n + ")");
        }
    }

    @Override
    public void copyFromHost(MemorySegment src, Storage dst) {
        CaptureRefusal.COPY_FROM_HOST.check(capturing(), this);
        StorageChecks.owned(this, "copyFromHost", dst);
        use("copyFromHost", dst);
        StorageChecks.hostSegment("copyFromHost", dst, src, false);
        long bytes = dst.byteSize();
        if (bytes == 0) {
            return;
        }
        cuda.makeCurrent();
        if (src.isNative()) {
            memcpy(dst.segment(), src, bytes, CudaRuntime.cudaMemcpyHostToDevice, "copyFromHost");
            return;
        }
        // A heap segment cannot be passed to native code: stage it. The runtime has copied pageable memory out by
        // the time cudaMemcpyAsync returns, so the staging buffer may be freed at once.
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staging = arena.allocate(bytes, 64);
            MemorySegment.copy(src, 0, staging, 0, bytes);
            memcpy(dst.segment(), staging, bytes, CudaRuntime.cudaMemcpyHostToDevice, "copyFromHost");
        }
    }

    @Override
    public void copyToHost(Storage src, MemorySegment dst) {
        CaptureRefusal.COPY_TO_HOST.check(capturing(), this);
        StorageChecks.owned(this, "copyToHost", src);
        use("copyToHost", src);
        StorageChecks.hostSegment("copyToHost", src, dst, true);
        long bytes = src.byteSize();
        if (bytes == 0) {
            return;
        }
        cuda.makeCurrent();
        if (dst.isNative()) {
            memcpy(dst, src.segment(), bytes, CudaRuntime.cudaMemcpyDeviceToHost, "copyToHost");
            cuda.synchronize();
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staging = arena.allocate(bytes, 64);
            memcpy(staging, src.segment(), bytes, CudaRuntime.cudaMemcpyDeviceToHost, "copyToHost");
            cuda.synchronize();
            MemorySegment.copy(staging, 0, dst, 0, bytes);
        }
    }

    private void memcpy(MemorySegment dst, MemorySegment src, long bytes, int kind, String what) {
        int status = CudaRuntime.cudaMemcpyAsync(dst, src, bytes, kind, cuda.stream());
        if (status != CudaRuntime.cudaSuccess) {
            CudaException.check(status, "cudaMemcpyAsync(" + bytes + " bytes, "
                    + (kind == CudaRuntime.cudaMemcpyHostToDevice ? "host to device" : "device to host") + ") in "
                    + what + " on " + device);
        }
    }

    @Override
    public void copyStrided(Storage src, long srcOffset, long[] srcStrides,
                            Storage dst, long dstOffset, long[] dstStrides, long[] shape) {
        StorageChecks.owned(this, "copyStrided", src, dst);
        use("copyStrided", src, dst);
        StridedSpace space = StridedSpace.coalesce(shape, srcStrides, dstStrides);
        if (space.count() == 0) {
            return;
        }
        StorageChecks.stridedReach("copyStrided", "src", src, srcOffset, srcStrides, shape);
        StorageChecks.stridedReach("copyStrided", "dst", dst, dstOffset, dstStrides, shape);
        int srcType = dtypeCode(src.dtype());
        int dstType = dtypeCode(dst.dtype());
        cuda.makeCurrent();
        KernelLayouts.forEachLaunch(space, new long[] {srcOffset, dstOffset}, STRUCTS.get(), layout -> {
            int status = GcganKernels.gcgan_copy_strided(srcType, src.segment(), dstType, dst.segment(), layout,
                    cuda.stream());
            if (status != GcganKernels.GCGAN_OK) {
                throw GcganKernelException.of(status, "gcgan_copy_strided(shape " + Arrays.toString(shape) + ", "
                        + src.dtype().displayName() + " -> " + dst.dtype().displayName() + ")");
            }
        });
    }

    // ---- elementwise -------------------------------------------------------------------------------------

    @Override
    public void unary(UnaryOp op, double p0, double p1, Storage x, Storage out) {
        String name = UNARY_NAMES[op.ordinal()];
        StorageChecks.owned(this, name, x, out);
        StorageChecks.sameDtype(name, x, out);
        if (x.numel() != out.numel()) {
            throw new IllegalArgumentException("unary " + op + ": input has " + x.numel() + " elements, output "
                    + out.numel());
        }
        use(name, x, out);
        long n = x.numel();
        if (n == 0) {
            return;
        }
        cuda.makeCurrent();
        int code = unaryCode(op);
        int status = x.dtype() == DType.FLOAT32
                ? GcganKernels.gcgan_unary_f32(code, p0, p1, x.segment(), out.segment(), n, cuda.stream())
                : GcganKernels.gcgan_unary_f64(code, p0, p1, x.segment(), out.segment(), n, cuda.stream());
        if (status != GcganKernels.GCGAN_OK) {
            throw GcganKernelException.of(status, "gcgan_unary_" + suffix(x.dtype()) + "(" + op + ", n=" + n + ")");
        }
    }

    @Override
    public void binary(BinaryOp op, Storage a, long[] aStrides, Storage b, long[] bStrides, Storage out,
                       long[] outShape) {
        String name = BINARY_NAMES[op.ordinal()];
        StorageChecks.owned(this, name, a, b, out);
        StorageChecks.sameDtype(name, a, b, out);
        use(name, a, b, out);
        long[] outStrides = denseStrides(outShape);
        StridedSpace space = StridedSpace.coalesce(outShape, aStrides, bStrides, outStrides);
        if (space.count() == 0) {
            return;
        }
        StorageChecks.stridedReach(name, "a", a, 0, aStrides, outShape);
        StorageChecks.stridedReach(name, "b", b, 0, bStrides, outShape);
        StorageChecks.stridedReach(name, "out", out, 0, outStrides, outShape);
        int code = binaryCode(op);
        boolean f32 = a.dtype() == DType.FLOAT32;
        cuda.makeCurrent();
        KernelLayouts.forEachLaunch(space, new long[3], STRUCTS.get(), layout -> {
            int status = f32
                    ? GcganKernels.gcgan_binary_f32(code, a.segment(), b.segment(), out.segment(), layout,
                            cuda.stream())
                    : GcganKernels.gcgan_binary_f64(code, a.segment(), b.segment(), out.segment(), layout,
                            cuda.stream());
            if (status != GcganKernels.GCGAN_OK) {
                throw GcganKernelException.of(status, "gcgan_binary_" + suffix(a.dtype()) + "(" + op + ", shape "
                        + Arrays.toString(outShape) + ")");
            }
        });
    }

    @Override
    public void where(Storage cond, long[] condStrides, Storage a, long[] aStrides, Storage b, long[] bStrides,
                      Storage out, long[] outShape) {
        StorageChecks.owned(this, "where", cond, a, b, out);
        StorageChecks.sameDtype("where", cond, a, b, out);
        use("where", cond, a, b, out);
        long[] outStrides = denseStrides(outShape);
        StridedSpace space = StridedSpace.coalesce(outShape, condStrides, aStrides, bStrides, outStrides);
        if (space.count() == 0) {
            return;
        }
        StorageChecks.stridedReach("where", "cond", cond, 0, condStrides, outShape);
        StorageChecks.stridedReach("where", "a", a, 0, aStrides, outShape);
        StorageChecks.stridedReach("where", "b", b, 0, bStrides, outShape);
        StorageChecks.stridedReach("where", "out", out, 0, outStrides, outShape);
        boolean f32 = a.dtype() == DType.FLOAT32;
        cuda.makeCurrent();
        KernelLayouts.forEachLaunch(space, new long[4], STRUCTS.get(), layout -> {
            int status = f32
                    ? GcganKernels.gcgan_where_f32(cond.segment(), a.segment(), b.segment(), out.segment(), layout,
                            cuda.stream())
                    : GcganKernels.gcgan_where_f64(cond.segment(), a.segment(), b.segment(), out.segment(), layout,
                            cuda.stream());
            if (status != GcganKernels.GCGAN_OK) {
                throw GcganKernelException.of(status, "gcgan_where_" + suffix(a.dtype()) + "(shape "
                        + Arrays.toString(outShape) + ")");
            }
        });
    }

    @Override
    public void rectifierBackward(Storage x, Storage g, double positive, double other, Storage out) {
        StorageChecks.rectifierBackward(this, x, g, out);
        use("rectifierBackward", x, g, out);
        long n = x.numel();
        if (n == 0) {
            return;
        }
        cuda.makeCurrent();
        int status = x.dtype() == DType.FLOAT32
                ? GcganKernels.gcgan_rectifier_backward_f32(x.segment(), g.segment(), positive, other, n,
                        out.segment(), cuda.stream())
                : GcganKernels.gcgan_rectifier_backward_f64(x.segment(), g.segment(), positive, other, n,
                        out.segment(), cuda.stream());
        if (status != GcganKernels.GCGAN_OK) {
            throw GcganKernelException.of(status, "gcgan_rectifier_backward_" + suffix(x.dtype()) + "(positive="
                    + positive + ", other=" + other + ", n=" + n + ")");
        }
    }

    // ---- reductions --------------------------------------------------------------------------------------

    @Override
    public void reduce(ReduceOp op, Storage x, long[] shape, int[] axes, Storage out) {
        String name = REDUCE_NAMES[op.ordinal()];
        StorageChecks.owned(this, name, x, out);
        StorageChecks.sameDtype(name, x, out);
        use(name, x, out);
        StorageChecks.reduceSizes(name, x, shape, axes, out); // the axes distinct dimensions; x and out hold them
        boolean[] reduced = new boolean[shape.length];
        for (int a : axes) {
            reduced[a] = true;
        }
        KernelLayouts.Reduction r = KernelLayouts.reduction(shape, reduced);
        if (r.outCount() == 0) {
            return;
        }
        MemorySegment layout = STRUCTS.get();
        KernelLayouts.writeReduce(layout, r, 0);
        int code = reduceCode(op);
        cuda.makeCurrent();
        int status = x.dtype() == DType.FLOAT32
                ? GcganKernels.gcgan_reduce_f32(code, x.segment(), out.segment(), layout, cuda.stream())
                : GcganKernels.gcgan_reduce_f64(code, x.segment(), out.segment(), layout, cuda.stream());
        if (status != GcganKernels.GCGAN_OK) {
            throw GcganKernelException.of(status, "gcgan_reduce_" + suffix(x.dtype()) + "(" + op + ", shape "
                    + Arrays.toString(shape) + ", axes " + Arrays.toString(axes) + ")");
        }
    }

    // ---- squared norm ------------------------------------------------------------------------------------

    /** Two kernel launches for up to 256 storages (see {@link CudaSquaredNorm}); deterministic, no atomics. */
    @Override
    public void squaredNorm(List<Storage> xs, Storage out) {
        StorageChecks.squaredNorm(this, xs, out);
        use("squaredNorm", xs.toArray(Storage[]::new));
        use("squaredNorm", out);
        CudaSquaredNorm.run(this, xs, out);
    }

    // ---- linear algebra ----------------------------------------------------------------------------------

    @Override
    public void matmul(Storage a, long aBatchStride, boolean transA, Storage b, long bBatchStride, boolean transB,
                       Storage out, int batch, int m, int n, int k) {
        StorageChecks.owned(this, "matmul", a, b, out);
        StorageChecks.sameDtype("matmul", a, b, out);
        StorageChecks.matmulSizes("matmul", a, aBatchStride, b, bBatchStride, out, batch, m, n, k);
        use("matmul", a, b, out);
        if (batch == 0 || m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            fillRange(out, (long) batch * m * n, 0.0); // an empty sum (matmulSizes: out holds batch * m * n)
            return;
        }
        cublas.gemm(a.dtype(), tf32, a.segment(), aBatchStride, transA, b.segment(), bBatchStride, transB,
                out.segment(), batch, m, n, k);
    }

    private void fillRange(Storage dst, long n, double value) {
        cuda.makeCurrent();
        int status = dst.dtype() == DType.FLOAT32
                ? GcganKernels.gcgan_fill_f32(dst.segment(), n, (float) value, cuda.stream())
                : GcganKernels.gcgan_fill_f64(dst.segment(), n, value, cuda.stream());
        if (status != GcganKernels.GCGAN_OK) {
            throw GcganKernelException.of(status, "gcgan_fill_" + suffix(dst.dtype()) + "(n=" + n + ")");
        }
    }

    // ---- convolution -------------------------------------------------------------------------------------

    @Override
    public void conv2dForward(Storage x, Storage w, Storage y, ConvGeometry g) {
        conv2dForward(x, w, y, g, defaultConv);
    }

    @Override
    public void conv2dBackwardData(Storage dy, Storage w, Storage dx, ConvGeometry g) {
        conv2dBackwardData(dy, w, dx, g, defaultConv);
    }

    @Override
    public void conv2dBackwardWeight(Storage x, Storage dy, Storage dw, ConvGeometry g) {
        conv2dBackwardWeight(x, dy, dw, g, defaultConv);
    }

    /** y = conv2d(x, w) with the given implementation. */
    public void conv2dForward(Storage x, Storage w, Storage y, ConvGeometry g, ConvImplementation implementation) {
        Objects.requireNonNull(implementation, "conv2dForward: implementation");
        StorageChecks.owned(this, "conv2dForward", x, w, y);
        StorageChecks.sameDtype("conv2dForward", x, w, y);
        StorageChecks.convSizes("conv2dForward", g, x, w, y);
        checkCaptureRules("conv2dForward", x, w, y);
        if (implementation == ConvImplementation.AUTO) {
            implementation = autoChoice(autoKey(OwnConvolution.Pass.FORWARD, g, x.dtype()),
                    c -> conv2dForward(x, w, y, g, c));
        }
        switch (implementation) {
            case OWN -> own.run(OwnConvolution.Pass.FORWARD, g, x.dtype(), tf32, x.segment(), w.segment(),
                    y.segment());
            case GEMM -> gemm.forward(x, w, y, g);
            case CUDNN -> runCudnn(CudnnConvolution.Pass.FORWARD, g, x.dtype(), x, w, y);
            case AUTO -> throw new IllegalStateException("AUTO was resolved above");
        }
        retainRecorded(x, w, y); // after the call: a recording may refuse it above
    }

    /** dx = conv2d_backward_data(dy, w) (the forward pass of a transposed conv) with the given implementation. */
    public void conv2dBackwardData(Storage dy, Storage w, Storage dx, ConvGeometry g,
                                   ConvImplementation implementation) {
        Objects.requireNonNull(implementation, "conv2dBackwardData: implementation");
        StorageChecks.owned(this, "conv2dBackwardData", dy, w, dx);
        StorageChecks.sameDtype("conv2dBackwardData", dy, w, dx);
        StorageChecks.convSizes("conv2dBackwardData", g, dx, w, dy);
        checkCaptureRules("conv2dBackwardData", dy, w, dx);
        if (implementation == ConvImplementation.AUTO) {
            implementation = autoChoice(autoKey(OwnConvolution.Pass.BACKWARD_DATA, g, dy.dtype()),
                    c -> conv2dBackwardData(dy, w, dx, g, c));
        }
        switch (implementation) {
            case OWN -> own.run(OwnConvolution.Pass.BACKWARD_DATA, g, dy.dtype(), tf32, dy.segment(), w.segment(),
                    dx.segment());
            case GEMM -> gemm.backwardData(dy, w, dx, g);
            case CUDNN -> runCudnn(CudnnConvolution.Pass.BACKWARD_DATA, g, dy.dtype(), dx, w, dy);
            case AUTO -> throw new IllegalStateException("AUTO was resolved above");
        }
        retainRecorded(dy, w, dx); // after the call: a recording may refuse it above
    }

    /** dw = conv2d_backward_weight(x, dy), summed over the batch, with the given implementation. */
    public void conv2dBackwardWeight(Storage x, Storage dy, Storage dw, ConvGeometry g,
                                     ConvImplementation implementation) {
        Objects.requireNonNull(implementation, "conv2dBackwardWeight: implementation");
        StorageChecks.owned(this, "conv2dBackwardWeight", x, dy, dw);
        StorageChecks.sameDtype("conv2dBackwardWeight", x, dy, dw);
        StorageChecks.convSizes("conv2dBackwardWeight", g, x, dw, dy);
        checkCaptureRules("conv2dBackwardWeight", x, dy, dw);
        if (implementation == ConvImplementation.AUTO) {
            implementation = autoChoice(autoKey(OwnConvolution.Pass.BACKWARD_WEIGHT, g, x.dtype()),
                    c -> conv2dBackwardWeight(x, dy, dw, g, c));
        }
        switch (implementation) {
            case OWN -> own.run(OwnConvolution.Pass.BACKWARD_WEIGHT, g, x.dtype(), tf32, x.segment(), dy.segment(),
                    dw.segment());
            case GEMM -> gemm.backwardWeight(x, dy, dw, g);
            case CUDNN -> runCudnn(CudnnConvolution.Pass.BACKWARD_FILTER, g, x.dtype(), x, dw, dy);
            case AUTO -> throw new IllegalStateException("AUTO was resolved above");
        }
        retainRecorded(x, dy, dw); // after the call: a recording may refuse it above
    }

    /** What AUTO's choice for a pass of geometry g depends on, with this backend's settings now. */
    private ConvAutotune.Key autoKey(OwnConvolution.Pass pass, ConvGeometry g, DType dtype) {
        return new ConvAutotune.Key(pass, g, dtype, tf32, autotuneTiming);
    }

    /**
     * {@link ConvImplementation#AUTO}'s choice for {@code key}, measuring on the first call; refused while capturing
     * before the first call (the measurement waits for the device, which a capture cannot record).
     */
    private ConvImplementation autoChoice(ConvAutotune.Key key, Consumer<ConvImplementation> run) {
        if (capture != null && !autotune.hasChosen(key)) {
            String what = key.pass() + " pass of " + key.geometry() + " (" + key.dtype().displayName() + ")";
            throw new IllegalStateException("conv auto has not yet measured the " + what + ", and the measurement"
                    + " cannot be captured (it waits for the device): run the work once before capturing it");
        }
        return autotune.choose(key, run, work -> key.timing() == ConvAutotuneTiming.DEVICE_ONLY
                ? cuda.elapsedMillis(this::busyWaitBeforeTiming, work)
                : cuda.elapsedMillis(work));
    }

    /**
     * Keeps the device busy while the host queues a timed run behind it ({@link ConvAutotuneTiming#DEVICE_ONLY}):
     * 1 ms, well above the host's time to queue one conv pass (a cuDNN call takes it 50-100 us).
     */
    private void busyWaitBeforeTiming() {
        int status = GcganKernels.gcgan_busy_wait(1_000_000L, cuda.stream());
        if (status != GcganKernels.GCGAN_OK) {
            throw GcganKernelException.of(status, "gcgan_busy_wait(1 ms) before timing a conv candidate");
        }
    }

    /** One cuDNN pass over x [n, c, h, w], w [k, c, r, s], y [n, k, p, q] (the gradients for a backward pass). */
    private void runCudnn(CudnnConvolution.Pass pass, ConvGeometry g, DType dtype, Storage x, Storage w, Storage y) {
        cudnn.run(pass, g, dtype, tf32, convSearch, convTransforms, convDeterministic, convSearchWorkspace,
                x.segment(), w.segment(), y.segment());
    }

    // ---- fused batch normalization -----------------------------------------------------------------------

    /**
     * One kernel launch, a thread block per channel (three launches and float64 scratch when few large channels
     * are split over several blocks; see gcgan_kernels.h): statistics and sums in float64, deterministic (no
     * atomics). The running statistics, when given, are updated by the block that stores mean and var.
     */
    @Override
    public void batchNormForward(Storage x, Storage weight, Storage bias, BatchNormShape shape, double eps,
                                 Storage y, Storage mean, Storage var, BatchNormRunningStats running) {
        Objects.requireNonNull(shape, "batchNormForward: shape");
        StorageChecks.batchNormForward(this, shape, eps, x, weight, bias, y, mean, var, running);
        use("batchNormForward", x, weight, bias, y, mean, var, running == null ? null : running.mean(),
                running == null ? null : running.var());
        cuda.makeCurrent();
        MemorySegment runningMean = running == null ? MemorySegment.NULL : running.mean().segment();
        MemorySegment runningVar = running == null ? MemorySegment.NULL : running.var().segment();
        double factor = running == null ? 0.0 : running.factor();
        int status = x.dtype() == DType.FLOAT32
                ? GcganKernels.gcgan_batchnorm_forward_f32(x.segment(), segmentOrNull(weight), segmentOrNull(bias),
                        shape.n(), shape.c(), shape.s(), eps, y.segment(), mean.segment(), var.segment(),
                        runningMean, runningVar, factor, cuda.stream())
                : GcganKernels.gcgan_batchnorm_forward_f64(x.segment(), segmentOrNull(weight), segmentOrNull(bias),
                        shape.n(), shape.c(), shape.s(), eps, y.segment(), mean.segment(), var.segment(),
                        runningMean, runningVar, factor, cuda.stream());
        if (status != GcganKernels.GCGAN_OK) {
            throw GcganKernelException.of(status, "gcgan_batchnorm_forward_" + suffix(x.dtype()) + "(" + shape
                    + ", eps=" + eps + (weight == null ? "" : ", affine")
                    + (running == null ? "" : ", running factor=" + factor) + ")");
        }
    }

    /** Two kernel launches at most (sums, then dx); dx, dWeight and dBias each optional. */
    @Override
    public void batchNormBackward(Storage dy, Storage x, Storage mean, Storage var, Storage weight,
                                  BatchNormShape shape, double eps, Storage dx, Storage dWeight, Storage dBias) {
        Objects.requireNonNull(shape, "batchNormBackward: shape");
        StorageChecks.batchNormBackward(this, shape, eps, dy, x, mean, var, weight, dx, dWeight, dBias);
        use("batchNormBackward", dy, x, mean, var, weight, dx, dWeight, dBias);
        cuda.makeCurrent();
        int status = x.dtype() == DType.FLOAT32
                ? GcganKernels.gcgan_batchnorm_backward_f32(dy.segment(), x.segment(), mean.segment(),
                        var.segment(), segmentOrNull(weight), shape.n(), shape.c(), shape.s(), eps,
                        segmentOrNull(dx), segmentOrNull(dWeight), segmentOrNull(dBias), cuda.stream())
                : GcganKernels.gcgan_batchnorm_backward_f64(dy.segment(), x.segment(), mean.segment(),
                        var.segment(), segmentOrNull(weight), shape.n(), shape.c(), shape.s(), eps,
                        segmentOrNull(dx), segmentOrNull(dWeight), segmentOrNull(dBias), cuda.stream());
        if (status != GcganKernels.GCGAN_OK) {
            throw GcganKernelException.of(status, "gcgan_batchnorm_backward_" + suffix(x.dtype()) + "(" + shape
                    + ", eps=" + eps + ", dx " + (dx != null) + ", dWeight " + (dWeight != null) + ", dBias "
                    + (dBias != null) + ")");
        }
    }

    /** The device address of an optional storage: NULL for null (the C functions' "not given"). */
    private static MemorySegment segmentOrNull(Storage s) {
        return s == null ? MemorySegment.NULL : s.segment();
    }

    // ---- random ------------------------------------------------------------------------------------------

    @Override
    public void randomUniform(Storage out, long seed, long offset) {
        CaptureRefusal.RANDOM_UNIFORM.check(capturing(), this);
        StorageChecks.owned(this, "randomUniform", out);
        use("randomUniform", out);
        long n = out.numel();
        if (n == 0) {
            return;
        }
        cuda.makeCurrent();
        int status = out.dtype() == DType.FLOAT32
                ? GcganKernels.gcgan_random_uniform_f32(out.segment(), n, seed, offset, cuda.stream())
                : GcganKernels.gcgan_random_uniform_f64(out.segment(), n, seed, offset, cuda.stream());
        if (status != GcganKernels.GCGAN_OK) {
            throw GcganKernelException.of(status, "gcgan_random_uniform_" + suffix(out.dtype()) + "(n=" + n + ")");
        }
    }

    @Override
    public void randomNormal(Storage out, long seed, long offset) {
        CaptureRefusal.RANDOM_NORMAL.check(capturing(), this);
        StorageChecks.owned(this, "randomNormal", out);
        use("randomNormal", out);
        long n = out.numel();
        if (n == 0) {
            return;
        }
        cuda.makeCurrent();
        int status = out.dtype() == DType.FLOAT32
                ? GcganKernels.gcgan_random_normal_f32(out.segment(), n, seed, offset, cuda.stream())
                : GcganKernels.gcgan_random_normal_f64(out.segment(), n, seed, offset, cuda.stream());
        if (status != GcganKernels.GCGAN_OK) {
            throw GcganKernelException.of(status, "gcgan_random_normal_" + suffix(out.dtype()) + "(n=" + n + ")");
        }
    }

    // ---- optimizer ---------------------------------------------------------------------------------------

    /** One kernel launch for all slots of a dtype, reading the guard on the device (see {@link CudaOptimizerStep}). */
    @Override
    public void optimizerStep(OptimizerHyper hyper, List<ParamSlot> slots, Storage guard) {
        CaptureRefusal.OPTIMIZER_STEP.check(capturing(), this);
        Objects.requireNonNull(hyper, "hyper");
        if (!unlaunched.isEmpty()) {
            for (ParamSlot slot : slots) {
                use("optimizerStep", slot.weight(), slot.grad(), slot.state1(), slot.state2());
            }
            use("optimizerStep", guard);
        }
        CudaOptimizerStep.run(this, hyper, slots, guard);
    }

    // ---- ordering ----------------------------------------------------------------------------------------

    @Override
    public void synchronize() {
        CaptureRefusal.SYNCHRONIZE.check(capturing(), this);
        cuda.synchronize();
    }

    // ---- capture (CUDA graphs) ---------------------------------------------------------------------------

    /** The capture recording on the stream, or null (see CudaGraphCapture for what happens to memory). */
    private volatile CudaGraphCapture capture;
    /** Recorded captures that may not have been launched yet: their graph allocations do not exist yet. */
    private final List<CudaGraphCapture> unlaunched = new CopyOnWriteArrayList<>();

    /**
     * The capture rules for a call of {@code op} on {@code storages} (null entries skipped; see CudaGraphCapture),
     * made once the call's arguments are checked: {@link #checkCaptureRules}, then, while recording, the capture keeps
     * the storages it did not allocate ({@link #retainRecorded}). Conv calls, which a recording can still refuse
     * after this point (an algorithm not measured yet), make the two steps apart.
     */
    private void use(String op, Storage... storages) {
        checkCaptureRules(op, storages);
        retainRecorded(storages);
    }

    /**
     * A graph allocation of a capture not launched yet: refused in a call run now (its memory does not exist yet);
     * in a recorded call, the recording capture's replays wait for that capture's first launch.
     */
    private void checkCaptureRules(String op, Storage... storages) {
        if (unlaunched.isEmpty()) {
            return;
        }
        CudaGraphCapture c = capture;
        for (CudaGraphCapture u : unlaunched) {
            if (u.launchedOrClosed()) {
                unlaunched.remove(u);
            } else {
                u.beforeFirstLaunch(op, c, storages);
            }
        }
    }

    /** While recording: the capture keeps {@code storages} (those it did not allocate), to check them at replay. */
    private void retainRecorded(Storage... storages) {
        CudaGraphCapture c = capture;
        if (c != null) {
            c.retain(storages);
        }
    }

    /**
     * Starts capturing the stream into a CUDA graph ({@code cudaStreamBeginCapture}, thread-local mode: other threads
     * may still call unsafe CUDA APIs). Run the captured work once uncaptured first: a conv geometry's first call
     * measures algorithms (cuDNN's search, the autotuner), which waits for the device and cannot be captured.
     */
    @Override
    public synchronized void beginCapture() {
        if (capture != null) {
            throw new IllegalStateException("beginCapture: " + device + " is already capturing (" + capture + ")");
        }
        cuda.makeCurrent();
        CudaGraphCapture c = new CudaGraphCapture(cuda, pool);
        // The pool knows of the capture before the stream captures and until it no longer does (a Cleaner thread's
        // free in between would otherwise land in the graph): both under the pool's lock, which frees take.
        synchronized (pool) {
            pool.recordInto(c);
            int status = CudaRuntime.cudaStreamBeginCapture(cuda.stream(),
                    CudaRuntime.cudaStreamCaptureModeThreadLocal);
            if (status != CudaRuntime.cudaSuccess) {
                pool.recordInto(null);
                c.close();
                CudaException.check(status, "cudaStreamBeginCapture on " + device);
            }
        }
        capture = c;
    }

    @Override
    public synchronized CapturedCalls endCapture() {
        CudaGraphCapture c = capture;
        if (c == null) {
            throw new IllegalStateException("endCapture: " + device + " is not capturing");
        }
        capture = null;
        try {
            synchronized (pool) {
                try {
                    c.endStreamCapture();
                } finally {
                    pool.recordInto(null);
                }
            }
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        c.instantiate();
        unlaunched.add(c);
        return c;
    }

    @Override
    public boolean capturing() {
        return capture != null;
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    /** The device address of s, checking that its lifetime has not ended. */
    static MemorySegment pointer(Storage s) {
        StorageChecks.alive("a device pointer", s);
        return MemorySegment.ofAddress(s.segment().address());
    }

    private static String[] opNames(String prefix, Enum<?>[] ops) {
        String[] names = new String[ops.length];
        for (Enum<?> op : ops) {
            names[op.ordinal()] = prefix + op;
        }
        return names;
    }

    private static String suffix(DType dtype) {
        return dtype == DType.FLOAT32 ? "f32" : "f64";
    }

    private static int dtypeCode(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> GcganKernels.GCGAN_DTYPE_FLOAT32;
            case FLOAT64 -> GcganKernels.GCGAN_DTYPE_FLOAT64;
        };
    }

    /** The C op code of each UnaryOp (an exhaustive switch: a new op does not compile until it is mapped). */
    static int unaryCode(UnaryOp op) {
        return switch (op) {
            case NEG -> GcganKernels.GCGAN_UNARY_NEG;
            case ABS -> GcganKernels.GCGAN_UNARY_ABS;
            case SIGN -> GcganKernels.GCGAN_UNARY_SIGN;
            case EXP -> GcganKernels.GCGAN_UNARY_EXP;
            case LOG -> GcganKernels.GCGAN_UNARY_LOG;
            case SQRT -> GcganKernels.GCGAN_UNARY_SQRT;
            case TANH -> GcganKernels.GCGAN_UNARY_TANH;
            case SIGMOID -> GcganKernels.GCGAN_UNARY_SIGMOID;
            case RELU -> GcganKernels.GCGAN_UNARY_RELU;
            case LEAKY_RELU -> GcganKernels.GCGAN_UNARY_LEAKY_RELU;
            case SOFTPLUS -> GcganKernels.GCGAN_UNARY_SOFTPLUS;
            case POW_SCALAR -> GcganKernels.GCGAN_UNARY_POW_SCALAR;
            case CLAMP -> GcganKernels.GCGAN_UNARY_CLAMP;
        };
    }

    /** The C op code of each BinaryOp. */
    static int binaryCode(BinaryOp op) {
        return switch (op) {
            case ADD -> GcganKernels.GCGAN_BINARY_ADD;
            case SUB -> GcganKernels.GCGAN_BINARY_SUB;
            case MUL -> GcganKernels.GCGAN_BINARY_MUL;
            case DIV -> GcganKernels.GCGAN_BINARY_DIV;
            case POW -> GcganKernels.GCGAN_BINARY_POW;
            case MAX -> GcganKernels.GCGAN_BINARY_MAX;
            case MIN -> GcganKernels.GCGAN_BINARY_MIN;
            case EQ -> GcganKernels.GCGAN_BINARY_EQ;
            case NE -> GcganKernels.GCGAN_BINARY_NE;
            case LT -> GcganKernels.GCGAN_BINARY_LT;
            case LE -> GcganKernels.GCGAN_BINARY_LE;
            case GT -> GcganKernels.GCGAN_BINARY_GT;
            case GE -> GcganKernels.GCGAN_BINARY_GE;
        };
    }

    /** The C op code of each ReduceOp. */
    static int reduceCode(ReduceOp op) {
        return switch (op) {
            case SUM -> GcganKernels.GCGAN_REDUCE_SUM;
            case MEAN -> GcganKernels.GCGAN_REDUCE_MEAN;
            case MAX -> GcganKernels.GCGAN_REDUCE_MAX;
        };
    }

    private static long[] denseStrides(long[] shape) {
        long[] strides = new long[shape.length];
        long s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = s;
            s *= shape[d];
        }
        return strides;
    }
}
