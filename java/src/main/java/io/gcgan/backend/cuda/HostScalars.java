package io.gcgan.backend.cuda;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import io.gcgan.tensor.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The host scalars 1 and 0 that cuBLAS (host pointer mode) and cuDNN read as alpha and beta: a float for float32 data,
 * a double for float64. Allocated once, never freed, never written after initialization.
 */
final class HostScalars {

    private static final MemorySegment ONE_F = floatConstant(1f);
    private static final MemorySegment ZERO_F = floatConstant(0f);
    private static final MemorySegment ONE_D = doubleConstant(1d);
    private static final MemorySegment ZERO_D = doubleConstant(0d);

    private HostScalars() {
    }

    static MemorySegment one(DType dtype) {
        return dtype == DType.FLOAT32 ? ONE_F : ONE_D;
    }

    static MemorySegment zero(DType dtype) {
        return dtype == DType.FLOAT32 ? ZERO_F : ZERO_D;
    }

    private static MemorySegment floatConstant(float v) {
        MemorySegment s = Arena.global().allocate(JAVA_FLOAT);
        s.set(JAVA_FLOAT, 0, v);
        return s;
    }

    private static MemorySegment doubleConstant(double v) {
        MemorySegment s = Arena.global().allocate(JAVA_DOUBLE);
        s.set(JAVA_DOUBLE, 0, v);
        return s;
    }
}
