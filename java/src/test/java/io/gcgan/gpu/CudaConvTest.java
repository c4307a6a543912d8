package io.gcgan.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.Backend;
import io.gcgan.backend.ConvGeometry;
import io.gcgan.backend.Storage;
import io.gcgan.backend.cuda.ConvAutotuneTiming;
import io.gcgan.backend.cuda.ConvImplementation;
import io.gcgan.backend.cuda.CudaBackend;
import io.gcgan.bindings.CudaAvailability;
import io.gcgan.gpu.ConvShapes.Layer;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * conv2dForward, conv2dBackwardData and conv2dBackwardWeight on CUDA with cuDNN, with the explicit GEMMs
 * ({@link ConvImplementation#GEMM}: our im2col and col2im around cuBLAS) and with {@link ConvImplementation#AUTO}
 * against the CPU backend in float64 on the same values, for every conv and transposed-conv layer of mnist28 (batch
 * 64 and 1) and dcgan64 (batch 8; d2 and g2 also at batch 64), and odd geometries (float32 and float64); and that
 * each repeats bit for bit. Outputs are NaN-filled first; both backward passes
 * overwrite, so the rows and columns of dx that no window covers must come back as 0, not NaN.
 *
 * <p>Tolerance per output element: {@code Check.sumFactor(dtype, K) * conv(|a|, |b|)}, the Higham-Mary bound with
 * K the number of products per output (forward: C R S; backward-data: K ceil(R / stride) ceil(S / stride);
 * backward-weight: N P Q) and the same pass on absolute values as the sum of |terms| (see {@link Check#LAMBDA}).
 */
@GpuTest
class CudaConvTest {

    enum Pass { FORWARD, BACKWARD_DATA, BACKWARD_WEIGHT }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        List<Layer> float32Only = new ArrayList<>(ConvShapes.reference("mnist28", 64));
        float32Only.addAll(ConvShapes.reference("dcgan64", 8));
        float32Only.addAll(ConvShapes.reference("dcgan64.d2", 64));
        float32Only.addAll(ConvShapes.reference("dcgan64.g2", 64));
        List<Layer> both = new ArrayList<>(ConvShapes.reference("mnist28", 1));
        both.addAll(ConvShapes.odd());
        for (ConvImplementation impl : IMPLEMENTATIONS) {
            for (Pass pass : Pass.values()) {
                for (Layer l : float32Only) {
                    out.add(Arguments.of(l, pass, DType.FLOAT32, impl));
                }
                for (Layer l : both) {
                    out.add(Arguments.of(l, pass, DType.FLOAT32, impl));
                    out.add(Arguments.of(l, pass, DType.FLOAT64, impl));
                }
            }
        }
        return out.stream();
    }

    /** The implementations named per call here (CudaOwnConvTest covers the default, OWN); AUTO measures first. */
    static final List<ConvImplementation> IMPLEMENTATIONS =
            List.of(ConvImplementation.CUDNN, ConvImplementation.GEMM, ConvImplementation.AUTO);

    @ParameterizedTest(name = "{3} {1} {0} {2}")
    @MethodSource("cases")
    void conv(Layer layer, Pass pass, DType dtype, ConvImplementation impl) {
        ConvGeometry g = layer.g();
        String what = impl + " " + pass + " " + layer + " " + dtype;
        // the two inputs of the pass: forward (x, w), backward-data (dy, w), backward-weight (x, dy)
        long[][] inShapes = switch (pass) {
            case FORWARD -> new long[][] {g.xShape(), g.wShape()};
            case BACKWARD_DATA -> new long[][] {g.yShape(), g.wShape()};
            case BACKWARD_WEIGHT -> new long[][] {g.xShape(), g.yShape()};
        };
        long terms = switch (pass) {
            case FORWARD -> (long) g.c() * g.r() * g.s();
            case BACKWARD_DATA -> (long) g.k() * ceilDiv(g.r(), g.strideH()) * ceilDiv(g.s(), g.strideW());
            case BACKWARD_WEIGHT -> (long) g.n() * g.p() * g.q();
        };
        double[] a = Data.uniform(Data.random(what + "a"), Math.toIntExact(Data.numel(inShapes[0])), -1, 1, dtype);
        double[] b = Data.uniform(Data.random(what + "b"), Math.toIntExact(Data.numel(inShapes[1])), -1, 1, dtype);
        try (TensorScope scope = TensorScope.open()) {
            double[] got = run(Gpu.cuda(), impl, dtype, pass, g, a, b, scope);
            double[] ref = run(Gpu.cpu(), impl, DType.FLOAT64, pass, g, a, b, scope);
            double[] absRef = run(Gpu.cpu(), impl, DType.FLOAT64, pass, g, Data.abs(a), Data.abs(b), scope);
            Check.scaled(what + " (K = " + terms + ")", ref, got, absRef, Check.sumFactor(dtype, terms),
                    Double.MIN_NORMAL);
        }
    }

    static Stream<ConvImplementation> implementations() {
        return IMPLEMENTATIONS.stream();
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** One pass on {@code be} in {@code dtype} (on CUDA with {@code impl}); the output is NaN-filled first. */
    private static double[] run(Backend be, ConvImplementation impl, DType dtype, Pass pass, ConvGeometry g,
                                double[] a, double[] b, TensorScope scope) {
        Storage sa = Gpu.upload(be, dtype, a, scope);
        Storage sb = Gpu.upload(be, dtype, b, scope);
        long outNumel = Data.numel(switch (pass) {
            case FORWARD -> g.yShape();
            case BACKWARD_DATA -> g.xShape();
            case BACKWARD_WEIGHT -> g.wShape();
        });
        Storage out = Gpu.poisoned(be, dtype, outNumel, scope);
        if (be instanceof CudaBackend cuda) {
            switch (pass) {
                case FORWARD -> cuda.conv2dForward(sa, sb, out, g, impl);
                case BACKWARD_DATA -> cuda.conv2dBackwardData(sa, sb, out, g, impl);
                case BACKWARD_WEIGHT -> cuda.conv2dBackwardWeight(sa, sb, out, g, impl);
            }
        } else {
            switch (pass) {
                case FORWARD -> be.conv2dForward(sa, sb, out, g);
                case BACKWARD_DATA -> be.conv2dBackwardData(sa, sb, out, g);
                case BACKWARD_WEIGHT -> be.conv2dBackwardWeight(sa, sb, out, g);
            }
        }
        return Gpu.read(out);
    }

    /**
     * {@link ConvAutotuneTiming#DEVICE_ONLY}: auto times its candidates queued behind a busy wait on the device
     * ({@code gcgan_busy_wait}); the passes it then runs match the CPU as every implementation must, and its choices
     * are kept apart from those timed with launches.
     */
    @Test
    void autoTimedOnTheDeviceAloneComputesTheSameConvolutions() {
        CudaBackend cuda = Gpu.cuda() instanceof CudaBackend c ? c : null; // null with the CPU stand-in
        ConvAutotuneTiming before = cuda == null ? null : cuda.convAutotuneTiming();
        if (cuda != null) {
            cuda.setConvAutotuneTiming(ConvAutotuneTiming.DEVICE_ONLY);
        }
        try {
            List<Layer> layers = new ArrayList<>(ConvShapes.reference("mnist28", 64));
            layers.addAll(ConvShapes.reference("dcgan64.d3", 64));
            for (Layer layer : layers) {
                for (Pass pass : Pass.values()) {
                    conv(layer, pass, DType.FLOAT32, ConvImplementation.AUTO);
                }
            }
            if (cuda != null) {
                List<String> timed = cuda.autotunedConvChoices().stream()
                        .filter(line -> line.contains(" device-only -> ")).toList();
                long geometries = layers.stream().map(Layer::g).distinct().count(); // mnist28's g2 is d1's
                assertEquals(3 * geometries, timed.size(),
                        "one device-only choice per geometry and pass: " + cuda.autotunedConvChoices());
            }
        } finally {
            if (cuda != null) {
                cuda.setConvAutotuneTiming(before);
            }
        }
    }

    /**
     * Choices imported with {@link CudaBackend#importConvChoices} are auto's for those passes: they run without being
     * measured (no medians), compute the convolution, are exported again as read, and a later import replaces them.
     * The geometry is one no other test uses, so the shared backend's other choices are untouched.
     */
    @Test
    void importedConvChoicesAreTakenWithoutMeasuring() {
        CudaBackend cuda = Gpu.cudaBackend();
        Assumptions.assumeTrue(CudaAvailability.probe().available(CudaAvailability.Component.CUDNN),
                "cuDNN (one imported choice names it)");
        ConvGeometry g = new ConvGeometry(3, 5, 11, 9, 7, 3, 3, 1, 2, 1, 0);
        String forward = "forward 3 5 11 9 7 3 3 1 2 1 0 float32 fp32 ";
        String data = "backward_data 3 5 11 9 7 3 3 1 2 1 0 float32 fp32 ";
        String text = "# gcgan conv choices 1\n" + forward + "gemm\n" + data + "cudnn\n";
        assertEquals(2, cuda.importConvChoices(text, "test choices"));
        Layer layer = new Layer("odd", false, g);
        conv(layer, Pass.FORWARD, DType.FLOAT32, ConvImplementation.AUTO); // checked against the CPU
        conv(layer, Pass.BACKWARD_DATA, DType.FLOAT32, ConvImplementation.AUTO);
        String described = "ConvGeometry[n=3, c=5, h=11, w=9, k=7, r=3, s=3, strideH=1, strideW=2, padH=1, padW=0]";
        List<String> lines = cuda.autotunedConvChoices();
        assertTrue(lines.contains("FORWARD " + described + " FLOAT32 fp32 with-launches -> GEMM ()"), lines::toString);
        assertTrue(lines.contains("BACKWARD_DATA " + described + " FLOAT32 fp32 with-launches -> CUDNN ()"),
                lines::toString);
        String exported = cuda.exportConvChoices();
        assertTrue(exported.startsWith("# gcgan conv choices 1\n# measured on cuda:"), exported);
        assertTrue(exported.contains("\n" + forward + "gemm\n") && exported.contains("\n" + data + "cudnn\n"),
                exported);
        cuda.importConvChoices("# gcgan conv choices 1\n" + forward + "own\n", "second");
        assertTrue(cuda.exportConvChoices().contains("\n" + forward + "own\n"), "replaced");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cuda.importConvChoices("# gcgan conv choices 1\n" + forward + "auto\n", "bad.txt"));
        assertEquals("bad.txt line 2: a choice names a concrete implementation (own, gemm or cudnn), not auto",
                e.getMessage());
    }

    /**
     * Each pass of the batch-64 layers run four times on the same inputs gives the same bits: our kernels add split-K
     * partials in a fixed order, cuBLAS is deterministic on one stream, and cuDNN keeps to its deterministic
     * algorithms when {@link CudaBackend#requireDeterministicConvAlgorithms} requires it (set here). With cuDNN's
     * nondeterministic algorithms (atomics), the captured dcgan64 steps of {@link CudaCapturedStepsTest} differed
     * from the written ones in the sixth digit of D's loss after one Adam step (H200, 2026-11-27).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void everyPassRepeatsBitForBit(ConvImplementation impl) {
        List<Layer> layers = new ArrayList<>(ConvShapes.reference("mnist28", 64));
        layers.addAll(ConvShapes.reference("dcgan64", 64));
        CudaBackend cuda = Gpu.cuda() instanceof CudaBackend c ? c : null; // null with the CPU stand-in
        boolean before = cuda != null && cuda.deterministicConvAlgorithmsRequired();
        if (cuda != null) {
            cuda.requireDeterministicConvAlgorithms(true);
        }
        try (TensorScope scope = TensorScope.open()) {
            for (Layer layer : layers) {
                ConvGeometry g = layer.g();
                for (Pass pass : Pass.values()) {
                    long[][] shapes = switch (pass) {
                        case FORWARD -> new long[][] {g.xShape(), g.wShape()};
                        case BACKWARD_DATA -> new long[][] {g.yShape(), g.wShape()};
                        case BACKWARD_WEIGHT -> new long[][] {g.xShape(), g.yShape()};
                    };
                    String what = impl + " " + pass + " " + layer;
                    double[] a = Data.uniform(Data.random(what + "a"), Math.toIntExact(Data.numel(shapes[0])), -1, 1,
                            DType.FLOAT32);
                    double[] b = Data.uniform(Data.random(what + "b"), Math.toIntExact(Data.numel(shapes[1])), -1, 1,
                            DType.FLOAT32);
                    double[] first = run(Gpu.cuda(), impl, DType.FLOAT32, pass, g, a, b, scope);
                    for (int again = 0; again < 3; again++) {
                        double[] next = run(Gpu.cuda(), impl, DType.FLOAT32, pass, g, a, b, scope);
                        for (int i = 0; i < first.length; i++) {
                            if (Double.doubleToRawLongBits(first[i]) != Double.doubleToRawLongBits(next[i])) {
                                throw new AssertionError(what + ": run " + (again + 2) + " differs from run 1 at "
                                        + i + ": " + next[i] + " vs " + first[i]);
                            }
                        }
                    }
                }
            }
        } finally {
            if (cuda != null) {
                cuda.requireDeterministicConvAlgorithms(before);
            }
        }
    }

    /**
     * The TF32 probe of {@link CudaMatmulTest#float32ProductsAreNotRoundedToTf32} for each pass: 16 products of
     * v = 1 + 2^-20 per output, exact in float32 (16 (1 + 2^-19)) and 16 in TF32.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void float32ConvolutionsAreNotRoundedToTf32(ConvImplementation impl) {
        double v = 1 + 0x1p-20;
        ConvGeometry[] probes = {
            new ConvGeometry(1, 1, 4, 4, 8, 4, 4, 1, 1, 0, 0),  // forward: C R S = 16
            new ConvGeometry(2, 3, 1, 1, 16, 1, 1, 1, 1, 0, 0), // backward-data: K = 16
            new ConvGeometry(16, 2, 1, 1, 3, 1, 1, 1, 1, 0, 0), // backward-weight: N P Q = 16
        };
        Pass[] passes = Pass.values();
        try (TensorScope scope = TensorScope.open()) {
            for (int i = 0; i < 3; i++) {
                ConvGeometry g = probes[i];
                long[][] shapes = switch (passes[i]) {
                    case FORWARD -> new long[][] {g.xShape(), g.wShape()};
                    case BACKWARD_DATA -> new long[][] {g.yShape(), g.wShape()};
                    case BACKWARD_WEIGHT -> new long[][] {g.xShape(), g.yShape()};
                };
                double[] a = new double[Math.toIntExact(Data.numel(shapes[0]))];
                double[] b = new double[Math.toIntExact(Data.numel(shapes[1]))];
                Arrays.fill(a, v);
                Arrays.fill(b, v);
                double[] got = run(Gpu.cuda(), impl, DType.FLOAT32, passes[i], g, a, b, scope);
                double[] ref = run(Gpu.cpu(), impl, DType.FLOAT64, passes[i], g, a, b, scope);
                Check.close(passes[i] + " of 1 + 2^-20 (TF32 would give exactly 16)", ref, got, 0, 0x1p-21);
            }
        }
    }
}
