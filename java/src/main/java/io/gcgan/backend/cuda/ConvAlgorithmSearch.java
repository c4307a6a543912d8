package io.gcgan.backend.cuda;

/**
 * How the cuDNN convolution path picks an algorithm, once per (geometry, dtype, TF32 setting) and pass; the choice is
 * cached for the life of the backend.
 */
public enum ConvAlgorithmSearch {
    /**
     * {@code cudnnFind...AlgorithmEx}: cuDNN runs every algorithm on the call's own buffers, with a workspace from the
     * memory pool, and the fastest one that succeeds is kept. Blocking: the host waits for the stream once per new
     * geometry and pass (a one-time cost, like PyTorch's {@code cudnn.benchmark}).
     */
    MEASURE,
    /** {@code cudnnGet...Algorithm_v7}: cuDNN's heuristic ranking; no measurement, no synchronization. */
    HEURISTIC
}
