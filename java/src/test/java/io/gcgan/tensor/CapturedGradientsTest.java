package io.gcgan.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.gcgan.autograd.Autograd;
import io.gcgan.backend.CapturedCalls;
import io.gcgan.backend.Lifetime;
import org.junit.jupiter.api.Test;

/**
 * Gradients written by recorded calls ({@link Capture}) and {@link Tensor#zeroGrad}: the eager loop "zeroGrad, compute,
 * read" gives the same gradients with the computation replayed, whether the recorded code zeroes the gradient itself
 * or not.
 */
class CapturedGradientsTest {

    private static final double[] X = {3, -4};

    /** w = [1, 2], loss = sum(w * x): d loss / d w = x. */
    private static void check(boolean zeroGradInsideTheRecording) {
        try (TensorScope scope = TensorScope.open()) {
            Tensor w = Tensor.of(new double[] {1, 2}, 2).requiresGrad(true);
            Tensor x = Capture.input(Lifetime.AUTOMATIC, DType.FLOAT64, Device.CPU, 2);
            x.assign(Tensor.of(X, 2));
            Autograd.backward(w.mul(x).sum()); // eager once: the gradient exists, as after a written first step
            // The recording adds into the gradient it holds, or (zeroGrad inside) copies the new one in.
            CapturedCalls calls = Capture.record(Device.CPU, () -> {
                if (zeroGradInsideTheRecording) {
                    w.zeroGrad();
                }
                Autograd.backward(w.mul(x).sum());
            });
            try (calls) {
                for (int i = 0; i < 3; i++) {
                    w.zeroGrad(); // outside the recording, as an eager loop would
                    calls.replay();
                    assertArrayEquals(X, w.grad().toDoubleArray(), 0, "replay " + i + ": the gradient of this replay");
                }
                calls.replay();
                calls.replay(); // no zeroGrad in between: a recorded add accumulates, a recorded copy does not
                double k = zeroGradInsideTheRecording ? 1 : 3;
                assertArrayEquals(new double[] {k * X[0], k * X[1]}, w.grad().toDoubleArray(), 0);
            }
        }
    }

    @Test
    void zeroGradBetweenReplaysWhenTheRecordingAddsIntoTheGradient() {
        check(false);
    }

    @Test
    void zeroGradBetweenReplaysWhenTheRecordingCopiesIntoTheGradient() {
        check(true);
    }
}
