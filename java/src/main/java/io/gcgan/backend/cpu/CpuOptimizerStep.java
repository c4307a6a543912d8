package io.gcgan.backend.cpu;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import io.gcgan.backend.CentringView;
import io.gcgan.backend.OptimizerHyper;
import io.gcgan.backend.ParamSlot;
import io.gcgan.backend.Storage;
import io.gcgan.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The memory walk of {@link CpuBackend#optimizerStep}: the readable per-tensor loop that fused GPU kernels are
 * checked against. The math per element is {@link OptimizerMath}'s.
 *
 * <p>A tensor that is not centred is cut into blocks of {@link #BLOCK} elements: each block's weights, gradient
 * and state are loaded into the worker's double buffers, updated, and stored back. A centred tensor is walked one
 * centring group (slice) at a time. The gradient of a slice of up to {@link #WHOLE_SLICE} elements (every conv
 * filter of the reference models) is loaded once, whole, and summed; then the slice is updated in blocks of
 * {@link #SLICE_BLOCK} like an uncentred tensor, each block's gradient copied from the loaded slice. A longer
 * slice is streamed twice: pass 1 sums the decayed gradient block by block, pass 2 updates block by block with the
 * mean subtracted. Blocks, and slices, are independent, so they are spread over the cores; tensors are done one
 * after another.
 */
final class CpuOptimizerStep {

    /** Elements per block: four double buffers of 16 KiB, resident in L1/L2. */
    static final int BLOCK = 2048;

    /** The longest slice whose gradient is loaded whole (a double buffer of 128 KiB, in L2); longer ones stream. */
    static final int WHOLE_SLICE = 16384;

    /**
     * Elements per block of a whole-loaded slice: smaller than {@link #BLOCK} so that the slice's gradient and the
     * block buffers share the L1 cache. Measured on one core over three [512, 4096] tensors (GC's extra time over
     * the uncentred SGD-momentum step, three JVM runs each): 2048 +20..24%, 1024 +10..15%, 512 +25..28%, 256
     * +8..13%; the JMH figures are in bench/results/2026-11-27-cpu.md.
     */
    static final int SLICE_BLOCK = 1024;

    private CpuOptimizerStep() {
    }

    static void run(CpuBackend backend, OptimizerHyper hyper, List<ParamSlot> slots) {
        check(backend, hyper, slots);
        for (ParamSlot slot : slots) {
            step(hyper, slot);
        }
    }

    private static void step(OptimizerHyper h, ParamSlot slot) {
        OptimizerMath.Coefficients c = OptimizerMath.coefficients(h, slot.step());
        Walk walk = new Walk(h, c, slot);
        CentringView v = slot.centring();
        long numel = slot.weight().numel();
        if (!v.centred()) {
            long blocks = (numel + BLOCK - 1) / BLOCK;
            Parallel.forRange(blocks, BLOCK, (from, to) -> {
                Buffers b = new Buffers(BLOCK, h.stateCount());
                for (long blk = from; blk < to; blk++) {
                    long start = blk * BLOCK;
                    walk.update(b, start, (int) Math.min(BLOCK, numel - start), 0.0);
                }
            });
            return;
        }
        long outer = v.outer();
        long slices = v.slices();
        long inner = v.inner();
        double count = (double) v.sliceSize();
        if (v.sliceSize() <= WHOLE_SLICE) {
            int size = (int) v.sliceSize();
            Parallel.forRange(slices, size, (from, to) -> {
                SliceBuffers b = new SliceBuffers(size, walk.coupled, h.stateCount());
                for (long s = from; s < to; s++) {
                    // Slice s = the runs (o * slices + s) * inner + [0, inner) for o < outer.
                    Runs runs = new Runs(s * inner, slices * inner, (int) outer, (int) inner);
                    double mean = walk.loadSliceGradient(b, runs) / count;
                    walk.updateSlice(b, runs, mean);
                }
            });
            return;
        }
        Parallel.forRange(slices, v.sliceSize(), (from, to) -> {
            Buffers b = new Buffers(BLOCK, h.stateCount());
            for (long s = from; s < to; s++) {
                // Slice s = the runs (o * slices + s) * inner + [0, inner) for o < outer.
                double sum = 0.0;
                for (long o = 0; o < outer; o++) {
                    long run = (o * slices + s) * inner;
                    for (long off = 0; off < inner; off += BLOCK) {
                        sum += walk.decayedSum(b, run + off, (int) Math.min(BLOCK, inner - off));
                    }
                }
                double mean = sum / count;
                for (long o = 0; o < outer; o++) {
                    long run = (o * slices + s) * inner;
                    for (long off = 0; off < inner; off += BLOCK) {
                        walk.update(b, run + off, (int) Math.min(BLOCK, inner - off), mean);
                    }
                }
            }
        });
    }

    /**
     * The storage elements of one slice: {@code count} runs of {@code length} elements, the first at {@code start},
     * each {@code stride} after the previous. In the slice's loaded buffer run {@code r} starts at
     * {@code r * length}.
     */
    private record Runs(long start, long stride, int count, int length) {
    }

    /**
     * One worker's scratch: a block of each operand in double; the state buffers only for the states the
     * algorithm keeps (a fresh array is zeroed by the JVM: a chunk of an unused one costs as much as the work).
     */
    private static class Buffers {
        final double[] w;
        final double[] g;
        final double[] s1;
        final double[] s2;

        Buffers(int size, int states) {
            w = new double[size];
            g = new double[size];
            s1 = states > 0 ? new double[size] : null;
            s2 = states > 1 ? new double[size] : null;
        }
    }

    /**
     * {@link Buffers} for a block, plus a whole slice's gradient and, with coupled decay (whose centring mean is
     * over {@code g + lambda w}), its weights.
     */
    private static final class SliceBuffers extends Buffers {
        final double[] sliceG;
        final double[] sliceW;

        SliceBuffers(int size, boolean coupled, int states) {
            super(Math.min(size, SLICE_BLOCK), states);
            sliceG = new double[size];
            sliceW = coupled ? new double[size] : null;
        }
    }

    /** One slot's memory: moves its elements between storage and the buffers around the math. */
    private static final class Walk {
        private final OptimizerHyper h;
        private final OptimizerMath.Coefficients c;
        private final boolean f32;
        private final MemorySegment w;
        private final MemorySegment g;
        private final MemorySegment s1;
        private final MemorySegment s2;
        private final boolean coupled;

        Walk(OptimizerHyper h, OptimizerMath.Coefficients c, ParamSlot slot) {
            this.h = h;
            this.c = c;
            this.f32 = slot.weight().dtype() == DType.FLOAT32;
            this.w = slot.weight().segment();
            this.g = slot.grad().segment();
            int states = h.stateCount();
            this.s1 = states > 0 ? slot.state1().segment() : null;
            this.s2 = states > 1 ? slot.state2().segment() : null;
            this.coupled = c.coupledDecay() != 0.0;
        }

        /**
         * Loads a slice's gradient (and, with coupled decay, its weights) whole into {@code b}; returns the sum of
         * the decayed gradient {@code g + lambda w}, the numerator of the slice's centring mean.
         */
        double loadSliceGradient(SliceBuffers b, Runs runs) {
            for (int r = 0, at = 0; r < runs.count(); r++, at += runs.length()) {
                long off = runs.start() + r * runs.stride();
                loadRange(g, off, b.sliceG, at, runs.length());
                if (coupled) {
                    loadRange(w, off, b.sliceW, at, runs.length());
                }
            }
            return OptimizerMath.decayedSum(c, b.sliceW, b.sliceG, runs.count() * runs.length());
        }

        /**
         * Updates a slice whose gradient {@link #loadSliceGradient} loaded, in blocks of at most
         * {@link #SLICE_BLOCK}: runs shorter than a block are gathered a few at a time, longer ones split.
         */
        void updateSlice(SliceBuffers b, Runs runs, double mean) {
            int length = runs.length();
            if (length >= SLICE_BLOCK) {
                for (int r = 0; r < runs.count(); r++) {
                    long run = runs.start() + r * runs.stride();
                    for (int k = 0; k < length; k += SLICE_BLOCK) {
                        updateBlock(b, run + k, 0, 1, Math.min(SLICE_BLOCK, length - k), r * length + k, mean);
                    }
                }
                return;
            }
            int perBlock = Math.min(runs.count(), SLICE_BLOCK / length);
            for (int r = 0; r < runs.count(); r += perBlock) {
                int n = Math.min(perBlock, runs.count() - r);
                updateBlock(b, runs.start() + r * runs.stride(), runs.stride(), n, length, r * length, mean);
            }
        }

        /**
         * Loads, updates and stores the weights and state of {@code runCount} runs, their gradient copied from the
         * loaded slice at {@code sliceAt} (a copy into the block buffer, rather than reading the slice at an offset,
         * keeps the update loop the one the uncentred walk runs, which the JIT compiles better).
         */
        private void updateBlock(SliceBuffers b, long start, long stride, int runCount, int runLength, int sliceAt,
                                 double mean) {
            int n = runCount * runLength;
            for (int r = 0, at = 0; r < runCount; r++, at += runLength) {
                loadState(b, start + r * stride, at, runLength);
            }
            System.arraycopy(b.sliceG, sliceAt, b.g, 0, n);
            OptimizerMath.update(h, c, b.w, b.g, b.s1, b.s2, n, mean);
            for (int r = 0, at = 0; r < runCount; r++, at += runLength) {
                storeState(b, start + r * stride, at, runLength);
            }
        }

        /** Sum of {@code g + lambda w} over elements [start, start + n), streamed. */
        double decayedSum(Buffers b, long start, int n) {
            loadRange(g, start, b.g, 0, n);
            if (coupled) {
                loadRange(w, start, b.w, 0, n);
            }
            return OptimizerMath.decayedSum(c, b.w, b.g, n); // without coupled decay w is not read
        }

        /** Updates elements [start, start + n) in place, with the centring mean of their slice. */
        void update(Buffers b, long start, int n, double mean) {
            loadRange(g, start, b.g, 0, n);
            loadState(b, start, 0, n);
            OptimizerMath.update(h, c, b.w, b.g, b.s1, b.s2, n, mean);
            storeState(b, start, 0, n);
        }

        /** Loads weights and state [off, off + n) into the buffers at {@code at}. */
        private void loadState(Buffers b, long off, int at, int n) {
            loadRange(w, off, b.w, at, n);
            if (s1 != null) {
                loadRange(s1, off, b.s1, at, n);
            }
            if (s2 != null) {
                loadRange(s2, off, b.s2, at, n);
            }
        }

        /** The inverse of {@link #loadState} (the gradient is read only). */
        private void storeState(Buffers b, long off, int at, int n) {
            storeRange(w, off, b.w, at, n);
            if (s1 != null) {
                storeRange(s1, off, b.s1, at, n);
            }
            if (s2 != null) {
                storeRange(s2, off, b.s2, at, n);
            }
        }

        private void loadRange(MemorySegment s, long off, double[] dst, int at, int n) {
            if (f32) {
                for (int i = 0; i < n; i++) {
                    dst[at + i] = s.getAtIndex(JAVA_FLOAT, off + i);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    dst[at + i] = s.getAtIndex(JAVA_DOUBLE, off + i);
                }
            }
        }

        private void storeRange(MemorySegment s, long off, double[] src, int at, int n) {
            if (f32) {
                for (int i = 0; i < n; i++) {
                    s.setAtIndex(JAVA_FLOAT, off + i, (float) src[at + i]);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    s.setAtIndex(JAVA_DOUBLE, off + i, src[at + i]);
                }
            }
        }
    }

    private static void check(CpuBackend backend, OptimizerHyper hyper, List<ParamSlot> slots) {
        Map<Storage, Integer> written = new IdentityHashMap<>();
        int states = hyper.stateCount();
        for (int i = 0; i < slots.size(); i++) {
            ParamSlot slot = slots.get(i);
            if (slot.weight().backend() != backend) {
                throw new IllegalArgumentException("optimizerStep: slot " + i + " belongs to "
                        + slot.weight().backend().device() + ", not to the CPU backend");
            }
            for (int k = 0; k < states; k++) {
                if (slot.state(k) == null) {
                    throw new IllegalArgumentException("optimizerStep: " + hyper.algorithm() + " needs " + states
                            + " state storage(s), slot " + i + " has no state" + (k + 1));
                }
            }
            for (Storage s : new Storage[] {slot.weight(), slot.state1(), slot.state2()}) {
                if (s == null) {
                    continue;
                }
                Integer previous = written.put(s, i);
                if (previous != null) {
                    throw new IllegalArgumentException("optimizerStep: slots " + previous + " and " + i
                            + " share a weight or state storage");
                }
            }
        }
    }
}
