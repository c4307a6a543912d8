package io.gcgan.tensor;

import java.lang.foreign.ValueLayout;

/** Element type of a tensor. float64 exists for gradient checks and references; training runs in float32. */
public enum DType {
    FLOAT32(4, ValueLayout.JAVA_FLOAT),
    FLOAT64(8, ValueLayout.JAVA_DOUBLE);

    private final int byteSize;
    private final ValueLayout layout;

    DType(int byteSize, ValueLayout layout) {
        this.byteSize = byteSize;
        this.layout = layout;
    }

    public int byteSize() {
        return byteSize;
    }

    /** The host layout of one element (native byte order). */
    public ValueLayout layout() {
        return layout;
    }

    /** Lower-case name as PyTorch and safetensors write it ("float32", "float64"). */
    public String displayName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
