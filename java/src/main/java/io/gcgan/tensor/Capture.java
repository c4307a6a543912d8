package io.gcgan.tensor;

import io.gcgan.backend.Backend;
import io.gcgan.backend.CapturedCalls;
import io.gcgan.backend.Lifetime;
import java.util.Objects;

/**
 * Tensor code recorded once as backend calls and replayed ({@link Backend#beginCapture}; on CUDA a CUDA graph, so a
 * replay costs one launch instead of the host work of every op). The code runs once while recording, building its
 * tensors (and autograd graph) as usual, but no backend call runs: the tensors it makes hold what the last replay
 * wrote, nothing before the first. Its inputs are tensors made before the recording ({@link #input}), refilled between
 * replays with {@link Tensor#assign}.
 */
public final class Capture {

    private Capture() {
    }

    /**
     * Records the backend calls {@code code} makes on {@code device} and returns them, not yet run. If {@code code}
     * throws, the partial recording is ended and freed and the exception propagates.
     *
     * @throws UnsupportedOperationException when the device's backend cannot capture
     */
    public static CapturedCalls record(Device device, Runnable code) {
        Objects.requireNonNull(code, "code");
        Backend backend = Backends.of(device);
        backend.beginCapture();
        try {
            code.run();
        } catch (RuntimeException | Error e) {
            try {
                backend.endCapture().close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return backend.endCapture();
    }

    /** Whether {@code device}'s backend is recording now. */
    public static boolean recording(Device device) {
        return Backends.of(device).capturing();
    }

    /**
     * An uninitialized tensor in {@code lifetime} (not the current scope): an input of recorded code, alive across
     * steps, refilled before each replay.
     */
    public static Tensor input(Lifetime lifetime, DType dtype, Device device, long... shape) {
        Backend backend = Backends.of(device);
        if (backend.capturing()) {
            throw new IllegalStateException("Capture.input: make inputs before recording (" + device
                    + " is capturing)");
        }
        return Tensor.wrap(backend.allocate(dtype, Shapes.numel(shape), lifetime), shape);
    }
}
