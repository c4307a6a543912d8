package io.gcgan.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.gcgan.backend.ConvGeometry;
import io.gcgan.bindings.CudaAvailability;
import io.gcgan.bindings.cudnn.Cudnn;
import io.gcgan.bindings.cudnn.CudnnException;
import io.gcgan.bindings.cudnn.CudnnLoader;
import io.gcgan.tensor.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cuDNN implementation of the conv trio (legacy descriptor API; NCHW tensors, KCRS filters, cross-correlation,
 * no groups, no dilation), for {@link CudaBackend}.
 *
 * <p><b>Plans.</b> Descriptors are created once per {@link Key} (geometry, dtype, TF32 setting, search mode) and kept
 * for the life of the backend, together with each pass's chosen algorithm and workspace size. The algorithm is chosen
 * on the pass's first call: {@link ConvAlgorithmSearch#MEASURE} runs {@code cudnnFind...AlgorithmEx} on the call's
 * own buffers with a search workspace from the pool (at most {@code searchWorkspaceLimit} bytes) after waiting for
 * the stream (the one host synchronization outside copyToHost, once per new geometry and pass);
 * {@link ConvAlgorithmSearch#HEURISTIC} takes {@code cudnnGet...Algorithm_v7}'s first usable answer.
 *
 * <p><b>Math.</b> float32 without TF32 uses {@code CUDNN_FMA_MATH} (no tensor cores, so no TF32 rounding of the
 * inputs: parity with the float32 CPU oracle) and never accepts an algorithm measured with a tensor-op math type;
 * with TF32 allowed, or for float64, the math type is the one cuDNN reports for the chosen algorithm. Each pass has
 * its own convolution descriptor so that the three passes can run with different math types.
 *
 * <p><b>Algorithms.</b> FFT and Winograd algorithms (transform-domain; faster for some stride-1 3x3 and 5x5 shapes,
 * with rounding errors well above a direct sum's in float32) are skipped unless the backend allows them
 * ({@link CudaBackend#allowConvTransformAlgorithms}); the remaining ones (implicit/explicit GEMM, direct) sum the
 * same products as the CPU oracle in another order. Algorithms that cuDNN reports as nondeterministic (those that add
 * partial sums with atomics, so that two runs on the same inputs can differ in the last bits) are skipped when the
 * backend requires determinism ({@link CudaBackend#requireDeterministicConvAlgorithms}, as PyTorch's
 * {@code torch.backends.cudnn.deterministic = True}).
 *
 * <p><b>Workspace.</b> One device buffer from the pool, kept for the life of the backend and grown to the largest
 * workspace a call has needed (every call is queued on the one stream, so calls reuse it in order without any
 * synchronization); the algorithm search takes its own scratch from the pool and frees it at once.
 *
 * <p>Calls are serialized on this object (the cuDNN handle and the plan cache are shared).
 */
final class CudnnConvolution {

    /** The three passes, with the number of algorithms cuDNN defines for each. */
    enum Pass {
        FORWARD("forward", Cudnn.CUDNN_CONVOLUTION_FWD_ALGO_COUNT),
        BACKWARD_DATA("backward-data", Cudnn.CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT),
        BACKWARD_FILTER("backward-filter", Cudnn.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT);

        final String label;
        final int algorithms;

        Pass(String label, int algorithms) {
            this.label = label;
            this.algorithms = algorithms;
        }
    }

    /** What a plan depends on. */
    record Key(ConvGeometry geometry, DType dtype, boolean tf32, ConvAlgorithmSearch search, boolean transforms,
               boolean deterministic) {
    }

    /** FFT and Winograd algorithms: transform-domain methods that round differently from a direct sum. */
    static boolean isTransformAlgorithm(Pass pass, int algo) {
        return switch (pass) {
            case FORWARD -> algo == Cudnn.CUDNN_CONVOLUTION_FWD_ALGO_FFT
                    || algo == Cudnn.CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING
                    || algo == Cudnn.CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD
                    || algo == Cudnn.CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED;
            case BACKWARD_DATA -> algo == Cudnn.CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT
                    || algo == Cudnn.CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT_TILING
                    || algo == Cudnn.CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD
                    || algo == Cudnn.CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD_NONFUSED;
            case BACKWARD_FILTER -> algo == Cudnn.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT
                    || algo == Cudnn.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT_TILING
                    || algo == Cudnn.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_WINOGRAD
                    || algo == Cudnn.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_WINOGRAD_NONFUSED;
        };
    }

    /** The descriptors of one key and, per pass, the chosen algorithm (-1 until chosen) and its workspace. */
    private static final class Plan {
        MemorySegment x;
        MemorySegment w;
        MemorySegment y;
        final MemorySegment[] conv = new MemorySegment[Pass.values().length];
        final int[] algorithm = {-1, -1, -1};
        final long[] workspace = new long[Pass.values().length];
    }

    private final CudaDevice device;
    private final DevicePool pool;
    private final Map<Key, Plan> plans = new HashMap<>();
    private MemorySegment handle; // created on first use: cuDNN is optional for the rest of the backend
    private long workspaceAddress; // the per-call workspace (see workspace(long)); 0 bytes: none yet
    private long workspaceBytes;

    CudnnConvolution(CudaDevice device, DevicePool pool) {
        this.device = device;
        this.pool = pool;
    }

    /** "9.14.0", or why cuDNN cannot be used. */
    static String version() {
        if (CudnnLoader.library().loadFailure().isPresent()) {
            return "unavailable";
        }
        long v = Cudnn.cudnnGetVersion();
        return v / 10000 + "." + v % 10000 / 100 + "." + v % 100;
    }

    /** Runs {@code pass} of convolution {@code g}; x, w, y are device pointers (gradients for a backward pass). */
    synchronized void run(Pass pass, ConvGeometry g, DType dtype, boolean tf32, ConvAlgorithmSearch search,
                          boolean transforms, boolean deterministic, long searchWorkspaceLimit, MemorySegment x,
                          MemorySegment w, MemorySegment y) {
        device.makeCurrent();
        Key key = new Key(g, dtype, tf32 && dtype == DType.FLOAT32, search, transforms, deterministic);
        Plan plan = plans.get(key);
        int p = pass.ordinal();
        if (pool.recording() && (handle == null || plan == null || plan.algorithm[p] < 0)) {
            // cudnnCreate may allocate outside the stream, and the algorithm search waits for the device
            throw new IllegalStateException("cuDNN has not yet run the " + pass.label + " pass of " + describe(key)
                    + ", whose first call (the handle, the algorithm " + (search == ConvAlgorithmSearch.MEASURE
                    ? "search" : "choice") + ") cannot be captured: run the work once before capturing it");
        }
        MemorySegment h = handle();
        if (plan == null) {
            plan = createPlan(key);
            plans.put(key, plan);
        }
        if (plan.algorithm[p] < 0) {
            choose(h, pass, key, plan, searchWorkspaceLimit, x, w, y);
        }
        MemorySegment alpha = HostScalars.one(dtype);
        MemorySegment beta = HostScalars.zero(dtype);
        int algo = plan.algorithm[p];
        long wsBytes = plan.workspace[p];
        MemorySegment ws = workspace(wsBytes);
        int status = switch (pass) {
            case FORWARD -> Cudnn.cudnnConvolutionForward(h, alpha, plan.x, x, plan.w, w, plan.conv[p], algo, ws,
                    wsBytes, beta, plan.y, y);
            case BACKWARD_DATA -> Cudnn.cudnnConvolutionBackwardData(h, alpha, plan.w, w, plan.y, y, plan.conv[p],
                    algo, ws, wsBytes, beta, plan.x, x);
            case BACKWARD_FILTER -> Cudnn.cudnnConvolutionBackwardFilter(h, alpha, plan.x, x, plan.y, y,
                    plan.conv[p], algo, ws, wsBytes, beta, plan.w, w);
        };
        if (status != Cudnn.CUDNN_STATUS_SUCCESS) {
            CudnnException.check(status, "cudnnConvolution " + pass.label + " (" + describe(key) + ", algorithm "
                    + algo + ", workspace " + wsBytes + " bytes)");
        }
    }

    /**
     * The device workspace for a call needing {@code bytes}: one buffer kept for the life of the backend and grown
     * when a larger one is needed, instead of a cudaMallocAsync and a cudaFreeAsync around every call (two CUDA calls
     * per convolution). Reuse is safe because every call is queued on the one stream, in order; a replaced buffer is
     * freed stream-ordered, after the work already queued that uses it, and after every open capture (whose graph
     * may use it) has closed. NULL for a zero-byte workspace.
     */
    private MemorySegment workspace(long bytes) {
        if (bytes <= 0) {
            return MemorySegment.NULL;
        }
        if (bytes > workspaceBytes) {
            if (pool.recording()) {
                // It would be graph memory, freed when the capture closes while this object kept using it.
                throw new IllegalStateException("cuDNN's workspace would have to grow to " + bytes + " bytes while a"
                        + " capture records: run the work once before capturing it");
            }
            long address = pool.allocate(bytes);
            if (workspaceBytes > 0) {
                // Recorded graphs may use the old buffer in every replay: it goes when the last of them closes.
                pool.freeAfterCaptures(workspaceAddress, workspaceBytes);
            }
            workspaceAddress = address;
            workspaceBytes = bytes;
        }
        return MemorySegment.ofAddress(workspaceAddress);
    }

    private MemorySegment handle() {
        if (handle == null) {
            if (CudnnLoader.library().loadFailure().isPresent()) {
                throw new IllegalStateException("conv2d with ConvImplementation.CUDNN needs cuDNN: "
                        + CudaAvailability.probe().reason(CudaAvailability.Component.CUDNN));
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(ADDRESS);
                CudnnException.check(Cudnn.cudnnCreate(out), "cudnnCreate on cuda:" + device.index());
                MemorySegment created = out.get(ADDRESS, 0);
                CudnnException.check(Cudnn.cudnnSetStream(created, device.stream()), "cudnnSetStream");
                handle = created;
            }
        }
        return handle;
    }

    private static int dataType(DType dtype) {
        return dtype == DType.FLOAT32 ? Cudnn.CUDNN_DATA_FLOAT : Cudnn.CUDNN_DATA_DOUBLE;
    }

    /** The math type a plan's descriptors start with (and keep, for float32 without TF32). */
    private static int initialMathType(Key key) {
        if (key.dtype() == DType.FLOAT32 && !key.tf32()) {
            return Cudnn.CUDNN_FMA_MATH;
        }
        return Cudnn.CUDNN_DEFAULT_MATH;
    }

    private static boolean fmaOnly(Key key) {
        return key.dtype() == DType.FLOAT32 && !key.tf32();
    }

    private Plan createPlan(Key key) {
        ConvGeometry g = key.geometry();
        int type = dataType(key.dtype());
        Plan plan = new Plan();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            CudnnException.check(Cudnn.cudnnCreateTensorDescriptor(out), "cudnnCreateTensorDescriptor");
            plan.x = out.get(ADDRESS, 0);
            CudnnException.check(Cudnn.cudnnSetTensor4dDescriptor(plan.x, Cudnn.CUDNN_TENSOR_NCHW, type, g.n(), g.c(),
                    g.h(), g.w()), "cudnnSetTensor4dDescriptor(x " + describe(key) + ")");
            CudnnException.check(Cudnn.cudnnCreateTensorDescriptor(out), "cudnnCreateTensorDescriptor");
            plan.y = out.get(ADDRESS, 0);
            CudnnException.check(Cudnn.cudnnSetTensor4dDescriptor(plan.y, Cudnn.CUDNN_TENSOR_NCHW, type, g.n(), g.k(),
                    g.p(), g.q()), "cudnnSetTensor4dDescriptor(y " + describe(key) + ")");
            CudnnException.check(Cudnn.cudnnCreateFilterDescriptor(out), "cudnnCreateFilterDescriptor");
            plan.w = out.get(ADDRESS, 0);
            CudnnException.check(Cudnn.cudnnSetFilter4dDescriptor(plan.w, type, Cudnn.CUDNN_TENSOR_NCHW, g.k(), g.c(),
                    g.r(), g.s()), "cudnnSetFilter4dDescriptor(w " + describe(key) + ")");
            for (Pass pass : Pass.values()) {
                CudnnException.check(Cudnn.cudnnCreateConvolutionDescriptor(out), "cudnnCreateConvolutionDescriptor");
                MemorySegment conv = out.get(ADDRESS, 0);
                CudnnException.check(Cudnn.cudnnSetConvolution2dDescriptor(conv, g.padH(), g.padW(), g.strideH(),
                        g.strideW(), 1, 1, Cudnn.CUDNN_CROSS_CORRELATION, type),
                        "cudnnSetConvolution2dDescriptor(" + describe(key) + ")");
                CudnnException.check(Cudnn.cudnnSetConvolutionMathType(conv, initialMathType(key)),
                        "cudnnSetConvolutionMathType");
                plan.conv[pass.ordinal()] = conv;
            }
            // cuDNN's idea of the output shape must be ours (ConvGeometry.p/q), or every pass would be wrong.
            MemorySegment dims = arena.allocate(JAVA_INT, 4);
            CudnnException.check(Cudnn.cudnnGetConvolution2dForwardOutputDim(plan.conv[0], plan.x, plan.w, dims,
                    dims.asSlice(4), dims.asSlice(8), dims.asSlice(12)), "cudnnGetConvolution2dForwardOutputDim");
            int[] got = dims.toArray(JAVA_INT);
            if (got[0] != g.n() || got[1] != g.k() || got[2] != g.p() || got[3] != g.q()) {
                throw new IllegalStateException("cuDNN computes the output of " + g + " as [" + got[0] + ", " + got[1]
                        + ", " + got[2] + ", " + got[3] + "], gcgan as [" + g.n() + ", " + g.k() + ", " + g.p() + ", "
                        + g.q() + "]");
            }
        }
        return plan;
    }

    /** Chooses pass's algorithm for plan (MEASURE or HEURISTIC) and records it with its workspace size. */
    private void choose(MemorySegment h, Pass pass, Key key, Plan plan, long searchWorkspaceLimit, MemorySegment x,
                        MemorySegment w, MemorySegment y) {
        int p = pass.ordinal();
        MemorySegment conv = plan.conv[p];
        try (Arena arena = Arena.ofConfined()) {
            long perfBytes = Cudnn.cudnnConvolutionFwdAlgoPerf_t$layout().byteSize();
            MemorySegment perf = arena.allocate(perfBytes * pass.algorithms, 8);
            MemorySegment returned = arena.allocate(JAVA_INT);
            long searchBytes = Long.MAX_VALUE;
            int status;
            if (key.search() == ConvAlgorithmSearch.MEASURE) {
                searchBytes = Math.min(searchWorkspaceLimit, largestWorkspace(h, pass, plan, conv, arena));
                try (DevicePool.Scratch ws = pool.scratch(searchBytes)) {
                    device.synchronize(); // the inputs and the workspace are ready before cuDNN times anything
                    status = switch (pass) {
                        case FORWARD -> Cudnn.cudnnFindConvolutionForwardAlgorithmEx(h, plan.x, x, plan.w, w, conv,
                                plan.y, y, pass.algorithms, returned, perf, ws.segment(), ws.bytes());
                        case BACKWARD_DATA -> Cudnn.cudnnFindConvolutionBackwardDataAlgorithmEx(h, plan.w, w, plan.y,
                                y, conv, plan.x, x, pass.algorithms, returned, perf, ws.segment(), ws.bytes());
                        case BACKWARD_FILTER -> Cudnn.cudnnFindConvolutionBackwardFilterAlgorithmEx(h, plan.x, x,
                                plan.y, y, conv, plan.w, w, pass.algorithms, returned, perf, ws.segment(), ws.bytes());
                    };
                }
            } else {
                status = switch (pass) {
                    case FORWARD -> Cudnn.cudnnGetConvolutionForwardAlgorithm_v7(h, plan.x, plan.w, conv, plan.y,
                            pass.algorithms, returned, perf);
                    case BACKWARD_DATA -> Cudnn.cudnnGetConvolutionBackwardDataAlgorithm_v7(h, plan.w, plan.y, conv,
                            plan.x, pass.algorithms, returned, perf);
                    case BACKWARD_FILTER -> Cudnn.cudnnGetConvolutionBackwardFilterAlgorithm_v7(h, plan.x, plan.y,
                            conv, plan.w, pass.algorithms, returned, perf);
                };
            }
            CudnnException.check(status, "cudnn " + (key.search() == ConvAlgorithmSearch.MEASURE ? "Find" : "Get")
                    + " " + pass.label + " algorithm (" + describe(key) + ")");
            int n = returned.get(JAVA_INT, 0);
            List<String> rejected = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int algo = Cudnn.algoPerf$algo(perf, i);
                int algoStatus = Cudnn.algoPerf$status(perf, i);
                long memory = Cudnn.algoPerf$memory(perf, i);
                int math = Cudnn.algoPerf$mathType(perf, i);
                boolean tensorOps = math == Cudnn.CUDNN_TENSOR_OP_MATH
                        || math == Cudnn.CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION;
                boolean nondeterministic = Cudnn.algoPerf$determinism(perf, i) == Cudnn.CUDNN_NON_DETERMINISTIC;
                if (algoStatus != Cudnn.CUDNN_STATUS_SUCCESS || memory > searchBytes || (fmaOnly(key) && tensorOps)
                        || (!key.transforms() && isTransformAlgorithm(pass, algo))
                        || (key.deterministic() && nondeterministic)) {
                    rejected.add("algo " + algo + ": status " + algoStatus + ", math " + math + ", " + memory
                            + " bytes" + (nondeterministic ? ", nondeterministic" : ""));
                    continue;
                }
                int runMath = fmaOnly(key) ? Cudnn.CUDNN_FMA_MATH : math;
                CudnnException.check(Cudnn.cudnnSetConvolutionMathType(conv, runMath), "cudnnSetConvolutionMathType");
                long needed = workspaceSize(h, pass, plan, conv, algo, arena);
                plan.algorithm[p] = algo;
                plan.workspace[p] = Math.max(memory, Math.max(needed, 0));
                return;
            }
            throw new IllegalStateException("cuDNN offers no usable " + pass.label + " algorithm for "
                    + describe(key) + " (" + n + " returned: " + String.join("; ", rejected) + ")");
        }
    }

    /** The largest workspace any algorithm of pass needs for plan (algorithms cuDNN does not support are skipped). */
    private static long largestWorkspace(MemorySegment h, Pass pass, Plan plan, MemorySegment conv, Arena arena) {
        long largest = 0;
        for (int algo = 0; algo < pass.algorithms; algo++) {
            largest = Math.max(largest, workspaceSize(h, pass, plan, conv, algo, arena));
        }
        return largest;
    }

    /** The workspace algo needs, or -1 when cuDNN does not support it here. */
    private static long workspaceSize(MemorySegment h, Pass pass, Plan plan, MemorySegment conv, int algo,
                                      Arena arena) {
        MemorySegment size = arena.allocate(JAVA_LONG);
        int status = switch (pass) {
            case FORWARD -> Cudnn.cudnnGetConvolutionForwardWorkspaceSize(h, plan.x, plan.w, conv, plan.y, algo, size);
            case BACKWARD_DATA -> Cudnn.cudnnGetConvolutionBackwardDataWorkspaceSize(h, plan.w, plan.y, conv, plan.x,
                    algo, size);
            case BACKWARD_FILTER -> Cudnn.cudnnGetConvolutionBackwardFilterWorkspaceSize(h, plan.x, plan.y, conv,
                    plan.w, algo, size);
        };
        return status == Cudnn.CUDNN_STATUS_SUCCESS ? size.get(JAVA_LONG, 0) : -1;
    }

    private static String describe(Key key) {
        ConvGeometry g = key.geometry();
        return "x [" + g.n() + ", " + g.c() + ", " + g.h() + ", " + g.w() + "], w [" + g.k() + ", " + g.c() + ", "
                + g.r() + ", " + g.s() + "], stride (" + g.strideH() + ", " + g.strideW() + "), padding (" + g.padH()
                + ", " + g.padW() + "), " + key.dtype().displayName() + (key.tf32() ? ", TF32" : "")
                + (key.transforms() ? ", FFT/Winograd allowed" : "")
                + (key.deterministic() ? ", deterministic algorithms only" : "");
    }
}
