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
 * <p>A tensor that is not centred is cut into blocks of {@link #BLOCK} elements. A centred tensor is walked one
 * centring group (slice) at a time. A slice of up to {@link #WHOLE_SLICE} elements (every conv filter of the
 * reference models) is loaded once into the worker's buffers (its runs gathered), its mean of the decayed
 * gradient {@code g + lambda w} taken, updated, and stored back. A longer slice is streamed twice: pass 1 sums
 * the decayed gradient block by block, pass 2 updates block by block with the mean subtracted. Blocks, and
 * slices, are independent, so they are spread over the cores; tensors are done one after another.
 */
final class CpuOptimizerStep {

    /** Elements per block: four double buffers of 16 KiB, resident in L1/L2. */
    static final int BLOCK = 2048;

    /** The longest slice loaded whole (four double buffers of 128 KiB, resident in L2); longer ones stream. */
    static final int WHOLE_SLICE = 16384;

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
                Buffers b = new Buffers(size, h.stateCount());
                for (long s = from; s < to; s++) {
                    // Slice s = the runs (o * slices + s) * inner + [0, inner) for o < outer.
                    walk.load(b, s * inner, slices * inner, (int) outer, (int) inner);
                    double mean = walk.decayedSum(b, size) / count;
                    walk.updateLoaded(b, size, mean);
                    walk.store(b, s * inner, slices * inner, (int) outer, (int) inner);
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
     * One worker's scratch: a block (or a whole slice) of each operand in double; the state buffers only for the
     * states the algorithm keeps (a fresh array is zeroed by the JVM: a whole-slice chunk of an unused one cost as
     * much as the work).
     */
    private static final class Buffers {
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
         * Loads {@code runs} runs of {@code runLength} elements, the first at {@code start}, each {@code stride}
         * after the previous, one after another into the buffers.
         */
        void load(Buffers b, long start, long stride, int runs, int runLength) {
            for (int r = 0, at = 0; r < runs; r++, at += runLength) {
                long off = start + r * stride;
                loadRange(w, off, b.w, at, runLength);
                loadRange(g, off, b.g, at, runLength);
                if (s1 != null) {
                    loadRange(s1, off, b.s1, at, runLength);
                }
                if (s2 != null) {
                    loadRange(s2, off, b.s2, at, runLength);
                }
            }
        }

        /** The inverse of {@link #load} for the weights and state (the gradient is read only). */
        void store(Buffers b, long start, long stride, int runs, int runLength) {
            for (int r = 0, at = 0; r < runs; r++, at += runLength) {
                long off = start + r * stride;
                storeRange(w, off, b.w, at, runLength);
                if (s1 != null) {
                    storeRange(s1, off, b.s1, at, runLength);
                }
                if (s2 != null) {
                    storeRange(s2, off, b.s2, at, runLength);
                }
            }
        }

        /** Sum of {@code g + lambda w} over the first {@code n} loaded elements. */
        double decayedSum(Buffers b, int n) {
            return OptimizerMath.decayedSum(c, b.w, b.g, n);
        }

        /** Updates the first {@code n} loaded elements with centring mean {@code mean}. */
        void updateLoaded(Buffers b, int n, double mean) {
            OptimizerMath.update(h, c, b.w, b.g, b.s1, b.s2, n, mean);
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
            load(b, start, 0, 1, n);
            updateLoaded(b, n, mean);
            store(b, start, 0, 1, n);
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
