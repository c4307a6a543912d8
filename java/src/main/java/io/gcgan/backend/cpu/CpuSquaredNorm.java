package io.gcgan.backend.cpu;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import io.gcgan.backend.Storage;
import io.gcgan.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * {@link CpuBackend#squaredNorm}: every storage is cut into chunks of {@link #CHUNK} elements (a chunk never spans
 * two storages); the chunks' sums of squares, each with four interleaved float64 partial sums, are computed on the
 * cores in any order and then added in chunk order, so the result depends only on the sizes, not on the threads.
 */
final class CpuSquaredNorm {

    /** Elements per chunk: the unit of parallel work and of the fixed summation order. */
    static final int CHUNK = 16384;

    private CpuSquaredNorm() {
    }

    static double sum(List<Storage> xs) {
        int[] firstChunk = new int[xs.size() + 1];
        for (int i = 0; i < xs.size(); i++) {
            long chunks = (xs.get(i).numel() + CHUNK - 1) / CHUNK;
            firstChunk[i + 1] = Math.toIntExact(firstChunk[i] + chunks);
        }
        int total = firstChunk[xs.size()];
        double[] partial = new double[total];
        Parallel.forRange(total, CHUNK, (from, to) -> {
            int storage = 0;
            for (long chunk = from; chunk < to; chunk++) {
                while (firstChunk[storage + 1] <= chunk) {
                    storage++;
                }
                Storage s = xs.get(storage);
                long start = (chunk - firstChunk[storage]) * CHUNK;
                int n = (int) Math.min(CHUNK, s.numel() - start);
                partial[(int) chunk] = sumOfSquares(s.segment(), s.dtype() == DType.FLOAT32, start, n);
            }
        });
        double sum = 0.0;
        for (double p : partial) {
            sum += p;
        }
        return sum;
    }

    private static double sumOfSquares(MemorySegment seg, boolean f32, long start, int n) {
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            double a = get(seg, f32, start + i);
            double b = get(seg, f32, start + i + 1);
            double c = get(seg, f32, start + i + 2);
            double d = get(seg, f32, start + i + 3);
            s0 += a * a;
            s1 += b * b;
            s2 += c * c;
            s3 += d * d;
        }
        for (; i < n; i++) {
            double a = get(seg, f32, start + i);
            s0 += a * a;
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static double get(MemorySegment seg, boolean f32, long i) {
        return f32 ? seg.getAtIndex(JAVA_FLOAT, i) : seg.getAtIndex(JAVA_DOUBLE, i);
    }
}
