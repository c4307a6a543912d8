package io.gcgan.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.BatchNormShape;
import io.gcgan.backend.BinaryOp;
import io.gcgan.backend.CapturedCalls;
import io.gcgan.backend.ConvGeometry;
import io.gcgan.backend.Lifetime;
import io.gcgan.backend.ProfilingBackend;
import io.gcgan.backend.ReduceOp;
import io.gcgan.backend.Storage;
import io.gcgan.backend.UnaryOp;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.testutil.Host;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The rules every CpuBackend call applies before it computes, call by call: a storage of another backend is
 * refused, operands of mixed dtypes are refused, a storage made by a recording that has not been replayed yet is
 * refused (a CUDA graph makes it when launched); and a call made while recording runs on replay only, giving what
 * the uncaptured call gives. The capture contract tests cover these through tensors for a few ops; here each
 * backend call is named, so that a call that skips a rule fails under its own name.
 */
class CpuBackendCallRulesTest {

    private static final CpuBackend B = CpuBackend.instance();
    private static final DType F64 = DType.FLOAT64;
    /** [1, 1, 2, 2] input, a 1x1 kernel, one filter: x, y and dy have 4 elements, w and dw one. */
    private static final ConvGeometry CONV = new ConvGeometry(1, 1, 2, 2, 1, 1, 1, 1, 1, 0, 0);
    /** BatchNorm1d over [2, 2]: x 4 elements, per-channel statistics 2. */
    private static final BatchNormShape BN = new BatchNormShape(2, 2, 1);

    private static Storage four() {
        return Host.of(F64, new double[] {0.5, -1.5, 2, 3});
    }

    /**
     * Every call that takes a 4-element float64 storage somewhere, with {@code s} in that place and fresh
     * operands (4 elements, the per-channel ones 2, the conv weight 1) elsewhere.
     */
    private static Map<String, Consumer<Storage>> callsOn() {
        Map<String, Consumer<Storage>> calls = new LinkedHashMap<>();
        long[] d = {1};
        long[] shape = {4};
        calls.put("fill", s -> B.fill(s, 1));
        calls.put("copyFromHost", s -> B.copyFromHost(MemorySegment.ofArray(new double[4]), s));
        calls.put("copyToHost", s -> B.copyToHost(s, MemorySegment.ofArray(new double[4])));
        calls.put("copyStrided", s -> B.copyStrided(s, 0, d, four(), 0, d, shape));
        calls.put("unary", s -> B.unary(UnaryOp.EXP, 0, 0, s, four()));
        calls.put("binary", s -> B.binary(BinaryOp.ADD, four(), d, s, d, four(), shape));
        calls.put("rectifierBackward", s -> B.rectifierBackward(s, four(), 1, 0.2, four()));
        calls.put("where", s -> B.where(s, d, four(), d, four(), d, four(), shape));
        calls.put("reduce", s -> B.reduce(ReduceOp.SUM, s, shape, new int[] {0}, Host.of(F64, new double[1])));
        calls.put("matmul", s -> B.matmul(s, 4, false, four(), 4, false, four(), 1, 2, 2, 2));
        calls.put("conv2dForward", s -> B.conv2dForward(s, Host.of(F64, new double[] {2}), four(), CONV));
        calls.put("conv2dBackwardData",
                s -> B.conv2dBackwardData(s, Host.of(F64, new double[] {2}), four(), CONV));
        calls.put("conv2dBackwardWeight",
                s -> B.conv2dBackwardWeight(s, four(), Host.of(F64, new double[1]), CONV));
        calls.put("randomUniform", s -> B.randomUniform(s, 1, 0));
        calls.put("randomNormal", s -> B.randomNormal(s, 1, 0));
        calls.put("squaredNorm", s -> B.squaredNorm(List.of(four(), s), Host.of(F64, new double[1])));
        calls.put("squaredNorm out", s -> B.squaredNorm(List.of(Host.of(F64, new double[1])),
                Host.of(F64, new double[1])));
        calls.put("batchNormForward", s -> B.batchNormForward(s, null, null, BN, 1e-5, four(),
                Host.of(F64, new double[2]), Host.of(F64, new double[2]), null));
        calls.put("batchNormBackward", s -> B.batchNormBackward(four(), s, Host.of(F64, new double[] {0, 1}),
                Host.of(F64, new double[] {1, 2}), null, BN, 1e-5, four(), null, null));
        return calls;
    }

    @Test
    void everyCallRefusesAStorageOfAnotherBackend() {
        ProfilingBackend other = new ProfilingBackend(B);
        for (Map.Entry<String, Consumer<Storage>> call : callsOn().entrySet()) {
            if (call.getKey().equals("squaredNorm out")) {
                continue;
            }
            Storage foreign = other.allocate(F64, 4, Lifetime.AUTOMATIC);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> call.getValue().accept(foreign), call.getKey() + " on another backend's storage");
            assertTrue(e.getMessage().contains("not to the"), call.getKey() + ": " + e.getMessage());
        }
    }

    @Test
    void callsOnSeveralOperandsRefuseMixedDtypes() {
        for (String name : List.of("unary", "binary", "rectifierBackward", "where", "reduce", "matmul",
                "conv2dForward", "conv2dBackwardData", "conv2dBackwardWeight", "squaredNorm", "batchNormForward",
                "batchNormBackward")) {
            Storage f32 = Host.of(DType.FLOAT32, new double[] {0.5, -1.5, 2, 3});
            assertThrows(IllegalArgumentException.class, () -> callsOn().get(name).accept(f32),
                    name + " with one float32 operand among float64 ones");
        }
    }

    @Test
    void everyCallRefusesWhatARecordingMadeBeforeItsFirstReplay() {
        B.beginCapture();
        Storage made = B.allocate(F64, 4, Lifetime.AUTOMATIC);
        Storage madeOne = B.allocate(F64, 1, Lifetime.AUTOMATIC);
        try (CapturedCalls calls = B.endCapture()) {
            for (Map.Entry<String, Consumer<Storage>> call : callsOn().entrySet()) {
                if (call.getKey().equals("squaredNorm out")) {
                    IllegalStateException e = assertThrows(IllegalStateException.class,
                            () -> B.squaredNorm(List.of(four()), madeOne), "squaredNorm into a storage not made yet");
                    assertTrue(e.getMessage().contains("first replay"), e.getMessage());
                    continue;
                }
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> call.getValue().accept(made), call.getKey() + " on a storage not made yet");
                assertTrue(e.getMessage().contains("first replay"), call.getKey() + ": " + e.getMessage());
            }
            calls.replay();
            B.fill(made, 2); // allowed once replayed
            assertArrayEquals(new double[] {2, 2, 2, 2}, Host.read(made));
            assertEquals("CpuCapture[0 calls, 1 replays]", calls.toString());
            calls.close();
            assertEquals("CpuCapture[0 calls, 1 replays, closed]", calls.toString());
        }
    }

    /** A call that writes {@code out} from fixed inputs. */
    private interface Call {
        void into(Storage out);
    }

    @Test
    void aRecordedCallRunsOnReplayOnlyAndComputesWhatTheUncapturedCallDoes() {
        Storage x = Host.of(F64, new double[] {0.5, -1.5, 2, 3});
        Storage g = Host.of(F64, new double[] {1, 2, -3, 4});
        Storage w = Host.of(F64, new double[] {-2});
        Storage mean = Host.of(F64, new double[] {0.25, 1});
        Storage var = Host.of(F64, new double[] {1, 2});
        Storage bnMean = Host.poisoned(F64, 2);
        Storage bnVar = Host.poisoned(F64, 2);
        long[] d = {1};
        long[] shape = {4};
        Map<String, Call> calls = new LinkedHashMap<>();
        calls.put("fill", out -> B.fill(out, 7));
        calls.put("copyStrided", out -> B.copyStrided(x, 0, d, out, 0, d, shape));
        calls.put("unary", out -> B.unary(UnaryOp.EXP, 0, 0, x, out));
        calls.put("binary", out -> B.binary(BinaryOp.MUL, x, d, g, d, out, shape));
        calls.put("rectifierBackward", out -> B.rectifierBackward(x, g, 1, 0.2, out));
        calls.put("where", out -> B.where(x, d, g, d, x, d, out, shape));
        calls.put("reduce", out -> B.reduce(ReduceOp.MAX, x, new long[] {2, 2}, new int[] {0}, out));
        calls.put("matmul", out -> B.matmul(x, 4, false, g, 4, true, out, 1, 2, 2, 2));
        calls.put("conv2dForward", out -> B.conv2dForward(x, w, out, CONV));
        calls.put("conv2dBackwardData", out -> B.conv2dBackwardData(g, w, out, CONV));
        calls.put("conv2dBackwardWeight", out -> B.conv2dBackwardWeight(x, g, out, CONV));
        calls.put("squaredNorm", out -> B.squaredNorm(List.of(x, g), out));
        calls.put("batchNormForward", out -> B.batchNormForward(x, null, null, BN, 1e-5, out, bnMean, bnVar, null));
        calls.put("batchNormBackward", out -> B.batchNormBackward(g, x, mean, var, null, BN, 1e-5, out, null, null));
        Map<String, Integer> sizes = Map.of("reduce", 2, "conv2dBackwardWeight", 1, "squaredNorm", 1);
        for (Map.Entry<String, Call> call : calls.entrySet()) {
            String name = call.getKey();
            int n = sizes.getOrDefault(name, 4);
            Storage want = Host.poisoned(F64, n);
            call.getValue().into(want);
            Storage out = Host.poisoned(F64, n);
            B.beginCapture();
            try {
                call.getValue().into(out);
            } finally {
                try (CapturedCalls recorded = B.endCapture()) {
                    for (double v : Host.read(out)) {
                        assertTrue(Double.isNaN(v), name + " ran while recording: " + v);
                    }
                    recorded.replay();
                }
            }
            double[] expected = Host.read(want);
            for (double v : expected) {
                assertTrue(!Double.isNaN(v), name + ": the uncaptured call wrote every element");
            }
            assertArrayEquals(expected, Host.read(out), name + " replayed");
        }
    }

    /**
     * The load / store helpers at every step kind (0: a broadcast operand, 1: dense, 3: strided) and both dtypes,
     * against element loops; {@code n} beyond the 2048-element block, as the helpers accept any n.
     */
    @Test
    void loadAndStoreWalkEveryStep() {
        int n = 2500;
        for (DType dt : DType.values()) {
            boolean f32 = dt == DType.FLOAT32;
            for (long step : new long[] {0, 1, 3}) {
                long span = 6 + step * n;
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment s = arena.allocate(span * 8, 64);
                    for (long i = 0; i < span; i++) {
                        CpuBackend.set(s, f32, i, i * 0.25 - 7);
                    }
                    double[] got = new double[n];
                    CpuBackend.load(s, f32, 5, step, got, n);
                    float[] gotF = new float[n];
                    if (f32) {
                        CpuBackend.loadFloat(s, 5, step, gotF, n);
                    }
                    for (int i = 0; i < n; i++) {
                        double want = (5 + i * step) * 0.25 - 7;
                        assertEquals(want, got[i], dt + " load step " + step + " element " + i);
                        if (f32) {
                            assertEquals((float) want, gotF[i], "loadFloat step " + step + " element " + i);
                        }
                    }
                    if (step == 0) {
                        continue;
                    }
                    double[] src = new double[n];
                    float[] srcF = new float[n];
                    for (int i = 0; i < n; i++) {
                        src[i] = -i - 0.5;
                        srcF[i] = -i - 0.75f;
                    }
                    CpuBackend.store(s, f32, 5, step, src, n);
                    for (long i = 0; i < span; i++) {
                        boolean written = i >= 5 && (i - 5) % step == 0 && (i - 5) / step < n;
                        double want = written ? src[(int) ((i - 5) / step)] : i * 0.25 - 7;
                        assertEquals(want, CpuBackend.get(s, f32, i), dt + " store step " + step + " at " + i);
                    }
                    if (f32) {
                        CpuBackend.storeFloat(s, 5, step, srcF, n);
                        for (long i = 0; i < span; i++) {
                            boolean written = i >= 5 && (i - 5) % step == 0 && (i - 5) / step < n;
                            double want = written ? srcF[(int) ((i - 5) / step)] : i * 0.25 - 7;
                            assertEquals(want, CpuBackend.get(s, f32, i), "storeFloat step " + step + " at " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void describesItself() {
        assertEquals("CpuBackend", B.toString());
        String d = B.description();
        assertTrue(d.startsWith("cpu (" + Parallel.threads() + " cores; "), d);
        assertTrue(d.contains(", one OpenBLAS thread per Java worker; "), d);
        assertTrue(d.endsWith(CpuOptimizerStep.VECTOR_SUMS ? "GC sums with the Vector API)"
                : "GC sums without the Vector API)"), d);
    }
}
