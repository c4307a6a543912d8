package io.gcgan.tensor;

import static io.gcgan.tensor.TensorShapeErrorsTest.assertRejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.Backend;
import io.gcgan.backend.CapturedCalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Tests that kill the mutants PIT left alive in io.gcgan.tensor: argument checks at their boundaries and with the
 * whole message (what is wrong, the values involved, how to fix it), in-place writes refused by autograd, and
 * empty-tensor shapes.
 */
class TensorMutationGapsTest {

    private static Tensor z(long... shape) {
        return Tensor.zeros(shape);
    }

    private static Tensor z64(long... shape) {
        return Tensor.zeros(DType.FLOAT64, Device.CPU, shape);
    }

    private static void assertIllegalState(Executable call, String... parts) {
        IllegalStateException e = assertThrows(IllegalStateException.class, call);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message \"" + e.getMessage() + "\" should contain \"" + p + "\"");
        }
    }

    // ---- Device ------------------------------------------------------------------------------------------

    @Test
    void deviceIndexBoundsNameTheIndex() {
        assertEquals(0, Device.cuda(0).index());
        assertRejects(() -> Device.cuda(-1), "device index must be >= 0", "-1");
        assertRejects(() -> new Device(Device.Kind.CPU, 1), "the CPU device has index 0", "got 1");
        assertEquals(Device.CPU, new Device(Device.Kind.CPU, 0));
    }

    @Test
    void deviceParseAcceptsCpuCudaAndCudaN() {
        assertSame(Device.CPU, Device.parse(" CPU "));
        assertEquals(Device.cuda(0), Device.parse("cuda"));
        assertEquals(Device.cuda(3), Device.parse("Cuda:3"));
        assertEquals("cuda:3", Device.parse("cuda:3").toString());
        assertEquals("cpu", Device.CPU.toString());
        assertRejects(() -> Device.parse("cuda:x"), "bad device 'cuda:x'", "cpu, cuda or cuda:N");
        assertRejects(() -> Device.parse("gpu"), "bad device 'gpu'", "cpu, cuda or cuda:N");
        assertRejects(() -> Device.parse("cuda:-2"), "device index must be >= 0", "-2");
    }

    // ---- dtype checks: the full message of Tensor.checkCompatible ------------------------------------------

    @Test
    void dtypeMismatchMessagesNameShapesAndTheFix() {
        String[] fix = {"float32", "float64", "differ", "convert one with to(DType)"};
        assertRejects(() -> z(2, 3).matmul(z64(3, 2)), concat(fix, "matmul", "[2, 3]", "[3, 2]"));
        assertRejects(() -> z(1, 1, 3, 3).conv2d(z64(1, 1, 2, 2), 1, 1, 0, 0), concat(fix, "conv2d", "[1, 1, 3, 3]"));
        assertRejects(() -> Tensor.conv2dBackwardData(z(1, 1, 2, 2), z64(1, 1, 2, 2), new long[] {1, 1, 3, 3},
                1, 1, 0, 0), concat(fix, "conv2dBackwardData", "[1, 1, 2, 2]"));
        assertRejects(() -> Tensor.conv2dBackwardWeight(z(1, 1, 3, 3), z64(1, 1, 2, 2), new long[] {1, 1, 2, 2},
                1, 1, 0, 0), concat(fix, "conv2dBackwardWeight", "[1, 1, 3, 3]"));
        assertRejects(() -> Tensor.where(z(3), z64(3), z64(3)), concat(fix, "where"));
        assertRejects(() -> Tensor.where(z64(3), z64(3), z(3)), concat(fix, "where"));
        assertRejects(() -> Pointwise.rectifierBackward(z(3), z64(3), 1.0, 0.0), concat(fix, "rectifierBackward"));
        assertRejects(() -> z(3).addInPlace(z64(3)), concat(fix, "addInPlace"));
        assertRejects(() -> Tensor.squaredNorm(List.of(z(3), z64(2))), concat(fix, "squaredNorm", "[3]", "[2]"));
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void matmulInnerMismatchMarksTransposedOperands() {
        assertRejects(() -> z(2, 3).matmul(z(3, 5), true, false), "[2, 3]^T @ [3, 5] (2 vs 3)");
        assertRejects(() -> z(2, 3).matmul(z(5, 2), false, true), "[2, 3] @ [5, 2]^T (3 vs 2)");
    }

    // ---- boundaries of argument checks ---------------------------------------------------------------------

    @Test
    void clampAcceptsEqualBounds() {
        assertArrayEquals(new float[] {1, 1, 1}, Tensor.of(new float[] {-2, 1, 5}, 3).clamp(1, 1).toFloatArray());
        assertRejects(() -> z(3).clamp(1, 0.5), "clamp: min 1.0 > max 0.5");
    }

    @Test
    void convTransposeOutputPaddingMustBeBelowTheStride() {
        Tensor x = z(1, 1, 2, 2);
        Tensor w = z(1, 1, 2, 2);
        assertArrayEquals(new long[] {1, 1, 5, 5}, x.convTranspose2d(w, 2, 2, 0, 0, 1, 1).shape()); // (2-1)*2+2+1
        assertRejects(() -> x.convTranspose2d(w, 2, 2, 0, 0, 2, 0), "output padding (2, 0)", "stride (2, 2)");
        assertRejects(() -> x.convTranspose2d(w, 2, 2, 0, 0, 0, 2), "output padding (0, 2)", "stride (2, 2)");
        assertRejects(() -> x.convTranspose2d(w, 2, 2, 0, 0, -1, 0), "output padding (-1, 0)");
    }

    @Test
    void convTransposeOutputOfOnePixelIsAllowed() {
        Tensor y = Tensor.ones(1, 1, 1, 1).convTranspose2d(Tensor.full(3.0, 1, 1, 1, 1), 1, 1, 0, 0, 0, 0);
        assertArrayEquals(new long[] {1, 1, 1, 1}, y.shape());
        assertEquals(3.0, y.item(), 0.0);
        assertRejects(() -> Tensor.ones(1, 1, 1, 1).convTranspose2d(z(1, 1, 1, 1), 1, 1, 1, 1, 0, 0),
                "output size -1x-1 is empty");
    }

    @Test
    void reshapeTakesAtMostOneInferredSizeAndAllowsZero() {
        assertRejects(() -> z(2, 3).reshape(-1, -1), "reshape: bad size -1 in [-1, -1] (at most one -1)");
        assertRejects(() -> z(2, 3).reshape(3, -2), "reshape: bad size -2");
        assertArrayEquals(new long[] {0, 3}, z(3, 0).reshape(0, 3).shape());
        assertArrayEquals(new long[] {2, 3}, z(6).reshape(-1, 3).shape());
    }

    @Test
    void flattenFromKeepsAnEmptyBatch() {
        assertArrayEquals(new long[] {0, 6}, z(0, 2, 3).flattenFrom(1).shape());
        assertArrayEquals(new long[] {0, 3}, z(0, 3).flattenFrom(-1).shape());
        assertArrayEquals(new long[] {2, 3, 4}, z(2, 3, 4).flattenFrom(2).shape());
        assertArrayEquals(new long[] {2, 12}, z(2, 3, 4).flattenFrom(1).shape());
    }

    @Test
    void sumToReturnsTheGradientItselfWhenShapesAgree() {
        Tensor g = Tensor.ones(2, 3);
        assertSame(g, ShapeOps.sumTo(g, new long[] {2, 3}));
        assertArrayEquals(new float[] {2, 2, 2}, ShapeOps.sumTo(g, new long[] {1, 3}).toFloatArray());
        Tensor g3 = Tensor.arange(12).reshape(2, 2, 3); // [[[0 1 2] [3 4 5]] [[6 7 8] [9 10 11]]]
        assertArrayEquals(new float[] {6, 8, 10, 12, 14, 16}, ShapeOps.sumTo(g3, new long[] {2, 3}).toFloatArray());
        assertArrayEquals(new float[] {18, 22, 26}, ShapeOps.sumTo(g3, new long[] {1, 3}).toFloatArray());
        assertArrayEquals(new float[] {24, 42}, ShapeOps.sumTo(g3, new long[] {2, 1}).toFloatArray());
    }

    @Test
    void toStringShowsValuesUpToEightElements() {
        assertTrue(z(8).toString().contains("values="), z(8).toString());
        assertFalse(z(9).toString().contains("values="), z(9).toString());
    }

    // ---- in-place writes -----------------------------------------------------------------------------------

    @Test
    void inPlaceOpsWriteValuesAndRefuseGrowingOrGradTensors() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        assertSame(t, t.mulInPlace(2));
        assertSame(t, t.addInPlace(Tensor.of(new float[] {10, 20}, 2)));
        assertArrayEquals(new float[] {12, 24, 16, 28}, t.toFloatArray());
        assertRejects(() -> z(2).addInPlace(z(2, 2)), "addInPlace: [2, 2] does not broadcast to [2]");

        Tensor leaf = Tensor.ones(2).requiresGrad(true);
        assertIllegalState(() -> leaf.mulInPlace(2), "mulInPlace: in-place write", "requires grad", "[2]");
        assertIllegalState(() -> leaf.addInPlace(z(2)), "addInPlace: in-place write", "GradMode.noGrad()");
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            leaf.mulInPlace(3).addInPlace(Tensor.ones(1));
        }
        assertArrayEquals(new float[] {4, 4}, leaf.toFloatArray());

        Tensor constant = ScalarConstants.of(7.0, DType.FLOAT32, Backends.of(Device.CPU));
        assertIllegalState(() -> constant.mulInPlace(2), "mulInPlace", "constant", "copy()");
        assertEquals(7.0, constant.item(), 0.0);
    }

    @Test
    void derivativeRefusedAfterAnInputOrTheResultWasWrittenInPlace() {
        Tensor a = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        Tensor c = Tensor.of(new float[] {3, 4}, 2);
        Tensor y = a.mul(c);
        assertArrayEquals(new float[] {3, 4}, y.gradFn().apply(Tensor.ones(2))[0].toFloatArray());
        c.mulInPlace(2);
        assertIllegalState(() -> y.gradFn().apply(Tensor.ones(2)), "derivative of mul", "its input 1 (shape [2])",
                "by mulInPlace");

        Tensor y3 = a.mul(c);
        c.noteWrittenInPlace("an optimizer step");
        assertIllegalState(() -> y3.gradFn().apply(Tensor.ones(2)), "its input 1", "by an optimizer step");

        Tensor y2 = a.mul(c);
        y2.detach().addInPlace(Tensor.ones(2));
        assertIllegalState(() -> y2.gradFn().apply(Tensor.ones(2)), "derivative of mul", "its result",
                "by addInPlace");
    }

    // ---- gradients ----------------------------------------------------------------------------------------

    @Test
    void accumulateGradOfSeveralTermsAddsEachOnce() {
        Tensor leaf = z(2).requiresGrad(true);
        leaf.accumulateGrad(List.of(Tensor.of(new float[] {1, 2}, 2), Tensor.of(new float[] {10, 20}, 2),
                Tensor.of(new float[] {100, 200}, 2)));
        assertArrayEquals(new float[] {111, 222}, leaf.grad().toFloatArray());
        leaf.accumulateGrad(List.of(Tensor.ones(2), Tensor.ones(2), Tensor.ones(2), Tensor.ones(2)));
        assertArrayEquals(new float[] {115, 226}, leaf.grad().toFloatArray());
    }

    @Test
    void zeroGradIsSeenByGradAndByTheNextAccumulation() {
        Tensor leaf = z(2).requiresGrad(true);
        leaf.accumulateGrad(Tensor.of(new float[] {1, 2}, 2));
        leaf.zeroGrad();
        assertArrayEquals(new float[] {0, 0}, leaf.grad().toFloatArray());
        leaf.accumulateGrad(Tensor.of(new float[] {3, 4}, 2));
        leaf.zeroGrad();
        leaf.accumulateGrad(Tensor.of(new float[] {5, 6}, 2));
        assertArrayEquals(new float[] {5, 6}, leaf.grad().toFloatArray());
    }

    @Test
    void logSigmoidIsStableForLargeInputs() {
        double[] y = Tensor.of(new double[] {0, -100, 100}, 3).logSigmoid().toDoubleArray();
        assertEquals(-Math.log(2), y[0], 1e-15);
        assertEquals(-100, y[1], 1e-12);
        assertEquals(0, y[2], 1e-40);
    }

    @Test
    void accumulateGradRejectsMismatchedTerms() {
        Tensor leaf = z(2, 3).requiresGrad(true);
        assertRejects(() -> leaf.accumulateGrad(z(3, 2)), "accumulateGrad: gradient [3, 2] float32 on cpu",
                "does not match tensor [2, 3] float32 on cpu");
        assertRejects(() -> leaf.accumulateGrad(z64(2, 3)), "gradient [2, 3] float64", "tensor [2, 3] float32");
        assertRejects(() -> leaf.accumulateGrad(List.of(z(2, 3), z(2))), "accumulateGrad: gradient [2] float32");
        assertRejects(() -> leaf.accumulateGrad(List.of()), "accumulateGrad: no gradient terms");
        assertEquals(null, leaf.grad(), "a rejected term leaves no gradient behind");
    }

    @Test
    void squaredNormSumsAllTensorsAndDifferentiatesToTwiceX() {
        Tensor a = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {3}, 1);
        Tensor n = Tensor.squaredNorm(List.of(a, b));
        assertEquals(0, n.rank());
        assertEquals(14.0, n.item(), 0.0);
        Tensor[] grads = n.gradFn().apply(Tensor.scalar(0.5));
        assertArrayEquals(new float[] {1, 2}, grads[0].toFloatArray());
        assertEquals(null, grads[1], "b does not require grad");
        assertRejects(() -> Tensor.squaredNorm(List.of()), "squaredNorm: no tensor given");
    }

    // ---- batchNorm arguments -------------------------------------------------------------------------------

    @Test
    void batchNormArgumentChecksNameTheArgumentAndShapes() {
        Tensor x = Tensor.ones(4, 3);
        Tensor c = Tensor.ones(3);
        assertRejects(() -> x.batchNorm(c, null, 1e-5), "give weight and bias together", "weight only");
        assertRejects(() -> x.batchNorm(null, c, 1e-5), "give weight and bias together", "bias only");
        assertRejects(() -> x.batchNorm(Tensor.ones(4), c, 1e-5),
                "batchNorm: weight must have shape [3] for an input of shape [4, 3], got [4]");
        assertRejects(() -> x.batchNorm(c, Tensor.ones(1, 3), 1e-5), "bias must have shape [3]", "got [1, 3]");
        assertRejects(() -> x.batchNorm(c, z64(3), 1e-5), "batchNorm: dtypes float32 and float64 differ");
        assertRejects(() -> x.batchNorm(c, c, 1e-5, z(3), null, 0.1), "give runningMean and runningVar together");
        assertRejects(() -> x.batchNorm(c, c, 1e-5, null, z(3), 0.1), "give runningMean and runningVar together");
        assertRejects(() -> x.batchNorm(c, c, 1e-5, z(2), z(3), 0.1), "runningMean must have shape [3]", "got [2]");
        assertRejects(() -> x.batchNorm(c, c, 1e-5, z(3), z(4), 0.1), "runningVar must have shape [3]", "got [4]");
        assertRejects(() -> x.batchNorm(c, c, 1e-5, z(3), z(3).requiresGrad(true), 0.1),
                "running statistics are updated in place and must not require grad");
    }

    @Test
    void batchNormForwardAndBothBackwardsMatchTheFormula() {
        // x is [N=3, C=2]; per channel: y = w (x - mean) / sqrt(var + eps) + b, var biased.
        double[] xs = {1, 0, 2, 0, 3, 6};
        double[] w = {2, 0.5};
        double[] b = {1, -1};
        double[] gs = {0.5, -1, 2, 3, -0.25, 1};
        double eps = 1e-5;
        double[] yRef = new double[6];
        double[] dxRef = new double[6];
        double[] dwRef = new double[2];
        double[] dbRef = new double[2];
        for (int c = 0; c < 2; c++) {
            double mean = (xs[c] + xs[2 + c] + xs[4 + c]) / 3;
            double var = 0;
            for (int n = 0; n < 3; n++) {
                var += (xs[2 * n + c] - mean) * (xs[2 * n + c] - mean) / 3;
            }
            double invStd = 1 / Math.sqrt(var + eps);
            double gMean = 0;
            double gxMean = 0;
            for (int n = 0; n < 3; n++) {
                double xhat = (xs[2 * n + c] - mean) * invStd;
                yRef[2 * n + c] = w[c] * xhat + b[c];
                gMean += gs[2 * n + c] / 3;
                gxMean += gs[2 * n + c] * xhat / 3;
                dwRef[c] += gs[2 * n + c] * xhat;
                dbRef[c] += gs[2 * n + c];
            }
            for (int n = 0; n < 3; n++) {
                double xhat = (xs[2 * n + c] - mean) * invStd;
                dxRef[2 * n + c] = w[c] * invStd * (gs[2 * n + c] - gMean - xhat * gxMean);
            }
        }
        Tensor x = Tensor.of(xs, 3, 2).requiresGrad(true);
        Tensor weight = Tensor.of(w, 2).requiresGrad(true);
        Tensor bias = Tensor.of(b, 2).requiresGrad(true);
        BatchNormResult r = x.batchNorm(weight, bias, eps);
        assertArrayEquals(yRef, r.output().toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {2, 2}, r.mean().toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {2.0 / 3, 8}, r.biasedVar().toDoubleArray(), 1e-12);
        Tensor g = Tensor.of(gs, 3, 2);
        Tensor[] composed = r.output().gradFn().apply(g);
        Tensor[] fused;
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            fused = r.output().gradFn().apply(g);
        }
        for (Tensor[] grads : List.of(composed, fused)) {
            assertArrayEquals(dxRef, grads[0].toDoubleArray(), 1e-12);
            assertArrayEquals(dwRef, grads[1].toDoubleArray(), 1e-12);
            assertArrayEquals(dbRef, grads[2].toDoubleArray(), 1e-12);
        }
        assertTrue(composed[0].requiresGrad(), "with grad mode on the rule is composed, so differentiable");
        assertEquals(null, fused[0].gradFn(), "under noGrad the rule is the fused backend call");
        GradFn plain = x.batchNorm(null, null, eps).output().gradFn();
        Tensor[] onlyX = plain.apply(g);
        assertEquals(null, onlyX[1]);
        assertEquals(null, onlyX[2]);
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            assertArrayEquals(onlyX[0].toDoubleArray(), plain.apply(g)[0].toDoubleArray(), 1e-12, "fused, dx only");
        }
        GradFn weightOnly = Tensor.of(xs, 3, 2).batchNorm(weight, Tensor.of(b, 2), eps).output().gradFn();
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            Tensor[] none = weightOnly.apply(g);
            assertArrayEquals(dwRef, none[1].toDoubleArray(), 1e-12);
            assertEquals(null, none[0], "x does not require grad");
            assertEquals(null, none[2], "bias does not require grad");
        }
    }

    @Test
    void batchNormComposedAndFusedBackwardAgreeOnImages() {
        double[] xs = new double[24];
        double[] gs = new double[24];
        for (int i = 0; i < 24; i++) {
            xs[i] = Math.sin(i);
            gs[i] = Math.cos(3 * i);
        }
        Tensor x = Tensor.of(xs, 2, 3, 2, 2).requiresGrad(true);
        Tensor weight = Tensor.of(new double[] {1, -2, 0.5}, 3).requiresGrad(true);
        Tensor bias = Tensor.of(new double[] {0, 1, 2}, 3).requiresGrad(true);
        Tensor y = x.batchNorm(weight, bias, 1e-5).output();
        Tensor g = Tensor.of(gs, 2, 3, 2, 2);
        Tensor[] composed = y.gradFn().apply(g);
        Tensor[] fused;
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            fused = y.gradFn().apply(g);
        }
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(fused[i].toDoubleArray(), composed[i].toDoubleArray(), 1e-12, "gradient " + i);
        }
    }

    @Test
    void gradFnNamesTheOperation() {
        Tensor y = Tensor.ones(2).requiresGrad(true).mul(Tensor.ones(2));
        assertEquals("mul", y.gradFn().name());
        assertEquals("mulBackward", y.gradFn().toString());
        assertTrue(y.toString().contains("gradFn=mulBackward"), y.toString());
        assertTrue(Tensor.ones(2).requiresGrad(true).toString().contains("requiresGrad=true"));
        assertFalse(Tensor.ones(2).toString().contains("requiresGrad"), Tensor.ones(2).toString());
    }

    @Test
    void dtypeConversionPassesTheGradientBackInTheSourceDtype() {
        Tensor x = Tensor.of(new double[] {1.5, -2}, 2).requiresGrad(true);
        Tensor y = x.to(DType.FLOAT32);
        assertEquals(DType.FLOAT32, y.dtype());
        Tensor dx = y.gradFn().apply(Tensor.of(new float[] {0.5f, 3}, 2))[0];
        assertEquals(DType.FLOAT64, dx.dtype());
        assertArrayEquals(new double[] {0.5, 3}, dx.toDoubleArray(), 0.0);
    }

    @Test
    void batchNormWithRunningStatisticsReturnsTheSameOutputAndUpdatesThem() {
        Tensor x = Tensor.of(new double[] {1, 0, 2, 0, 3, 6}, 3, 2);
        Tensor runningMean = Tensor.zeros(DType.FLOAT64, Device.CPU, 2);
        Tensor runningVar = Tensor.ones(DType.FLOAT64, Device.CPU, 2);
        BatchNormResult r = x.batchNorm(null, null, 1e-5, runningMean, runningVar, 0.1);
        assertArrayEquals(x.batchNorm(null, null, 1e-5).output().toDoubleArray(), r.output().toDoubleArray(), 0.0);
        assertArrayEquals(new double[] {0.2, 0.2}, runningMean.toDoubleArray(), 1e-12);
        // The unbiased batch variances are 1 and 12.
        assertArrayEquals(new double[] {1.0, 2.1}, runningVar.toDoubleArray(), 1e-12);
    }

    // ---- host copies ---------------------------------------------------------------------------------------

    @Test
    void hostCopiesCheckTheSegmentSize() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(ValueLayout.JAVA_FLOAT, 6);
            for (int i = 0; i < 6; i++) {
                src.setAtIndex(ValueLayout.JAVA_FLOAT, i, i + 1);
            }
            Tensor t = Tensor.fromHost(src, DType.FLOAT32, Device.CPU, 2, 3);
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.toFloatArray());
            assertArrayEquals(new float[] {1, 2, 3}, Tensor.fromHost(src, DType.FLOAT32, Device.CPU, 3)
                    .toFloatArray(), "a larger segment is read from its start");
            assertRejects(() -> Tensor.fromHost(src, DType.FLOAT64, Device.CPU, 2, 3),
                    "fromHost: 24 bytes cannot fill shape [2, 3] of float64 (48 bytes)");

            MemorySegment dst = arena.allocate(ValueLayout.JAVA_FLOAT, 6);
            t.mul(2.0).copyToHost(dst);
            assertEquals(12f, dst.getAtIndex(ValueLayout.JAVA_FLOAT, 5), 0f);
            MemorySegment small = arena.allocate(ValueLayout.JAVA_FLOAT, 5);
            assertRejects(() -> t.copyToHost(small), "copyToHost: 20 bytes cannot hold tensor [2, 3] of float32"
                    + " (24 bytes)");
        }
    }

    // ---- scopes --------------------------------------------------------------------------------------------

    @Test
    void scopeCloseRunsEveryReleaseAndReportsTheFirstFailureWithTheOthersSuppressed() {
        int[] ran = new int[1];
        TensorScope scope = TensorScope.open();
        scope.onClose(() -> {
            ran[0]++;
            throw new IllegalStateException("first registered");
        });
        scope.onClose(() -> ran[0]++);
        scope.onClose(() -> {
            ran[0]++;
            throw new IllegalStateException("last registered");
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, scope::close);
        assertEquals(3, ran[0]);
        assertEquals("last registered", e.getMessage(), "releases run in reverse order");
        assertEquals(1, e.getSuppressed().length);
        assertEquals("first registered", e.getSuppressed()[0].getMessage());
        assertFalse(scope.isOpen());
        scope.close(); // idempotent: nothing runs again
        assertEquals(3, ran[0]);
    }

    // ---- capture -------------------------------------------------------------------------------------------

    @Test
    void captureRecordsReplaysAndEndsAFailedRecording() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = Capture.input(scope, DType.FLOAT32, Device.CPU, 2);
            x.assign(Tensor.of(new float[] {1, 2}, 2));
            Tensor[] y = new Tensor[1];
            boolean[] recording = new boolean[1];
            try (CapturedCalls calls = Capture.record(Device.CPU, () -> {
                recording[0] = Capture.recording(Device.CPU);
                y[0] = x.mul(3.0).add(0.015625); // a constant no other test uses: made, not cached, while recording
            })) {
                assertTrue(recording[0], "recording() inside the recorded code");
                assertFalse(Capture.recording(Device.CPU));
                calls.replay();
                assertArrayEquals(new float[] {3.015625f, 6.015625f}, y[0].toFloatArray());
            }
            IllegalArgumentException failure = new IllegalArgumentException("recorded code failed");
            assertSame(failure, assertThrows(IllegalArgumentException.class, () -> Capture.record(Device.CPU, () -> {
                assertIllegalState(() -> Capture.input(scope, DType.FLOAT32, Device.CPU, 2),
                        "Capture.input: make inputs before recording (cpu is capturing)");
                throw failure;
            })));
            assertFalse(Capture.recording(Device.CPU), "a failed recording is ended");
            assertEquals(0, failure.getSuppressed().length);
        }
    }

    @Test
    void aConstantHoldsItsValue() {
        Backend cpu = Backends.of(Device.CPU);
        Tensor c = ScalarConstants.of(987.654321, DType.FLOAT64, cpu);
        assertEquals(987.654321, c.item(), 0.0);
        assertSame(c, ScalarConstants.of(987.654321, DType.FLOAT64, cpu));
        assertEquals(0.0009765625, ScalarConstants.of(0.0009765625, DType.FLOAT32, cpu).item(), 0.0);
    }

    @Test
    void zeroGradAfterAReplayWroteTheGradientZeroesAtOnce() {
        try (TensorScope scope = TensorScope.open()) {
            // A gradient that exists before the recording: the recording adds into it.
            Tensor adds = Tensor.zeros(2).requiresGrad(true);
            adds.accumulateGrad(Tensor.of(new float[] {1, 2}, 2));
            // No gradient before the recording: the recording's sum of two terms writes it.
            Tensor writes = Tensor.zeros(2).requiresGrad(true);
            Tensor g = Capture.input(scope, DType.FLOAT32, Device.CPU, 2);
            try (CapturedCalls calls = Capture.record(Device.CPU, () -> {
                adds.accumulateGrad(g);
                writes.accumulateGrad(List.of(g, g));
            })) {
                g.assign(Tensor.of(new float[] {5, 6}, 2));
                calls.replay();
                assertArrayEquals(new float[] {6, 8}, adds.grad().toFloatArray());
                assertArrayEquals(new float[] {10, 12}, writes.grad().toFloatArray());
                adds.zeroGrad();
                writes.zeroGrad();
                g.assign(Tensor.of(new float[] {1, 3}, 2));
                calls.replay();
                assertArrayEquals(new float[] {1, 3}, adds.grad().toFloatArray(), "added into zeros");
                assertArrayEquals(new float[] {2, 6}, writes.grad().toFloatArray(), "written by the replay");
            }
        }
    }
}
