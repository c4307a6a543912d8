package io.gcgan.backend.cuda;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

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
     * output is small. float32 and float64; float32 is computed in float32 FMA, or, where {@link CudaBackend#allowTf32}
     * allows it, on TF32 tensor cores for passes with more than 16 GEMM columns. Every pass gives identical bits from
     * run to run.
     */
    OWN,
    /**
     * Explicit GEMMs ({@link GemmConvolution}), as the CPU backend computes convolutions: gcgan's im2col and col2im
     * kernels (kernels/src/im2col.cu) around one cuBLAS GEMM per pass (TF32 where {@link CudaBackend#allowTf32}
     * allows it), at the cost of a scratch column matrix of c*r*s x n*p*q elements per pass.
     */
    GEMM,
    /**
     * The fastest of OWN, GEMM and CUDNN for each pass, geometry, dtype and math, measured on the first such call and
     * kept ({@link ConvAutotune}, as cuDNN's benchmark mode): results may then differ between runs at the level of
     * float32 rounding.
     */
    AUTO;

    /** The lower-case name used by options and benchmark parameters: "cudnn", "own", "gemm", "auto". */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The implementation named {@code name} ({@link #optionName()}); IllegalArgumentException names the choices. */
    public static ConvImplementation fromName(String name) {
        for (ConvImplementation c : values()) {
            if (c.optionName().equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("conv implementation must be one of " + optionNames() + ", got '" + name
                + "'");
    }

    /** The option names of every implementation: [cudnn, own, gemm, auto]. */
    public static List<String> optionNames() {
        return Arrays.stream(values()).map(ConvImplementation::optionName).toList();
    }
}
