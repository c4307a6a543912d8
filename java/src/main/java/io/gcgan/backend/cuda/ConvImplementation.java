package io.gcgan.backend.cuda;

/**
 * Which implementation computes a convolution on the CUDA backend, chosen per call
 * ({@link CudaBackend#conv2dForward(io.gcgan.backend.Storage, io.gcgan.backend.Storage, io.gcgan.backend.Storage,
 * io.gcgan.backend.ConvGeometry, ConvImplementation)} and the other two passes) or as the backend's default
 * ({@link CudaBackend#setDefaultConvImplementation}).
 */
public enum ConvImplementation {
    /** cuDNN's legacy convolution API, with an algorithm chosen once per geometry (see {@link ConvAlgorithmSearch}). */
    CUDNN,
    /**
     * gcgan's own CUDA conv kernels (libgcgan_kernels, kernels/src/conv.cu; {@link OwnConvolution}): implicit GEMMs
     * with on-the-fly gathers, backward-data split by stride phase, split-K with a deterministic reduction where the
     * output is small. float32 and float64; float32 is computed in float32 FMA (TF32 is not implemented for them yet,
     * so {@link CudaBackend#allowTf32} does not affect them). backward-weight gives identical bits from run to run.
     */
    OWN
}
