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
     * gcgan's own CUDA conv kernels. NOT YET IMPLEMENTED: they arrive with issue 6; until then a call with OWN throws
     * {@link UnsupportedOperationException}. The choice exists now so that callers and benchmarks need no change.
     */
    OWN
}
