package io.gcgan.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.CapturedCalls;
import io.gcgan.random.Generator;
import io.gcgan.tensor.Capture;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.GradMode;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import io.gcgan.tensor.testutil.Close;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Contracts of the layers and of {@link Module} that mutation testing (PIT, profile {@code mutation} of this
 * module) found unchecked: each test names the mutants it kills. Expected values are worked out in the comments.
 */
class NnMutationGapsTest {

    private static final ModuleOptions F64 = ModuleOptions.of(new Generator(17)).withDType(DType.FLOAT64);
    private static final double EPS = 1e-5;
    private static final double TOL = 1e-12;

    private static void set(Tensor t, double... values) {
        try (GradMode.Guard g = GradMode.noGrad()) {
            t.assign(Tensor.of(values, t.shape()).to(t.dtype()));
        }
    }

    // ---- BatchNorm -------------------------------------------------------------------------------------

    /**
     * One channel, and momentum 0 and 1, are legal ({@code numFeatures < 1}, {@code momentum >= 0} and
     * {@code momentum <= 1} each survived turning into {@code <= 1}, {@code > 0}, {@code < 1}). x [4, 1] = 1, 3, 5, 7:
     * mean 4, unbiased var 20/3. Momentum 0 keeps the running statistics at 0 and 1; momentum 1 replaces them.
     */
    @Test
    void batchNormTakesOneChannelAndMomentumAtBothEnds() {
        Tensor x = Tensor.of(new double[] {1, 3, 5, 7}, 4, 1);
        var frozen = new BatchNorm1d(1, EPS, 0.0, true, true, F64);
        Tensor y = frozen.forward(x);
        double s = Math.sqrt(5 + EPS); // biased batch variance 5
        Close.assertAllClose("normalised", new double[] {-3 / s, -1 / s, 1 / s, 3 / s}, y.toDoubleArray(), TOL, TOL);
        assertArrayEquals(new double[] {0}, frozen.runningMean().toDoubleArray());
        assertArrayEquals(new double[] {1}, frozen.runningVar().toDoubleArray());
        assertEquals(1, frozen.numBatchesTracked(), "counted even when nothing moves");
        assertEquals(0.0, frozen.momentum());
        assertTrue(frozen.toString().contains("momentum=0.0,"), frozen.toString());

        var replacing = new BatchNorm1d(1, EPS, 1.0, true, true, F64);
        replacing.forward(x);
        Close.assertAllClose("mean", new double[] {4}, replacing.runningMean().toDoubleArray(), TOL, TOL);
        Close.assertAllClose("var", new double[] {20 / 3.0}, replacing.runningVar().toDoubleArray(), TOL, TOL);

        for (Double bad : new Double[] {-0.1, 1.1, Double.NaN}) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> new BatchNorm1d(1, EPS, bad, true, true, F64));
            assertTrue(e.getMessage().contains("momentum in [0, 1] or null, got 1, 1.0E-5, " + bad), e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(0, F64));
        assertTrue(e.getMessage().startsWith("BatchNorm2d: need numFeatures >= 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(2, 0.0, 0.1, true, true, F64));
    }

    /** The settings read back as given ({@code eps()} and {@code momentum()} had no test at all). */
    @Test
    void batchNormReportsItsSettings() {
        var bn = new BatchNorm2d(3, 1e-3, null, true, true, F64);
        assertEquals(3, bn.numFeatures());
        assertEquals(1e-3, bn.eps());
        assertNull(bn.momentum());
        assertEquals(0.1, new BatchNorm1d(3, F64).momentum());
        assertEquals(1e-5, new BatchNorm1d(3, F64).eps());
    }

    /**
     * BatchNorm1d takes [N, C] and [N, C, L] only, BatchNorm2d [N, C, H, W] only (removing the call to checkRank
     * survived: the channel check alone lets a BatchNorm1d normalise an image batch).
     */
    @Test
    void batchNormChecksTheRankOfItsInput() {
        var bn1 = new BatchNorm1d(3, F64);
        var e = assertThrows(IllegalArgumentException.class,
                () -> bn1.forward(Tensor.zeros(DType.FLOAT64, Device.CPU, 2, 3, 2, 2)));
        assertEquals("BatchNorm1d: expected input [N, C] or [N, C, L], got shape [2, 3, 2, 2]", e.getMessage());
        var bn2 = new BatchNorm2d(3, F64);
        for (long[] shape : new long[][] {{4, 3}, {4, 3, 5}}) {
            e = assertThrows(IllegalArgumentException.class,
                    () -> bn2.forward(Tensor.zeros(DType.FLOAT64, Device.CPU, shape)));
            assertTrue(e.getMessage().startsWith("BatchNorm2d: expected input [N, C, H, W], got shape ["),
                    e.getMessage());
        }
        assertEquals(0, bn1.numBatchesTracked() + bn2.numBatchesTracked(), "nothing counted");
    }

    /**
     * A cumulative average (momentum null) cannot be recorded for replay, a momentum can (negating
     * {@code momentum == null} survived: it let the cumulative average be recorded with a factor frozen at
     * 1 / batches of the recording, and refused every module with a momentum).
     */
    @Test
    void onlyBatchNormWithAMomentumCanBeRecorded() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 2, 5, 2, 7, 6}, 4, 2);
        var cumulative = new BatchNorm1d(2, EPS, null, true, true, F64);
        var e = assertThrows(IllegalStateException.class, () -> Capture.record(Device.CPU, () -> {
            try (TensorScope s = TensorScope.open()) {
                cumulative.forward(x);
            }
        }));
        assertTrue(e.getMessage().startsWith("BatchNorm with a cumulative average (momentum null) cannot be recorded"),
                e.getMessage());
        assertEquals(0, cumulative.numBatchesTracked());

        var withMomentum = new BatchNorm1d(2, F64);
        try (CapturedCalls calls = Capture.record(Device.CPU, () -> {
            try (TensorScope s = TensorScope.open()) {
                withMomentum.forward(x);
            }
        })) {
            assertEquals(1, withMomentum.numBatchesTracked(), "counted once, while recording");
        }
    }

    /** {@code usesFusedKernel} reports the choice (returning true always survived). */
    @Test
    void usesFusedKernelReportsTheChoice() {
        var bn = new BatchNorm1d(2, F64);
        assertTrue(bn.usesFusedKernel(), "fused by default");
        assertSame(bn, bn.useFusedKernel(false));
        assertFalse(bn.usesFusedKernel());
        assertTrue(bn.useFusedKernel(true).usesFusedKernel());
    }

    // ---- conv layers -----------------------------------------------------------------------------------

    /**
     * 1x1 kernels and single channels are legal (the checks {@code kernelH < 1} and {@code kernelW < 1} of both
     * layers, and ConvTranspose2d's {@code inChannels < 1}, survived turning into {@code <= 1}). With one channel
     * and a 1x1 kernel both layers are y = w x + b.
     */
    @Test
    void convLayersTakeOneByOneKernelsAndSingleChannels() {
        Tensor x = Tensor.of(new double[] {1, -2, 3, 0.5, 4, -1}, 1, 1, 2, 3);
        double[] expected = new double[6];
        var conv = new Conv2d(1, 1, 1, 1, 1, 1, 0, 0, true, F64);
        var convT = new ConvTranspose2d(1, 1, 1, 1, 1, 1, 0, 0, 0, 0, true, F64);
        for (Module m : List.of(conv, convT)) {
            Tensor w = m == conv ? conv.weight() : convT.weight();
            Tensor b = m == conv ? conv.bias() : convT.bias();
            assertArrayEquals(new long[] {1, 1, 1, 1}, w.shape());
            set(w, 2.5);
            set(b, -1);
            double[] xs = x.toDoubleArray();
            for (int i = 0; i < 6; i++) {
                expected[i] = 2.5 * xs[i] - 1;
            }
            Tensor y = m.forward(x);
            assertArrayEquals(new long[] {1, 1, 2, 3}, y.shape(), m.toString());
            Close.assertAllClose(m.toString(), expected, y.toDoubleArray(), TOL, TOL);
        }
        // a 1-wide kernel in one dimension only
        assertArrayEquals(new long[] {1, 2, 2, 1}, new Conv2d(1, 2, 1, 3, 1, 1, 0, 0, false, F64).forward(x).shape());
        assertArrayEquals(new long[] {1, 2, 1, 3}, new Conv2d(1, 2, 2, 1, 1, 1, 0, 0, false, F64).forward(x).shape());
        assertArrayEquals(new long[] {1, 3, 2, 5},
                new ConvTranspose2d(1, 3, 1, 3, 1, 1, 0, 0, 0, 0, false, F64).forward(x).shape());
        assertArrayEquals(new long[] {1, 3, 4, 3},
                new ConvTranspose2d(1, 3, 3, 1, 1, 1, 0, 0, 0, 0, false, F64).forward(x).shape());
        assertArrayEquals(new long[] {1, 1, 2, 3},
                new ConvTranspose2d(1, 1, 1, 1, 0, false, F64).forward(x).shape());
    }

    /**
     * Output padding must be smaller than the stride in each dimension on its own (each of
     * {@code outPadH >= strideH} and {@code outPadW >= strideW} survived turning into {@code >}: the existing
     * test pads both dimensions at once). Out = (H - 1) s - 2 p + k + op: 2 x 3 in, stride (2, 3), kernel 3,
     * output padding (1, 2) gives 2 + 3 + 1 = 6 by 6 + 3 + 2 = 11.
     */
    @Test
    void convTransposeOutputPaddingIsCheckedPerDimension() {
        var h = assertThrows(IllegalArgumentException.class,
                () -> new ConvTranspose2d(2, 2, 3, 3, 2, 2, 0, 0, 2, 0, true, F64));
        assertEquals("ConvTranspose2d: output padding 2x0 must be >= 0 and smaller than the stride 2x2",
                h.getMessage());
        var w = assertThrows(IllegalArgumentException.class,
                () -> new ConvTranspose2d(2, 2, 3, 3, 2, 3, 0, 0, 0, 3, true, F64));
        assertEquals("ConvTranspose2d: output padding 0x3 must be >= 0 and smaller than the stride 2x3",
                w.getMessage());
        var ok = new ConvTranspose2d(2, 2, 3, 3, 2, 3, 0, 0, 1, 2, true, F64);
        assertArrayEquals(new long[] {1, 2, 6, 11},
                ok.forward(Tensor.zeros(DType.FLOAT64, Device.CPU, 1, 2, 2, 3)).shape());
    }

    /**
     * Conv2d prints its padding only when there is some, and both sizes when either is not 0 (negating either
     * half of {@code padH != 0 || padW != 0} survived: only padded Conv2d reprs were checked).
     */
    @Test
    void conv2dReprShowsPaddingOnlyWhenThereIsSome() {
        assertEquals("Conv2d(2, 3, kernel_size=(3, 3), stride=(1, 1))",
                new Conv2d(2, 3, 3, 1, 0, true, F64).toString());
        assertEquals("Conv2d(2, 3, kernel_size=(3, 3), stride=(1, 1), padding=(0, 1), bias=False)",
                new Conv2d(2, 3, 3, 3, 1, 1, 0, 1, false, F64).toString());
        assertEquals("Conv2d(2, 3, kernel_size=(3, 3), stride=(1, 1), padding=(1, 0))",
                new Conv2d(2, 3, 3, 3, 1, 1, 1, 0, true, F64).toString());
    }

    // ---- shape layers ----------------------------------------------------------------------------------

    /** Flatten of [N, F] is [N, F] (the check {@code rank < 2} survived as {@code <= 2}); rank 1 is refused. */
    @Test
    void flattenOfABatchOfVectorsKeepsIt() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor y = new Flatten().forward(x);
        assertArrayEquals(new long[] {2, 3}, y.shape());
        assertArrayEquals(x.toDoubleArray(), y.toDoubleArray());
        var e = assertThrows(IllegalArgumentException.class, () -> new Flatten().forward(Tensor.zeros(4)));
        assertEquals("Flatten: input needs rank >= 2 (dimension 0 is the batch), got shape [4]", e.getMessage());
    }

    /**
     * Reshape takes a batch of scalars [N] (the check {@code rank < 1} survived as {@code <= 1}) and sizes of 0
     * ({@code d < 0} survived as {@code d <= 0}); it refuses a scalar and other negative sizes, and {@code shape()}
     * is a copy (it had no test).
     */
    @Test
    void reshapeTakesABatchOfScalarsAndEmptySizes() {
        Tensor scores = Tensor.of(new double[] {0.5, -1, 2}, 3);
        Tensor y = new Reshape(1, 1).forward(scores);
        assertArrayEquals(new long[] {3, 1, 1}, y.shape());
        assertArrayEquals(scores.toDoubleArray(), y.toDoubleArray());
        assertArrayEquals(new long[] {2, 4, 0}, new Reshape(4, 0).forward(Tensor.zeros(2, 0)).shape());
        var scalar = assertThrows(IllegalArgumentException.class, () -> new Reshape(1).forward(Tensor.scalar(1)));
        assertEquals("Reshape: input needs a batch dimension, got a scalar", scalar.getMessage());
        var bad = assertThrows(IllegalArgumentException.class, () -> new Reshape(4, -2));
        assertEquals("Reshape: bad size -2 in [4, -2]", bad.getMessage());
        var r = new Reshape(128, 7, 7);
        long[] shape = r.shape();
        assertArrayEquals(new long[] {128, 7, 7}, shape);
        shape[0] = 1;
        assertArrayEquals(new long[] {128, 7, 7}, r.shape(), "a copy");
    }

    /**
     * A shape error in a Sequential names the failing layer by its whole one-line repr, and a container by its
     * name alone (negating {@code first.endsWith("(")} survived: the existing test checks only a prefix of a
     * leaf's repr, which the mutant's cut-off last character does not reach; the container case had no test).
     */
    @Test
    void sequentialErrorsNameLeafLayersAndContainers() {
        var leaf = new Sequential(new Linear(4, 5, true, F64), new Linear(6, 1, true, F64));
        var e = assertThrows(IllegalArgumentException.class,
                () -> leaf.forward(Tensor.zeros(DType.FLOAT64, Device.CPU, 2, 4)));
        assertTrue(e.getMessage().startsWith(
                "layer 1 of 2 (Linear(in_features=6, out_features=1, bias=True)): Linear("), e.getMessage());
        var nested = new Sequential(new ReLU(), new Sequential(new Linear(6, 1, true, F64)), new Tanh());
        e = assertThrows(IllegalArgumentException.class,
                () -> nested.forward(Tensor.zeros(DType.FLOAT64, Device.CPU, 2, 4)));
        assertTrue(e.getMessage().startsWith("layer 1 of 3 (Sequential): layer 0 of 1 (Linear(in_features=6,"),
                e.getMessage());
        assertEquals(List.of(ReLU.class, Sequential.class, Tanh.class),
                nested.layers().stream().map(Object::getClass).toList());
    }

    // ---- Module ----------------------------------------------------------------------------------------

    /** A module registering what its constructor names, in this order; the name "absent" registers null. */
    private static final class Registering extends Module {
        Registering(String parameter, String buffer, String counter, String child) {
            if (parameter != null) {
                registerParameter(parameter, parameter.equals("absent") ? null : Tensor.zeros(2));
            }
            if (buffer != null) {
                registerBuffer(buffer, buffer.equals("absent") ? null : Tensor.zeros(2));
            }
            if (counter != null) {
                registerCounter(counter);
            }
            if (child != null) {
                registerModule(child, child.equals("absent") ? null : new ReLU());
            }
        }

        @Override
        public Tensor forward(Tensor x) {
            return x;
        }
    }

    /**
     * Counters and submodules get the same name checks as parameters and buffers (removing checkNewName from
     * registerCounter and from registerModule survived: a second "w" would have replaced or shadowed the first in
     * the state dict), and null tensors and modules are named (the messages had no test).
     */
    @Test
    void everyKindOfRegistrationChecksItsName() {
        var dupCounter = assertThrows(IllegalArgumentException.class, () -> new Registering("w", null, "w", null));
        assertEquals("Registering already has an attribute named 'w'", dupCounter.getMessage());
        var dupModule = assertThrows(IllegalArgumentException.class, () -> new Registering(null, "b", null, "b"));
        assertEquals("Registering already has an attribute named 'b'", dupModule.getMessage());
        var dotCounter = assertThrows(IllegalArgumentException.class, () -> new Registering(null, null, "a.n", null));
        assertTrue(dotCounter.getMessage().startsWith("bad name 'a.n'"), dotCounter.getMessage());
        var emptyModule = assertThrows(IllegalArgumentException.class, () -> new Registering(null, null, null, ""));
        assertTrue(emptyModule.getMessage().startsWith("bad name ''"), emptyModule.getMessage());
        var p = assertThrows(NullPointerException.class, () -> new Registering("absent", null, null, null));
        assertEquals("parameter 'absent' is null", p.getMessage());
        var b = assertThrows(NullPointerException.class, () -> new Registering(null, "absent", null, null));
        assertEquals("buffer 'absent' is null", b.getMessage());
        var m = assertThrows(NullPointerException.class, () -> new Registering(null, null, null, "absent"));
        assertEquals("module 'absent' is null", m.getMessage());
        assertEquals(List.of("p", "b", "n"),
                List.copyOf(new Registering("p", "b", "n", "c").stateDict().keySet()));
    }

    /** The direct children only, in registration order, read-only (namedChildren had no test). */
    @Test
    void namedChildrenAreTheDirectOnes() {
        var fc = new Linear(2, 2, true, F64);
        var inner = new Sequential(new ReLU());
        var seq = new Sequential(fc, inner);
        Map<String, Module> children = seq.namedChildren();
        assertEquals(List.of("0", "1"), List.copyOf(children.keySet()));
        assertSame(fc, children.get("0"));
        assertSame(inner, children.get("1"));
        assertThrows(UnsupportedOperationException.class, () -> children.put("2", new ReLU()));
        assertTrue(fc.namedChildren().isEmpty());
    }

    /**
     * Every counter by qualified name, each shared one once, live (namedCounters had no test): a BatchNorm used
     * twice has one counter, under its first name, that its forwards advance.
     */
    @Test
    void namedCountersAreLiveAndListedOnce() {
        var bn = new BatchNorm1d(2, F64);
        var other = new BatchNorm1d(2, F64);
        var seq = new Sequential(new Linear(2, 2, true, F64), bn, new ReLU(), bn, other);
        Map<String, Module.Counter> counters = seq.namedCounters();
        assertEquals(List.of("1.num_batches_tracked", "4.num_batches_tracked"), List.copyOf(counters.keySet()));
        bn.forward(Tensor.of(new double[] {1, 2, 3, 4}, 2, 2));
        bn.forward(Tensor.of(new double[] {1, 2, 3, 4}, 2, 2));
        assertEquals(2, counters.get("1.num_batches_tracked").get());
        assertEquals("2", counters.get("1.num_batches_tracked").toString());
        assertEquals(0, counters.get("4.num_batches_tracked").get());
        assertTrue(new Linear(2, 2, true, F64).namedCounters().isEmpty());
    }

    /** {@code train()} and {@code eval()} return the module, for chaining (returning null survived). */
    @Test
    void modeSettersReturnTheModule() {
        var seq = new Sequential(new BatchNorm1d(2, F64));
        assertSame(seq, seq.eval());
        assertFalse(seq.get(0).isTraining());
        assertSame(seq, seq.train());
        assertTrue(seq.get(0).isTraining());
        assertSame(seq, seq.train(false));
    }

    private static Sequential bnModel(long seed) {
        var o = ModuleOptions.of(new Generator(seed)).withDType(DType.FLOAT64);
        return new Sequential(new Linear(3, 2, true, o), new BatchNorm1d(2, o));
    }

    /**
     * loadStateDict checks each entry's dtype and shape before writing anything (negating the loop condition of
     * that check survived: no test gave a wrong shape or dtype), and a counter takes a scalar of any dtype holding
     * an integer in [0, 2^63) (no test loaded a counter at all).
     */
    @Test
    void loadStateDictChecksShapesDtypesAndCounters() {
        var source = bnModel(1);
        source.get(1).forward(Tensor.of(new double[] {1, 2, 3, 4}, 2, 2));
        var target = bnModel(2);
        Map<String, double[]> before = new LinkedHashMap<>();
        target.stateDict().forEach((k, v) -> before.put(k, v.toDoubleArray()));

        Map<String, Tensor> wrongShape = new LinkedHashMap<>(source.stateDict());
        wrongShape.put("1.running_var", Tensor.ones(DType.FLOAT64, Device.CPU, 3));
        var e = assertThrows(IllegalArgumentException.class, () -> target.loadStateDict(wrongShape));
        assertEquals("loadStateDict: '1.running_var' is float64 [3], the module's is float64 [2]", e.getMessage());
        Map<String, Tensor> wrongDtype = new LinkedHashMap<>(source.stateDict());
        wrongDtype.put("1.weight", Tensor.ones(DType.FLOAT32, Device.CPU, 2));
        e = assertThrows(IllegalArgumentException.class, () -> target.loadStateDict(wrongDtype));
        assertEquals("loadStateDict: '1.weight' is float32 [2], the module's is float64 [2]", e.getMessage());

        for (Tensor bad : List.of(Tensor.of(new double[] {3}, 1), Tensor.scalar(-1), Tensor.scalar(2.5),
                Tensor.scalar(0x1p63, DType.FLOAT64, Device.CPU), Tensor.scalar(Double.NaN))) {
            Map<String, Tensor> state = new LinkedHashMap<>(source.stateDict());
            state.put("1.num_batches_tracked", bad);
            e = assertThrows(IllegalArgumentException.class, () -> target.loadStateDict(state));
            assertTrue(e.getMessage().startsWith("loadStateDict: '1.num_batches_tracked' is a counter and needs a"
                    + " scalar holding a non-negative integer, got "), e.getMessage());
        }
        Map<String, double[]> after = new LinkedHashMap<>();
        target.stateDict().forEach((k, v) -> after.put(k, v.toDoubleArray()));
        assertEquals(before.keySet(), after.keySet());
        before.forEach((k, v) -> assertArrayEquals(v, after.get(k), "unchanged after a failed load: " + k));

        var bn = (BatchNorm1d) target.get(1);
        target.loadStateDict(source.stateDict());
        assertEquals(1, bn.numBatchesTracked());
        Close.assertAllClose("running_mean", source.stateDict().get("1.running_mean").toDoubleArray(),
                bn.runningMean().toDoubleArray(), 0, 0);
        for (double count : new double[] {0, 0x1p62}) { // float32 too: any dtype holding an integer
            Map<String, Tensor> state = new LinkedHashMap<>(source.stateDict());
            state.put("1.num_batches_tracked", Tensor.scalar(count, DType.FLOAT32, Device.CPU));
            target.loadStateDict(state);
            assertEquals((long) count, bn.numBatchesTracked());
        }
    }

    // ---- options, initialisation, getters ---------------------------------------------------------------

    /** withDevice and withGenerator change only their field (returning null survived; neither had a test). */
    @Test
    void moduleOptionsWithersChangeOneField() {
        var g = new Generator(23);
        var o = ModuleOptions.of(new Generator(1)).withDType(DType.FLOAT64).withGenerator(g).withDevice(Device.CPU);
        assertSame(g, o.generator());
        assertEquals(Device.CPU, o.device());
        assertEquals(DType.FLOAT64, o.dtype());
        var a = new Linear(3, 2, true, o);
        var b = new Linear(3, 2, true, ModuleOptions.of(new Generator(23)).withDType(DType.FLOAT64));
        assertArrayEquals(b.weight().toDoubleArray(), a.weight().toDoubleArray(), "draws from the given generator");
    }

    /** The fills return the tensor they fill, as documented (normal and constant returning null survived). */
    @Test
    void fillsReturnTheirTensor() {
        Tensor t = Tensor.zeros(DType.FLOAT64, Device.CPU, 3);
        assertSame(t, Init.constant(t, 2));
        assertSame(t, Init.normal(t, 1, 0, new Generator(1)));
        assertArrayEquals(new double[] {1, 1, 1}, t.toDoubleArray());
        assertSame(t, Init.uniform(t, 0.5, 0.5, new Generator(1)));
    }

    /** Getters that had no test: Linear's out features, SpectralNorm's layer and settings. */
    @Test
    void gettersReturnTheSettings() {
        var fc = new Linear(5, 3, true, F64);
        assertEquals(List.of(5, 3), List.of(fc.inFeatures(), fc.outFeatures()));
        var sn = SpectralNorm.wrap(fc, 3, 1e-6, new Generator(2));
        assertSame(fc, sn.layer());
        assertEquals(3, sn.nPowerIterations());
        assertEquals(1e-6, sn.eps());
        var defaults = SpectralNorm.wrap(new Conv2d(1, 2, 3, 1, 0, true, F64), new Generator(2));
        assertEquals(SpectralNorm.DEFAULT_POWER_ITERATIONS, defaults.nPowerIterations());
        assertEquals(SpectralNorm.DEFAULT_EPS, defaults.eps());
    }

    /**
     * Python's repr of the special values and of two-digit exponents (nan, inf and zeros had no test;
     * {@code abs < 10} survived as {@code abs <= 10}, which prints 1e-010).
     */
    @Test
    void pythonFloatReprOfSpecialValuesAndTwoDigitExponents() {
        List<String> got = new ArrayList<>();
        for (double v : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0,
                1e-10, 2.5e10, 1e17, -1.25e-9, 1e-100}) {
            got.add(PyRepr.pyFloat(v));
        }
        assertEquals(List.of("nan", "inf", "-inf", "0.0", "-0.0", "1e-10", "25000000000.0", "1e+17", "-1.25e-09",
                "1e-100"), got);
    }
}
