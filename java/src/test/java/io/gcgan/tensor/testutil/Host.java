package io.gcgan.tensor.testutil;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import io.gcgan.backend.Lifetime;
import io.gcgan.backend.Storage;
import io.gcgan.backend.cpu.CpuBackend;
import io.gcgan.tensor.DType;
import java.lang.foreign.MemorySegment;

/**
 * CPU storages written and read element by element through their host segments, so that the backend tests do
 * not rely on the backend's own copies. Allocations use the garbage-collected lifetime.
 */
public final class Host {

    private Host() {
    }

    public static CpuBackend cpu() {
        return CpuBackend.instance();
    }

    /** A storage holding {@code values} rounded to {@code dtype}. */
    public static Storage of(DType dtype, double[] values) {
        Storage s = cpu().allocate(dtype, values.length, Lifetime.AUTOMATIC);
        write(s, values);
        return s;
    }

    /** A storage of {@code n} NaNs: elements a backend call leaves unwritten stay NaN and fail the comparison. */
    public static Storage poisoned(DType dtype, long n) {
        Storage s = cpu().allocate(dtype, n, Lifetime.AUTOMATIC);
        MemorySegment seg = s.segment();
        for (long i = 0; i < n; i++) {
            if (dtype == DType.FLOAT32) {
                seg.setAtIndex(JAVA_FLOAT, i, Float.NaN);
            } else {
                seg.setAtIndex(JAVA_DOUBLE, i, Double.NaN);
            }
        }
        return s;
    }

    public static void write(Storage s, double[] values) {
        MemorySegment seg = s.segment();
        for (int i = 0; i < values.length; i++) {
            if (s.dtype() == DType.FLOAT32) {
                seg.setAtIndex(JAVA_FLOAT, i, (float) values[i]);
            } else {
                seg.setAtIndex(JAVA_DOUBLE, i, values[i]);
            }
        }
    }

    public static double[] read(Storage s) {
        MemorySegment seg = s.segment();
        double[] out = new double[Math.toIntExact(s.numel())];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.dtype() == DType.FLOAT32 ? seg.getAtIndex(JAVA_FLOAT, i) : seg.getAtIndex(JAVA_DOUBLE, i);
        }
        return out;
    }
}
