package io.gcgan.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.Backend;
import io.gcgan.backend.ConvGeometry;
import io.gcgan.backend.Storage;
import io.gcgan.backend.cuda.ConvImplementation;
import io.gcgan.backend.cuda.CudaBackend;
import io.gcgan.gpu.ConvShapes.Layer;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * gcgan's own conv kernels ({@link ConvImplementation#OWN}, kernels/src/conv.cu) on CUDA:
 * <ul>
 *   <li>all three passes against the CPU backend in float64, in float32 and float64, on every reference layer
 *       (dcgan64, mnist28) at batch 64 and batch 1, and on odd geometries (channels 3, 5, 7, 13, kernels 1..5,
 *       strides 1..3, paddings 0..2, non-square, stride larger than the kernel, rows no window covers; and
 *       backward-data into 1..4 channels large enough for the direct kernel);</li>
 *   <li>against cuDNN on the reference layers at batch 64 (float32);</li>
 *   <li>run-to-run identical bits (backward-weight's split-K reduction is ordered, no atomics);</li>
 *   <li>float32 is float32 FMA by default; with TF32 allowed the tensor-core tiles round to TF32 and stay within
 *       the TF32 error bound on the reference layers;</li>
 *   <li>argument errors (the C functions' own checks are covered without a GPU by OwnConvolutionTest).</li>
 * </ul>
 * Outputs are NaN-filled before every call, so an element the kernels never write fails. Tolerance per element as
 * in {@link CudaConvTest}: {@code Check.sumFactor(dtype, K) * conv(|a|, |b|)} with K the products per output.
 * Inputs are float32 values (rounded once) so that one float64 CPU reference serves both dtypes.
 */
@GpuTest
class CudaOwnConvTest {

    enum Pass { FORWARD, BACKWARD_DATA, BACKWARD_WEIGHT }

    /** The issue's odd shapes: a fixed pseudo-random set, plus ConvShapes.odd(). */
    static List<Layer> oddShapes() {
        List<Layer> out = new ArrayList<>(ConvShapes.odd());
        int[] channels = {3, 5, 7, 13};
        int[] sides = {1, 2, 3, 5, 7, 13};
        Random rnd = new Random(6);
        for (int i = 0; i < 24; i++) {
            int n = 1 + rnd.nextInt(3);
            int c = channels[rnd.nextInt(4)];
            int k = channels[rnd.nextInt(4)];
            int r = 1 + rnd.nextInt(5);
            int s = 1 + rnd.nextInt(5);
            int sh = 1 + rnd.nextInt(3);
            int sw = 1 + rnd.nextInt(3);
            int ph = rnd.nextInt(3);
            int pw = rnd.nextInt(3);
            int h = Math.max(sides[rnd.nextInt(sides.length)] + rnd.nextInt(3), r - 2 * ph);
            int w = Math.max(sides[rnd.nextInt(sides.length)] + rnd.nextInt(3), s - 2 * pw);
            out.add(new Layer("odd#" + i, false, new ConvGeometry(n, c, h, w, k, r, s, sh, sw, ph, pw)));
        }
        // Backward-data into c <= 4 channels with at least 16384 pixels takes the direct kernel (conv_internal.cuh,
        // DirectBackwardData): c = 1, 2, 3, 4, uneven strides, stride > kernel, and k over several weight chunks.
        out.add(new Layer("direct c2", false, new ConvGeometry(12, 2, 45, 37, 19, 3, 5, 2, 3, 1, 2)));
        out.add(new Layer("direct c4 stride > kernel", false, new ConvGeometry(9, 4, 50, 41, 300, 2, 2, 3, 3, 0, 0)));
        out.add(new Layer("direct c1 5x5", false, new ConvGeometry(20, 1, 33, 29, 37, 5, 5, 1, 1, 2, 2)));
        out.add(new Layer("direct c3 7x7 chunks", false, new ConvGeometry(8, 3, 48, 44, 45, 7, 7, 2, 2, 3, 3)));
        return out;
    }

    static Stream<Arguments> cpuCases() {
        List<Layer> layers = new ArrayList<>(ConvShapes.reference("", 64));
        layers.addAll(ConvShapes.reference("", 1));
        layers.addAll(oddShapes());
        List<Arguments> out = new ArrayList<>();
        for (Layer l : layers) {
            for (Pass pass : Pass.values()) {
                out.add(Arguments.of(l, pass));
            }
        }
        return out.stream();
    }

    static Stream<Arguments> referenceCases() {
        List<Arguments> out = new ArrayList<>();
        for (Layer l : ConvShapes.reference("", 64)) {
            for (Pass pass : Pass.values()) {
                out.add(Arguments.of(l, pass));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("cpuCases")
    void ownMatchesCpu(Layer layer, Pass pass) {
        ConvGeometry g = layer.g();
        String what = "OWN " + pass + " " + layer;
        double[][] in = inputs(what, pass, g);
        try (TensorScope scope = TensorScope.open()) {
            double[] ref = run(Gpu.cpu(), null, DType.FLOAT64, pass, g, in[0], in[1], scope);
            double[] absRef = run(Gpu.cpu(), null, DType.FLOAT64, pass, g, Data.abs(in[0]), Data.abs(in[1]), scope);
            for (DType dtype : DType.values()) {
                double[] got = run(Gpu.cuda(), ConvImplementation.OWN, dtype, pass, g, in[0], in[1], scope);
                Check.scaled(what + " " + dtype + " (K = " + terms(pass, g) + ")", ref, got, absRef,
                        Check.sumFactor(dtype, terms(pass, g)), Double.MIN_NORMAL);
            }
        }
    }

    /** OWN and cuDNN (float32, no TF32) agree within the sum of both error bounds. */
    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("referenceCases")
    void ownMatchesCudnn(Layer layer, Pass pass) {
        ConvGeometry g = layer.g();
        String what = "OWN vs CUDNN " + pass + " " + layer;
        double[][] in = inputs(what, pass, g);
        try (TensorScope scope = TensorScope.open()) {
            Backend cuda = Gpu.cuda();
            double[] own = run(cuda, ConvImplementation.OWN, DType.FLOAT32, pass, g, in[0], in[1], scope);
            double[] cudnn = run(cuda, ConvImplementation.CUDNN, DType.FLOAT32, pass, g, in[0], in[1], scope);
            double[] scale = run(cuda, ConvImplementation.OWN, DType.FLOAT64, pass, g, Data.abs(in[0]),
                    Data.abs(in[1]), scope);
            Check.scaled(what + " float32 (K = " + terms(pass, g) + ")", cudnn, own, scale,
                    2 * Check.sumFactor(DType.FLOAT32, terms(pass, g)), Double.MIN_NORMAL);
        }
    }

    static Stream<Arguments> determinismCases() {
        List<Arguments> out = new ArrayList<>();
        for (String name : new String[] {"dcgan64.d2", "dcgan64.d5", "dcgan64.g1", "mnist28.d1", "mnist28.g2"}) {
            for (Layer l : ConvShapes.reference(name, 64)) {
                for (DType dtype : DType.values()) {
                    out.add(Arguments.of(l, dtype));
                }
            }
        }
        return out.stream();
    }

    /** Every pass twice on the same inputs gives the same bits (split-K partials are added in a fixed order). */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("determinismCases")
    void ownIsDeterministic(Layer layer, DType dtype) {
        ConvGeometry g = layer.g();
        try (TensorScope scope = TensorScope.open()) {
            for (Pass pass : Pass.values()) {
                String what = "OWN " + pass + " twice " + layer + " " + dtype;
                double[][] in = inputs(what, pass, g);
                long[] first = runBits(Gpu.cuda(), dtype, pass, g, in[0], in[1], scope);
                long[] second = runBits(Gpu.cuda(), dtype, pass, g, in[0], in[1], scope);
                Check.bitwise(what, dtype, first, second);
            }
        }
    }

    /** Probes of 16 products of 1 + 2^-20 per output: exact in float32 (16 (1 + 2^-19)), exactly 16 in TF32. */
    private static final ConvGeometry[] TF32_PROBES = {
        new ConvGeometry(1, 1, 4, 4, 8, 4, 4, 1, 1, 0, 0),   // forward: C R S = 16 (8 columns: float32 FMA always)
        new ConvGeometry(2, 3, 1, 1, 16, 1, 1, 1, 1, 0, 0),  // backward-data: K = 16
        new ConvGeometry(16, 2, 1, 1, 3, 1, 1, 1, 1, 0, 0),  // backward-weight: N P Q = 16
        new ConvGeometry(1, 1, 4, 4, 32, 4, 4, 1, 1, 0, 0),  // forward with 32 columns: the tensor-core tile
    };
    private static final Pass[] TF32_PROBE_PASSES = {Pass.FORWARD, Pass.BACKWARD_DATA, Pass.BACKWARD_WEIGHT,
        Pass.FORWARD};

    /** The TF32 probes with {@code allowTf32}; returns each probe's first output value. */
    private static double[] tf32Probes(Backend be, boolean allowTf32) {
        CudaBackend cuda = (CudaBackend) be;
        boolean before = cuda.tf32Allowed();
        cuda.allowTf32(allowTf32);
        double v = 1 + 0x1p-20;
        double[] first = new double[TF32_PROBES.length];
        try (TensorScope scope = TensorScope.open()) {
            for (int i = 0; i < TF32_PROBES.length; i++) {
                ConvGeometry g = TF32_PROBES[i];
                long[][] shapes = inShapes(TF32_PROBE_PASSES[i], g);
                double[] a = new double[Math.toIntExact(Data.numel(shapes[0]))];
                double[] b = new double[Math.toIntExact(Data.numel(shapes[1]))];
                Arrays.fill(a, v);
                Arrays.fill(b, v);
                double[] got = run(be, ConvImplementation.OWN, DType.FLOAT32, TF32_PROBE_PASSES[i], g, a, b, scope);
                double[] ref = run(Gpu.cpu(), null, DType.FLOAT64, TF32_PROBE_PASSES[i], g, a, b, scope);
                if (!allowTf32) {
                    Check.close(TF32_PROBE_PASSES[i] + " of 1 + 2^-20, TF32 not allowed (TF32 would give exactly 16)",
                            ref, got, 0, 0x1p-21);
                }
                first[i] = got[0];
            }
        } finally {
            cuda.allowTf32(before);
        }
        return first;
    }

    /** With TF32 off (the default) OWN's float32 products are float32 FMAs, on every tile. */
    @Test
    void ownFloat32IsNotRoundedToTf32ByDefault() {
        Backend be = Gpu.cuda();
        if (!(be instanceof CudaBackend)) {
            return; // the CPU stand-in of -Dgcgan.gpu.selfTest=cpu has no TF32 setting
        }
        tf32Probes(be, false);
    }

    /** With TF32 allowed, the tensor-core tile rounds to TF32 (exactly 16), the narrow tiles stay float32 FMA. */
    @Test
    void ownUsesTf32WhereAllowed() {
        Backend be = Gpu.cuda();
        if (!(be instanceof CudaBackend)) {
            return;
        }
        double[] first = tf32Probes(be, true);
        double exact = 16 * (1 + 0x1p-19);
        assertEquals(exact, first[0], 0x1p-21, "forward with 8 columns stays float32");
        assertEquals(16.0, first[3], 0.0, "forward with 32 columns runs on TF32 tensor cores");
    }

    /**
     * OWN with TF32 allowed against the CPU on the reference layers (batch 64, float32): each product carries the
     * rounding of both inputs to TF32 (relative error at most 2^-10 + 2^-22), plus the float32 sum's error.
     */
    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("referenceCases")
    void ownTf32MatchesCpu(Layer layer, Pass pass) {
        Backend be = Gpu.cuda();
        if (!(be instanceof CudaBackend cuda)) {
            return;
        }
        ConvGeometry g = layer.g();
        String what = "OWN TF32 " + pass + " " + layer;
        double[][] in = inputs(what, pass, g);
        boolean before = cuda.tf32Allowed();
        cuda.allowTf32(true);
        try (TensorScope scope = TensorScope.open()) {
            double[] got = run(cuda, ConvImplementation.OWN, DType.FLOAT32, pass, g, in[0], in[1], scope);
            double[] ref = run(Gpu.cpu(), null, DType.FLOAT64, pass, g, in[0], in[1], scope);
            double[] absRef = run(Gpu.cpu(), null, DType.FLOAT64, pass, g, Data.abs(in[0]), Data.abs(in[1]), scope);
            double factor = 0x1p-10 + 0x1p-22 + Check.sumFactor(DType.FLOAT32, terms(pass, g));
            Check.scaled(what + " (K = " + terms(pass, g) + ")", ref, got, absRef, factor, Double.MIN_NORMAL);
        } finally {
            cuda.allowTf32(before);
        }
    }

    @Test
    void badArgumentsAreRejected() {
        Backend be = Gpu.cuda();
        if (!(be instanceof CudaBackend cuda)) {
            return; // the CPU stand-in of -Dgcgan.gpu.selfTest=cpu has no per-call implementation
        }
        ConvGeometry g = new ConvGeometry(2, 3, 5, 5, 4, 3, 3, 1, 1, 1, 1);
        try (TensorScope scope = TensorScope.open()) {
            Storage x = cuda.allocate(DType.FLOAT32, 2 * 3 * 5 * 5, scope);
            Storage w = cuda.allocate(DType.FLOAT32, 4 * 3 * 3 * 3, scope);
            Storage y = cuda.allocate(DType.FLOAT32, 2 * 4 * 5 * 5 - 1, scope); // one element short
            Storage w64 = cuda.allocate(DType.FLOAT64, 4 * 3 * 3 * 3, scope);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> cuda.conv2dForward(x, w, y, g, ConvImplementation.OWN));
            assertTrue(e.getMessage().contains("conv2dForward"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> cuda.conv2dBackwardWeight(x, y, w64, g, ConvImplementation.OWN));
            assertTrue(e.getMessage().contains("conv2dBackwardWeight"), e.getMessage());
            Storage dy = cuda.allocate(DType.FLOAT32, 2 * 4 * 5 * 5, scope); // the right size: only null is wrong
            NullPointerException npe = assertThrows(NullPointerException.class,
                    () -> cuda.conv2dBackwardData(dy, w, x, g, null));
            assertTrue(npe.getMessage().contains("conv2dBackwardData: implementation"), npe.getMessage());
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static long[][] inShapes(Pass pass, ConvGeometry g) {
        return switch (pass) {
            case FORWARD -> new long[][] {g.xShape(), g.wShape()};
            case BACKWARD_DATA -> new long[][] {g.yShape(), g.wShape()};
            case BACKWARD_WEIGHT -> new long[][] {g.xShape(), g.yShape()};
        };
    }

    /** The two inputs of the pass, uniform in [-1, 1) rounded to float32. */
    private static double[][] inputs(String what, Pass pass, ConvGeometry g) {
        long[][] shapes = inShapes(pass, g);
        Random rnd = Data.random(what);
        return new double[][] {
            Data.uniform(rnd, Math.toIntExact(Data.numel(shapes[0])), -1, 1, DType.FLOAT32),
            Data.uniform(rnd, Math.toIntExact(Data.numel(shapes[1])), -1, 1, DType.FLOAT32)};
    }

    /** Products per output element. */
    private static long terms(Pass pass, ConvGeometry g) {
        return switch (pass) {
            case FORWARD -> (long) g.c() * g.r() * g.s();
            case BACKWARD_DATA -> (long) g.k() * ceilDiv(g.r(), g.strideH()) * ceilDiv(g.s(), g.strideW());
            case BACKWARD_WEIGHT -> (long) g.n() * g.p() * g.q();
        };
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static Storage runStorage(Backend be, ConvImplementation impl, DType dtype, Pass pass, ConvGeometry g,
                                      double[] a, double[] b, TensorScope scope) {
        Storage sa = Gpu.upload(be, dtype, a, scope);
        Storage sb = Gpu.upload(be, dtype, b, scope);
        long outNumel = Data.numel(switch (pass) {
            case FORWARD -> g.yShape();
            case BACKWARD_DATA -> g.xShape();
            case BACKWARD_WEIGHT -> g.wShape();
        });
        Storage out = Gpu.poisoned(be, dtype, outNumel, scope);
        if (impl != null && be instanceof CudaBackend cuda) {
            switch (pass) {
                case FORWARD -> cuda.conv2dForward(sa, sb, out, g, impl);
                case BACKWARD_DATA -> cuda.conv2dBackwardData(sa, sb, out, g, impl);
                case BACKWARD_WEIGHT -> cuda.conv2dBackwardWeight(sa, sb, out, g, impl);
            }
        } else { // the CPU reference, or the CPU stand-in of -Dgcgan.gpu.selfTest=cpu
            switch (pass) {
                case FORWARD -> be.conv2dForward(sa, sb, out, g);
                case BACKWARD_DATA -> be.conv2dBackwardData(sa, sb, out, g);
                case BACKWARD_WEIGHT -> be.conv2dBackwardWeight(sa, sb, out, g);
            }
        }
        return out;
    }

    /** One pass on {@code be} (with {@code impl} on CUDA) in {@code dtype}; the output is NaN-filled first. */
    private static double[] run(Backend be, ConvImplementation impl, DType dtype, Pass pass, ConvGeometry g,
                                double[] a, double[] b, TensorScope scope) {
        return Gpu.read(runStorage(be, impl, dtype, pass, g, a, b, scope));
    }

    private static long[] runBits(Backend be, DType dtype, Pass pass, ConvGeometry g, double[] a, double[] b,
                                  TensorScope scope) {
        return Gpu.readBits(runStorage(be, ConvImplementation.OWN, dtype, pass, g, a, b, scope));
    }
}
