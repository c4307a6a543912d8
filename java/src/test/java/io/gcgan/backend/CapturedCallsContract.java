package io.gcgan.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.random.Generator;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * What every backend that captures ({@link Backend#beginCapture}) must do, run on the CPU by
 * {@code CpuCapturedCallsTest} and on a GPU (a CUDA graph) by {@code io.gcgan.gpu.CudaCapturedCallsTest}: calls made
 * while capturing do not run; a replay runs them on what their storages hold then; storage allocated during the
 * capture outlives a scope that closes after the recording, until the capture closes, and a scope that closes while
 * recording ends its storages' use (a CUDA graph frees them inside the graph); reads, random fills, optimizer steps and
 * synchronization are refused by name while capturing, and the capture stays usable after such a refusal.
 */
public abstract class CapturedCallsContract {

    /** The device whose backend captures. */
    protected abstract Device device();

    private Backend backend() {
        return io.gcgan.tensor.Backends.of(device());
    }

    private Tensor of(double... values) {
        return Tensor.of(values, values.length).to(DType.FLOAT32).to(device());
    }

    @Test
    void aReplayComputesFromWhatTheInputsHoldWhenItRuns() {
        Backend b = backend();
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = of(1, 2, 3);
            b.beginCapture();
            assertTrue(b.capturing());
            Tensor y = x.mul(2).add(1);
            try (CapturedCalls calls = b.endCapture()) {
                assertFalse(b.capturing());
                assertEquals(0, calls.replays());
                calls.replay();
                assertArrayEquals(new double[] {3, 5, 7}, y.toDoubleArray());
                x.assign(of(-1, 0.5, 10));
                calls.replay();
                assertArrayEquals(new double[] {-1, 2, 21}, y.toDoubleArray());
                assertEquals(2, calls.replays());
            }
        }
    }

    @Test
    void callsMadeWhileCapturingDoNotRun() {
        Backend b = backend();
        try (TensorScope scope = TensorScope.open()) {
            Tensor out = Tensor.full(7, DType.FLOAT32, device(), 4);
            b.beginCapture();
            b.fill(out.storage(), 3);
            try (CapturedCalls calls = b.endCapture()) {
                assertArrayEquals(new double[] {7, 7, 7, 7}, out.toDoubleArray(), "the captured fill ran at capture");
                calls.replay();
                assertArrayEquals(new double[] {3, 3, 3, 3}, out.toDoubleArray());
            }
        }
    }

    @Test
    void theCallersArraysMayChangeAfterACallIsRecorded() {
        Backend b = backend();
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = of(1, 2, 3, 4, 5, 6); // [2, 3]
            Tensor bias = of(10, 20, 30);    // [3], broadcast over the rows
            Tensor out = Tensor.zeros(DType.FLOAT32, device(), 6);
            long[] xStrides = {3, 1};
            long[] biasStrides = {0, 1};
            long[] shape = {2, 3};
            b.beginCapture();
            b.binary(BinaryOp.ADD, x.storage(), xStrides, bias.storage(), biasStrides, out.storage(), shape);
            try (CapturedCalls calls = b.endCapture()) {
                xStrides[0] = 0;    // a caller reusing its arrays for the next call
                biasStrides[1] = 0;
                shape[1] = 1;
                calls.replay();
                assertArrayEquals(new double[] {11, 22, 33, 14, 25, 36}, out.toDoubleArray());
            }
        }
    }

    @Test
    void storageAllocatedWhileCapturingOutlivesItsScopeUntilTheCaptureCloses() {
        Backend b = backend();
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = of(1, 2, 3, 4);
            Tensor tripled;
            Tensor z;
            CapturedCalls calls;
            try (TensorScope outputs = TensorScope.open()) {
                b.beginCapture();
                tripled = x.mul(3);
                z = tripled.sub(x);
                calls = b.endCapture();
            } // the outputs' scope closes after the recording ended: the capture keeps them
            try (calls) {
                calls.replay();
                calls.replay();
                assertArrayEquals(new double[] {2, 4, 6, 8}, z.toDoubleArray());
                assertArrayEquals(new double[] {3, 6, 9, 12}, tripled.toDoubleArray());
            }
            assertTrue(calls.isClosed());
            assertThrows(IllegalStateException.class, calls::replay, "replay after close");
            assertThrows(IllegalStateException.class, z::toDoubleArray, "an output read after the capture closed");
            calls.close(); // idempotent
        }
    }

    @Test
    void storageWhoseScopeClosedWhileRecordingIsRefusedByLaterCalls() {
        // A CUDA graph frees it inside the graph when its scope closes: every backend refuses a later use.
        Backend b = backend();
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = of(1, 2, 3, 4);
            b.beginCapture();
            try {
                Tensor tripled;
                Tensor kept;
                try (TensorScope inner = TensorScope.open()) {
                    tripled = x.mul(3);
                    kept = inner.keep(tripled.add(1)); // copied out before the scope closes: usable
                }
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> tripled.sub(x),
                        "a use after the scope closed while recording");
                assertTrue(e.getMessage().contains("after its scope closed"), e.getMessage());
                Tensor z = kept.sub(x); // the capture is still usable
                try (CapturedCalls calls = b.endCapture()) {
                    calls.replay();
                    assertArrayEquals(new double[] {3, 5, 7, 9}, z.toDoubleArray());
                    e = assertThrows(IllegalStateException.class, tripled::toDoubleArray, "a read after the recording");
                    assertTrue(e.getMessage().contains("after its scope closed"), e.getMessage());
                }
            } finally {
                if (b.capturing()) {
                    b.endCapture().close();
                }
            }
        }
    }

    @Test
    void whatARecordingMakesIsRefusedBeforeTheFirstReplay() {
        // A CUDA graph makes its allocations when it is launched: before that there is nothing to read or write.
        Backend b = backend();
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = of(1, 2, 3);
            b.beginCapture();
            Tensor y = x.mul(2);
            try (CapturedCalls calls = b.endCapture()) {
                IllegalStateException e = assertThrows(IllegalStateException.class, y::toDoubleArray);
                assertTrue(e.getMessage().contains("first replay"), e.getMessage());
                assertThrows(IllegalStateException.class, () -> y.assign(x), "a write before the first replay");
                calls.replay();
                assertArrayEquals(new double[] {2, 4, 6}, y.toDoubleArray());
                y.assign(x); // allowed now (the next replay overwrites it)
                assertArrayEquals(new double[] {1, 2, 3}, y.toDoubleArray());
            }
        }
    }

    @Test
    void aReplayIsRefusedOnceAStorageTheRecordingUsesIsFreed() {
        Backend b = backend();
        try (TensorScope scope = TensorScope.open()) {
            Tensor y;
            CapturedCalls calls;
            try (TensorScope inputs = TensorScope.open()) {
                Tensor x = of(1, 2, 3);
                b.beginCapture();
                try (TensorScope outputs = TensorScope.open()) {
                    y = outputs.keep(x.mul(2));
                }
                calls = b.endCapture();
                calls.replay();
                assertArrayEquals(new double[] {2, 4, 6}, y.toDoubleArray());
            } // x is freed: the recorded calls would read freed memory
            try (calls) {
                IllegalStateException e = assertThrows(IllegalStateException.class, calls::replay);
                assertTrue(e.getMessage().contains("after its scope closed"), e.getMessage());
            }
        }
    }

    @Test
    void aCaptureThatUsesWhatAnotherMakesIsReplayedOnlyAfterIt() {
        // The second graph reads the first one's graph allocation, which exists once the first has been launched.
        Backend b = backend();
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = of(1, 2, 3);
            b.beginCapture();
            Tensor doubled = x.mul(2);
            CapturedCalls first = b.endCapture();
            try (first) {
                b.beginCapture();
                Tensor z = doubled.add(1);
                try (CapturedCalls second = b.endCapture()) {
                    IllegalStateException e = assertThrows(IllegalStateException.class, second::replay);
                    assertTrue(e.getMessage().contains("has not been replayed yet"), e.getMessage());
                    first.replay();
                    second.replay();
                    assertArrayEquals(new double[] {3, 5, 7}, z.toDoubleArray());
                    first.close();
                    assertThrows(IllegalStateException.class, second::replay, "after the first is closed");
                }
            }
        }
    }

    @Test
    void replayAndCloseWhileAnotherCaptureRecordsAreRefused() {
        Backend b = backend();
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = of(1, 2);
            b.beginCapture();
            Tensor y = x.add(1);
            CapturedCalls first = b.endCapture();
            try (first) {
                b.beginCapture();
                try {
                    IllegalStateException e = assertThrows(IllegalStateException.class, first::replay);
                    assertTrue(e.getMessage().contains("another capture is recording"), e.getMessage());
                    assertThrows(IllegalStateException.class, first::close);
                } finally {
                    b.endCapture().close();
                }
                first.replay(); // usable again
                assertArrayEquals(new double[] {2, 3}, y.toDoubleArray());
            }
        }
    }

    @Test
    void aScopeThatClosesAfterTheCaptureFreesNothingTwice() {
        Backend b = backend();
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = of(1, 2, 3);
            try (TensorScope outlives = TensorScope.open()) {
                b.beginCapture();
                Tensor y = x.mul(2); // allocated in `outlives`, which closes after the capture below
                try (CapturedCalls calls = b.endCapture()) {
                    calls.replay();
                    assertArrayEquals(new double[] {2, 4, 6}, y.toDoubleArray());
                }
            }
            for (int i = 0; i < 3; i++) { // the backend's memory is intact: allocate, compute, read
                assertArrayEquals(new double[] {2, 3, 4}, x.add(1).toDoubleArray());
            }
        }
    }

    @Test
    void aConstantFirstUsedWhileCapturingIsNotCachedBeyondTheCapture() {
        Backend b = backend();
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = of(1, 2);
            double unique = 4096.625 + device().hashCode() % 7; // a value no other test uses as a constant
            b.beginCapture();
            Tensor y = x.add(unique);
            try (CapturedCalls calls = b.endCapture()) {
                calls.replay();
                assertArrayEquals(new double[] {1 + unique, 2 + unique}, y.toDoubleArray());
            }
            // Had the constant been cached at capture, it would now be memory of a closed capture.
            assertArrayEquals(new double[] {1 + unique, 2 + unique}, x.add(unique).toDoubleArray());
        }
    }

    @Test
    void readsRandomFillsOptimizerStepsAndSynchronizationAreRefusedByName() {
        Backend b = backend();
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = of(1, 2, 3);
            b.beginCapture();
            try {
                refused("copyToHost", x::toDoubleArray);
                refused("copyFromHost", () -> of(4, 5, 6));
                refused("randomNormal", () -> Tensor.randn(new Generator(1), DType.FLOAT32, device(), 3));
                refused("randomUniform", () -> Tensor.rand(new Generator(1), DType.FLOAT32, device(), 3));
                refused("synchronize", b::synchronize);
                refused("optimizerStep", () -> b.optimizerStep(OptimizerHyper.sgd(0.1, 0, WeightDecayMode.NONE),
                        List.of(), null));
                Tensor y = x.add(1); // the capture still works
                try (CapturedCalls calls = b.endCapture()) {
                    calls.replay();
                    assertArrayEquals(new double[] {2, 3, 4}, y.toDoubleArray());
                }
            } finally {
                if (b.capturing()) {
                    b.endCapture().close();
                }
            }
        }
    }

    @Test
    void nestedCapturesAndAnEndWithoutABeginAreRefused() {
        Backend b = backend();
        assertThrows(IllegalStateException.class, b::endCapture);
        b.beginCapture();
        try {
            assertThrows(IllegalStateException.class, b::beginCapture);
        } finally {
            b.endCapture().close();
        }
        assertFalse(b.capturing());
    }

    private static void refused(String call, Executable what) {
        IllegalStateException e = assertThrows(IllegalStateException.class, what, call + " while capturing");
        assertTrue(e.getMessage().contains(call), "the refusal names " + call + ": " + e.getMessage());
    }
}
