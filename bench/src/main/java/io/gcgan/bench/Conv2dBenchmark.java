package io.gcgan.bench;

import io.gcgan.backend.Backend;
import io.gcgan.backend.ConvGeometry;
import io.gcgan.backend.ScopedLifetime;
import io.gcgan.backend.Storage;
import io.gcgan.backend.cuda.ConvImplementation;
import io.gcgan.backend.cuda.CudaBackend;
import io.gcgan.tensor.DType;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One pass of one conv layer of the reference workloads ({@link ReferenceShapes}: dcgan64 G and D, mnist28 G and D),
 * float32, batch 64: the layer's forward, backward-data or backward-weight pass, on the CPU backend (im2col + sgemm)
 * or the CUDA backend (cuDNN, gcgan's own kernels, GEMMs or auto: {@code convImplementation}, named explicitly per
 * call).
 * A ConvTranspose2d layer's forward pass is the backend's conv2dBackwardData (see {@link ReferenceShapes}).
 *
 * <p>Results: the primary score is passes per second; {@code :gflop} is GFLOP/s counted as
 * {@link ConvGeometry#flops()} (2 N K P Q C R S per pass, for every pass; im2col not counted). On CUDA each invocation
 * ends with {@code synchronize()}, so the time is the pass's device time plus one host round trip; cuDNN's
 * algorithm is measured once per geometry and pass in {@code @Setup} (the backend's default, like PyTorch's
 * {@code cudnn.benchmark}).
 *
 * <pre>
 *   java -jar bench/target/benchmarks.jar Conv2d -p backend=cpu -p pass=forward -p layer=dcgan64.d2
 *   java -jar bench/target/benchmarks.jar Conv2d -p backend=cuda -p math=fp32,tf32      # on a GPU machine
 *   java -jar bench/target/benchmarks.jar Conv2d -p backend=cuda -p convImplementation=cudnn,own
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class Conv2dBenchmark {

    /** A layer of {@link ReferenceShapes}, named as the PyTorch peer names it. */
    @Param({"dcgan64.g1", "dcgan64.g2", "dcgan64.g3", "dcgan64.g4", "dcgan64.g5",
            "dcgan64.d1", "dcgan64.d2", "dcgan64.d3", "dcgan64.d4", "dcgan64.d5",
            "mnist28.g1", "mnist28.g2", "mnist28.d1", "mnist28.d2"})
    public String layer;

    /** The layer's pass: forward, backwardData (gradient of the input), backwardWeight. */
    @Param({"forward", "backwardData", "backwardWeight"})
    public String pass;

    /** cpu, or cuda (device 0; fails in @Setup with the reason where CUDA cannot run). */
    @Param({"cpu", "cuda"})
    public String backend;

    /**
     * What computes the pass: on the CPU {@code cpu} (its one convolution, im2col + sgemm); on CUDA {@code cudnn},
     * {@code own} (gcgan's own kernels, kernels/src/conv.cu), {@code gemm} (gcgan's im2col with cuBLAS GEMMs) or
     * {@code auto}; compare with {@code -p convImplementation=cudnn,own,gemm}. The default, {@code default}, is the
     * backend's own: cpu on the CPU, cudnn on CUDA (JMH crosses every value with every backend, so a default per
     * backend has to be one value). A value of the other backend is refused, rather than run under a label that says
     * what did not run (before, every CPU result carried cudnn).
     */
    @Param({DEFAULT_IMPLEMENTATION})
    public String convImplementation;

    /** The {@code convImplementation} that means the backend's own: cpu on the CPU, cudnn on CUDA. */
    static final String DEFAULT_IMPLEMENTATION = "default";
    /** The {@code convImplementation} of the CPU backend, which has one convolution. */
    static final String CPU_IMPLEMENTATION = "cpu";

    /** CUDA only: fp32 (no TF32 rounding, the default) or tf32. */
    @Param({"fp32"})
    public String math;

    /** The backend call a pass of the layer makes. */
    private enum Call { FORWARD, BACKWARD_DATA, BACKWARD_WEIGHT }

    private Backend b;
    private CudaBackend cuda; // null on the CPU
    private ConvImplementation implementation; // null on the CPU
    private ScopedLifetime lifetime;
    private ConvGeometry g;
    private Call call;
    private Storage x;
    private Storage w;
    private Storage y;
    private double gflopPerCall;

    @Setup(Level.Trial)
    public void setUp() {
        ReferenceShapes.Layer l = ReferenceShapes.layer(layer);
        g = l.geometry();
        call = call(pass, l.transposed());
        implementation = implementation(convImplementation, backend);
        b = CudaBench.backend(backend);
        CudaBench.setMath(b, math);
        cuda = b instanceof CudaBackend c ? c : null;
        lifetime = new ScopedLifetime();
        // x, w, y in the geometry's roles; for a backward pass x or y holds the gradient it reads or writes.
        x = b.allocate(DType.FLOAT32, numel(g.xShape()), lifetime);
        w = b.allocate(DType.FLOAT32, numel(g.wShape()), lifetime);
        y = b.allocate(DType.FLOAT32, numel(g.yShape()), lifetime);
        b.randomNormal(x, 1, 0);
        b.randomNormal(w, 2, 0);
        b.randomNormal(y, 3, 0);
        gflopPerCall = g.flops() / 1e9;
        // One call outside the measurement: scratch buffers, cuDNN plan and algorithm search.
        run();
        b.synchronize();
        System.out.println("# " + b.description() + "; " + l.description() + "; " + pass + " = "
                + call.name().toLowerCase(Locale.ROOT) + " of " + g
                + (cuda != null ? "; " + implementation + ", TF32 " + cuda.tf32Allowed()
                        : "; cpu: im2col + sgemm"));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        b.synchronize();
        lifetime.close();
    }

    @Benchmark
    public void conv(GflopCounter counter) {
        run();
        b.synchronize();
        counter.gflop += gflopPerCall;
    }

    private void run() {
        if (cuda != null) {
            switch (call) {
                case FORWARD -> cuda.conv2dForward(x, w, y, g, implementation);
                case BACKWARD_DATA -> cuda.conv2dBackwardData(y, w, x, g, implementation);
                case BACKWARD_WEIGHT -> cuda.conv2dBackwardWeight(x, y, w, g, implementation);
            }
        } else {
            switch (call) {
                case FORWARD -> b.conv2dForward(x, w, y, g);
                case BACKWARD_DATA -> b.conv2dBackwardData(y, w, x, g);
                case BACKWARD_WEIGHT -> b.conv2dBackwardWeight(x, y, w, g);
            }
        }
    }

    /**
     * The CUDA implementation that {@code convImplementation} names on {@code backend} ("cpu" or "cuda"), null on the
     * CPU: there only {@code default} and {@code cpu} are taken, on CUDA {@code default} (cuDNN) and the
     * {@link ConvImplementation} names.
     *
     * @throws IllegalArgumentException for a value of the other backend or of neither, naming the values there are
     */
    static ConvImplementation implementation(String convImplementation, String backend) {
        boolean onCuda = switch (backend) {
            case "cpu" -> false;
            case "cuda" -> true;
            default -> throw new IllegalArgumentException("backend must be cpu or cuda, got '" + backend + "'");
        };
        if (convImplementation.equals(DEFAULT_IMPLEMENTATION)) {
            return onCuda ? ConvImplementation.CUDNN : null;
        }
        boolean cudaName = ConvImplementation.optionNames().contains(convImplementation);
        if (!cudaName && !convImplementation.equals(CPU_IMPLEMENTATION)) {
            throw new IllegalArgumentException("convImplementation must be " + DEFAULT_IMPLEMENTATION + ", "
                    + CPU_IMPLEMENTATION + " (backend=cpu) or one of " + ConvImplementation.optionNames()
                    + " (backend=cuda), got '" + convImplementation + "'");
        }
        if (cudaName != onCuda) {
            throw new IllegalArgumentException("convImplementation=" + convImplementation + " needs backend="
                    + (onCuda ? "cpu" : "cuda") + "; with backend=" + backend + " leave it at " + DEFAULT_IMPLEMENTATION
                    + " or name " + (onCuda ? String.join(", ", ConvImplementation.optionNames())
                            : CPU_IMPLEMENTATION + " (the CPU backend has one convolution: im2col + sgemm)"));
        }
        return onCuda ? ConvImplementation.fromName(convImplementation) : null;
    }

    /** The backend call for a pass of a layer (ReferenceShapes' table). */
    private static Call call(String pass, boolean transposed) {
        return switch (pass) {
            case "forward" -> transposed ? Call.BACKWARD_DATA : Call.FORWARD;
            case "backwardData" -> transposed ? Call.FORWARD : Call.BACKWARD_DATA;
            case "backwardWeight" -> Call.BACKWARD_WEIGHT;
            default -> throw new IllegalArgumentException("pass must be forward, backwardData or backwardWeight, got '"
                    + pass + "'");
        };
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
