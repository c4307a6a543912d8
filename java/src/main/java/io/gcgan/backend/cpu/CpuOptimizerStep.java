package io.gcgan.backend.cpu;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import io.gcgan.backend.CentringView;
import io.gcgan.backend.OptimizerGuard;
import io.gcgan.backend.OptimizerHyper;
import io.gcgan.backend.ParamSlot;
import io.gcgan.backend.Storage;
import io.gcgan.backend.StorageChecks;
import io.gcgan.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The memory walk of {@link CpuBackend#optimizerStep}: the readable per-tensor loop that fused GPU kernels are
 * checked against. The math per element is {@link OptimizerMath}'s.
 *
 * <p>Every tensor is updated in blocks of at most {@link #BLOCK} elements: a block's gradient, weights and state
 * are copied from storage into a worker's arrays ({@link Scratch}: {@code float[]} for float32 tensors,
 * {@code double[]} for float64) with bulk copies, updated there by loops the JIT vectorizes, and the weights and
 * state copied back. (Copying storage element by element, as this walk did before, keeps the loops scalar: 2.2-2.5
 * ns per float32 SGD-momentum element on one core here, against 0.8 ns now; widening the blocks into double arrays
 * first, 1.5 ns.)
 *
 * <p>A centred tensor is walked one centring group (slice) at a time: its sum, then its blocks updated with the
 * mean subtracted. With the Vector API ({@link #VECTOR_SUMS}) the sum reads storage directly ({@link VectorSums})
 * and the blocks are then walked as an uncentred tensor's; contiguous slices of at most {@code TILE / 2} elements
 * (a linear layer's rows, small conv filters) are summed one by one and updated a block of neighbouring slices at a
 * time ({@link Walk#updateShortRows}): one update call per slice spent more in calls than in updates (GC's cost over
 * an SGD-momentum step of the mnist28 parameters, mostly rows of 100: +33-39% slice by slice, +11.4% by blocks,
 * +7.6% with VectorSums' faster short sums; bench/results/2026-11-27-cpu-gc-short-rows.md). (Summing the next slice next to the update of the current one, so
 * that its gradient streams in with the update's operands, was tried: GC then cost +14% over the dcgan64 parameters
 * against +10%, the current slice's gradient being read back from L2, not L1.)
 *
 * <p>Without the Vector API, a slice of up to {@link #WHOLE_SLICE} elements (every conv filter of the reference
 * models) has its gradient copied whole, one array per block, and summed in double lanes; then its blocks are
 * updated, each reading its gradient from its own array, so the gradient is read from storage once. A longer slice
 * is streamed twice: pass 1 sums the decayed gradient block by block, pass 2 updates block by block. Slices of short
 * runs far apart (a transposed-conv weight centred per output filter) are done a tile of neighbouring slices at a
 * time ({@link Walk#updateTile}) either way. Blocks, slices and tiles are independent, so they are spread over the
 * cores; tensors are done one after another.
 */
final class CpuOptimizerStep {

    /**
     * Elements per block: a float32 block's four arrays (gradient, weights, two states) are 16 KiB, resident in L1
     * together with the slice's gradient arrays and the lanes. Measured on one core, float32 SGD-momentum: 1024
     * elements 0.81, 2048 0.87 ns per element.
     */
    static final int BLOCK = 1024;

    /**
     * Elements per outer row of a tile of slices made of short runs ({@link Walk#updateTile}): a block. Measured on
     * one core, SGD-momentum over a [512, 256, 4, 4] weight centred per output filter (the step without centring
     * 1.6 ms; walking slice by slice took 12 ms): rows of 256 elements 3.3-3.4 ms, of 512 2.4-2.7 ms, of 1024
     * 2.6 ms. (Before the float32 loops took a mean per position, the rows were widened to double: 1024 elements
     * 3.6 ms.)
     */
    static final int TILE = BLOCK;

    /** The longest slice whose gradient is loaded whole (64 KiB of float32 gradient); longer ones stream. */
    static final int WHOLE_SLICE = 16384;

    /**
     * True when {@link VectorSums} can run: the JVM resolved {@code jdk.incubator.vector} (it was started with
     * {@code --add-modules jdk.incubator.vector}) and the platform has vectors of at least two doubles.
     */
    static final boolean VECTOR_API = vectorApiUsable();

    /**
     * True when centring sums read storage through the Vector API ({@link VectorSums}): {@link #VECTOR_API}, unless
     * {@code -Dgcgan.cpu.vectorSums=false}. Otherwise the lane sums over copied blocks serve: the same sums to
     * 1e-16, slower (GC's cost over an SGD-momentum step of the dcgan64 parameters, JMH on two cores: 2-11% with
     * the Vector API, 11-26% without; bench/results/2026-11-27-cpu-vector-sums.md).
     */
    static final boolean VECTOR_SUMS = vectorSumsWanted(System.getProperty("gcgan.cpu.vectorSums")) && VECTOR_API;

    /** {@code -Dgcgan.cpu.vectorSums}: unset or {@code true} (the Vector API where usable), or {@code false}. */
    static boolean vectorSumsWanted(String value) {
        if (value == null || value.equals("true")) {
            return true;
        }
        if (value.equals("false")) {
            return false;
        }
        throw new IllegalArgumentException("-Dgcgan.cpu.vectorSums must be true or false, got '" + value + "'");
    }

    private static boolean vectorApiUsable() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false; // VectorSums is not loaded: it would not link
        }
        try {
            return VectorSums.supported();
        } catch (LinkageError e) {
            return false; // an incubator API that differs from the one this was compiled against
        }
    }

    private static final ThreadLocal<Scratch> FLOAT_SCRATCH = ThreadLocal.withInitial(() -> new Scratch(true));
    private static final ThreadLocal<Scratch> DOUBLE_SCRATCH = ThreadLocal.withInitial(() -> new Scratch(false));

    private CpuOptimizerStep() {
    }

    /** guard: null, or a storage that stops the step when any element is not finite (Backend#optimizerStep). */
    static void run(CpuBackend backend, OptimizerHyper hyper, List<ParamSlot> slots, Storage guard) {
        run(backend, hyper, slots, guard, VECTOR_SUMS);
    }

    /** {@link #run} with the centring sums chosen: {@code vectorSums} needs {@link #VECTOR_API} (tests run both). */
    static void run(CpuBackend backend, OptimizerHyper hyper, List<ParamSlot> slots, Storage guard,
                    boolean vectorSums) {
        if (vectorSums && !VECTOR_API) {
            throw new IllegalStateException("optimizerStep: Vector API centring sums need the JVM option"
                    + " --add-modules jdk.incubator.vector");
        }
        StorageChecks.optimizerSlots(backend, hyper, slots);
        if (guard != null) {
            OptimizerGuard.check(backend, guard, slots);
            if (!allFinite(guard)) {
                return;
            }
        }
        for (ParamSlot slot : slots) {
            step(hyper, slot, vectorSums);
        }
    }

    /** Whether every element of {@code s} is finite (neither NaN nor infinite). */
    private static boolean allFinite(Storage s) {
        MemorySegment m = s.segment();
        boolean f32 = s.dtype() == DType.FLOAT32;
        for (long i = 0; i < s.numel(); i++) {
            double v = f32 ? m.getAtIndex(JAVA_FLOAT, i) : m.getAtIndex(JAVA_DOUBLE, i);
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private static void step(OptimizerHyper h, ParamSlot slot, boolean vectorSums) {
        Walk walk = new Walk(h, OptimizerMath.coefficients(h, slot.step()), slot);
        CentringView v = slot.centring();
        long numel = slot.weight().numel();
        if (!v.centred()) {
            long blocks = (numel + BLOCK - 1) / BLOCK;
            Parallel.forRange(blocks, BLOCK, (from, to) -> {
                Scratch b = walk.scratch(1);
                for (long blk = from; blk < to; blk++) {
                    long start = blk * BLOCK;
                    walk.update(b, start, (int) Math.min(BLOCK, numel - start), 0.0);
                }
            });
            return;
        }
        long slices = v.slices();
        long inner = v.inner();
        double count = (double) v.sliceSize();
        if (vectorSums && v.outer() == 1 && inner <= TILE / 2) {
            // Short contiguous slices (rows): a block of neighbouring rows at a time, each row's mean its own.
            int perTile = (int) Math.min(slices, TILE / inner);
            long tiles = (slices + perTile - 1) / perTile;
            Parallel.forRange(tiles, perTile * inner, (from, to) -> {
                Scratch b = walk.scratch(1);
                for (long t = from; t < to; t++) {
                    long first = t * perTile;
                    walk.updateShortRows(b, v, first, (int) Math.min(perTile, slices - first));
                }
            });
            return;
        }
        if (v.outer() > 1 && inner <= TILE / 2) {
            // Slices of short runs, outer apart (a transposed-conv weight centred per output filter): a tile of
            // consecutive slices at a time, whose runs lie side by side in each outer row.
            int perTile = (int) Math.min(slices, TILE / inner);
            long tiles = (slices + perTile - 1) / perTile;
            Parallel.forRange(tiles, perTile * v.sliceSize(), (from, to) -> {
                Scratch b = walk.scratch(1);
                for (long t = from; t < to; t++) {
                    long first = t * perTile;
                    walk.updateTile(b, v, first, (int) Math.min(perTile, slices - first));
                }
            });
            return;
        }
        long outer = v.outer();
        if (vectorSums) {
            Parallel.forRange(slices, v.sliceSize(), (from, to) -> {
                Scratch b = walk.scratch(1);
                for (long s = from; s < to; s++) {
                    double mean = walk.sumSlice(v, s) / count;
                    for (long o = 0; o < outer; o++) {
                        walk.updateRun(b, (o * slices + s) * inner, inner, mean);
                    }
                }
            });
            return;
        }
        if (v.sliceSize() <= WHOLE_SLICE) {
            SliceBlock[] blocks = SliceBlock.of(v);
            Parallel.forRange(slices, v.sliceSize(), (from, to) -> {
                Scratch b = walk.scratch(blocks.length);
                for (long s = from; s < to; s++) {
                    // Slice s = the runs (o * slices + s) * inner + [0, inner) for o < outer.
                    double mean = walk.loadSliceGradient(b, blocks, s * inner) / count;
                    walk.updateSlice(b, blocks, s * inner, mean);
                }
            });
            return;
        }
        Parallel.forRange(slices, v.sliceSize(), (from, to) -> {
            Scratch b = walk.scratch(1);
            for (long s = from; s < to; s++) {
                b.clearLanes();
                for (long o = 0; o < outer; o++) {
                    long run = (o * slices + s) * inner;
                    for (long off = 0; off < inner; off += BLOCK) {
                        walk.addBlockToLanes(b, run + off, (int) Math.min(BLOCK, inner - off));
                    }
                }
                double mean = b.sumOfLanes() / count;
                for (long o = 0; o < outer; o++) {
                    walk.updateRun(b, (o * slices + s) * inner, inner, mean);
                }
            }
        });
    }

    /**
     * One block of a slice: {@code runCount} runs of {@code runLength} elements (at most {@link #BLOCK} in all),
     * the first at {@code start} storage elements after the slice's first element, each {@code stride} after the
     * previous. The blocks of a slice, in order, cover it once; every slice of a tensor has the same blocks.
     */
    record SliceBlock(long start, long stride, int runCount, int runLength) {

        int size() {
            return runCount * runLength;
        }

        /**
         * The blocks of {@code view}'s slices: its {@code outer} runs of {@code inner} elements
         * ({@code slices * inner} apart) are split into blocks when longer than {@link #BLOCK}, else gathered as
         * many to a block as fit.
         */
        static SliceBlock[] of(CentringView view) {
            int length = (int) view.inner();
            int runs = (int) view.outer();
            long stride = view.slices() * view.inner();
            List<SliceBlock> out = new ArrayList<>();
            if (length >= BLOCK) {
                for (int r = 0; r < runs; r++) {
                    for (int k = 0; k < length; k += BLOCK) {
                        out.add(new SliceBlock(r * stride + k, 0, 1, Math.min(BLOCK, length - k)));
                    }
                }
            } else {
                // From the step, a block holds one run here: runs of at most TILE / 2 elements with outer > 1 take
                // the tile walk (updateTile), and longer ones leave room for no second run. Several short runs to
                // a block are still made for a view given directly (SliceBlock's own test).
                int perBlock = Math.min(runs, BLOCK / length);
                for (int r = 0; r < runs; r += perBlock) {
                    out.add(new SliceBlock(r * stride, stride, Math.min(perBlock, runs - r), length));
                }
            }
            return out.toArray(SliceBlock[]::new);
        }
    }

    /**
     * One worker thread's arrays, in the element type of the tensors it serves ({@code float[]} for float32,
     * {@code double[]} for float64; held as {@code Object} so that the copies, which take any primitive array, are
     * written once): block arrays for the weights and two states, one gradient array per block of a whole-loaded
     * slice (with coupled decay, whose centring mean is over {@code g + lambda w}, one weight array per block too),
     * and the lanes of a centring sum. Gradient array 0 serves as the gradient of an uncentred block. Each thread
     * keeps one per element type, grown as needed and reused by every later step: allocating the arrays per tensor
     * and task (the JVM zeroes every new array) cost 0.5-1 ms of a 4-5 ms step over the dcgan64 parameters.
     */
    private static final class Scratch {
        private final boolean f32;
        private final ValueLayout layout;
        private final Object w;
        private final Object s1;
        private final Object s2;
        private Object[] g = new Object[0];
        private Object[] sliceW = new Object[0];
        /** A tile's sums, then means, by position in its rows ({@link Walk#updateTile}). */
        private final double[] positions = new double[TILE];
        /** The lanes of the current centring sum (OptimizerMath.addToLanes). */
        private final double[] lanes = new double[OptimizerMath.LANES];

        Scratch(boolean f32) {
            this.f32 = f32;
            this.layout = f32 ? JAVA_FLOAT : JAVA_DOUBLE;
            this.w = newBlock();
            this.s1 = newBlock();
            this.s2 = newBlock();
        }

        private Object newBlock() {
            return f32 ? new float[BLOCK] : new double[BLOCK];
        }

        /** Makes room for slices of {@code blocks} blocks, and for their weights with coupled decay. */
        void reserve(int blocks, boolean coupled) {
            g = grown(g, blocks);
            if (coupled) {
                sliceW = grown(sliceW, blocks);
            }
        }

        private Object[] grown(Object[] arrays, int count) {
            if (arrays.length >= count) {
                return arrays;
            }
            Object[] out = Arrays.copyOf(arrays, count);
            for (int i = arrays.length; i < count; i++) {
                out[i] = newBlock();
            }
            return out;
        }

        /** Copies storage elements [off, off + n) of the gradient into gradient array {@code k} at {@code at}. */
        void loadGradient(MemorySegment src, long off, int k, int at, int n) {
            copyIn(src, off, g[k], at, n);
        }

        /** Copies storage elements [off, off + n) of the weights into slice weight array {@code k} at {@code at}. */
        void loadSliceWeights(MemorySegment src, long off, int k, int at, int n) {
            copyIn(src, off, sliceW[k], at, n);
        }

        /** Copies [off, off + n) of the weights and states into the block arrays at {@code at}. */
        void loadState(Walk walk, long off, int at, int n) {
            copyIn(walk.w, off, w, at, n);
            if (walk.s1 != null) {
                copyIn(walk.s1, off, s1, at, n);
            }
            if (walk.s2 != null) {
                copyIn(walk.s2, off, s2, at, n);
            }
        }

        /** The inverse of {@link #loadState} (the gradient is read only). */
        void storeState(Walk walk, long off, int at, int n) {
            copyOut(w, at, walk.w, off, n);
            if (walk.s1 != null) {
                copyOut(s1, at, walk.s1, off, n);
            }
            if (walk.s2 != null) {
                copyOut(s2, at, walk.s2, off, n);
            }
        }

        /**
         * Adds the decayed gradient of gradient array {@code k}'s first {@code n} elements to the lanes (with
         * coupled decay, its weights are slice weight array {@code k}).
         */
        void addToLanes(OptimizerMath.Coefficients c, int k, int n) {
            Object sw = c.coupledDecay() == 0.0 ? null : sliceW[k];
            if (f32) {
                OptimizerMath.addToLanes(c, lanes, (float[]) sw, (float[]) g[k], n);
            } else {
                OptimizerMath.addToLanes(c, lanes, (double[]) sw, (double[]) g[k], n);
            }
        }

        /** Updates the block arrays' first {@code n} elements with gradient array {@code k}. */
        void update(OptimizerHyper h, OptimizerMath.Coefficients c, int k, int n, double mean) {
            if (f32) {
                OptimizerMath.update(h, c, (float[]) w, (float[]) g[k], (float[]) s1, (float[]) s2, n, mean);
            } else {
                OptimizerMath.update(h, c, (double[]) w, (double[]) g[k], (double[]) s1, (double[]) s2, n, mean);
            }
        }

        void clearLanes() {
            Arrays.fill(lanes, 0.0);
        }

        /** Sets positions [at, at + n) of a tile to {@code mean}. */
        void setPositions(int at, int n, double mean) {
            Arrays.fill(positions, at, at + n, mean);
        }

        /** Zeroes the first {@code n} position sums of a tile. */
        void clearPositions(int n) {
            Arrays.fill(positions, 0, n, 0.0);
        }

        /** Adds gradient array 0's first {@code n} decayed elements (slice weight array 0 their weights) by position. */
        void addToPositions(OptimizerMath.Coefficients c, int n) {
            Object sw = c.coupledDecay() == 0.0 ? null : sliceW[0];
            if (f32) {
                OptimizerMath.addByPosition(c, positions, (float[]) sw, (float[]) g[0], n);
            } else {
                OptimizerMath.addByPosition(c, positions, (double[]) sw, (double[]) g[0], n);
            }
        }

        /**
         * After a tile's pass 1: positions [t * inner, (t + 1) * inner) hold slice t's sums by position; replaces
         * each with the slice's mean, {@code (sum of its positions) / size}.
         */
        void expandSliceMeans(int count, int inner, double size) {
            for (int t = 0, at = 0; t < count; t++, at += inner) {
                double sum = 0.0;
                for (int i = 0; i < inner; i++) {
                    sum += positions[at + i];
                }
                Arrays.fill(positions, at, at + inner, sum / size);
            }
        }

        /**
         * Updates the block arrays' first {@code n} elements with gradient array 0, element i centred with the mean
         * {@link #expandSliceMeans} left in position i: the same arithmetic as the other walks', so their result to
         * the bit up to the order of the centring sums.
         */
        void updateCentredByPosition(OptimizerHyper h, OptimizerMath.Coefficients c, int n) {
            if (f32) {
                OptimizerMath.update(h, c, (float[]) w, (float[]) g[0], (float[]) s1, (float[]) s2, n, positions);
                return;
            }
            double[] gd = (double[]) g[0];
            OptimizerMath.centredDirection(c, positions, (double[]) w, gd, n);
            OptimizerMath.update(h, c.withoutCoupledDecay(), (double[]) w, gd, (double[]) s1, (double[]) s2, n, 0.0);
        }

        double sumOfLanes() {
            return OptimizerMath.sumOfLanes(lanes);
        }

        /** Storage elements [off, off + n) into {@code dst} at {@code at}. */
        private void copyIn(MemorySegment src, long off, Object dst, int at, int n) {
            MemorySegment.copy(src, layout, off * layout.byteSize(), dst, at, n);
        }

        /** {@code src} [at, at + n) into storage elements [off, off + n). */
        private void copyOut(Object src, int at, MemorySegment dst, long off, int n) {
            MemorySegment.copy(src, at, dst, layout, off * layout.byteSize(), n);
        }
    }

    /** One slot's memory: moves its elements between storage and a {@link Scratch} around the math. */
    private static final class Walk {
        private final OptimizerHyper h;
        private final OptimizerMath.Coefficients c;
        private final boolean f32;
        final MemorySegment w;
        final MemorySegment g;
        final MemorySegment s1;
        final MemorySegment s2;
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

        /** This thread's arrays, for slices of {@code blocks} blocks (1 for uncentred and streamed tensors). */
        Scratch scratch(int blocks) {
            Scratch b = f32 ? FLOAT_SCRATCH.get() : DOUBLE_SCRATCH.get();
            b.reserve(blocks, coupled);
            return b;
        }

        /**
         * Loads the gradient of the slice whose first element is {@code first} (and, with coupled decay, its
         * weights) into one array per block; returns the sum of the decayed gradient {@code g + lambda w}, the
         * numerator of the slice's centring mean.
         */
        double loadSliceGradient(Scratch b, SliceBlock[] blocks, long first) {
            b.clearLanes();
            for (int k = 0; k < blocks.length; k++) {
                SliceBlock blk = blocks[k];
                long start = first + blk.start();
                for (int r = 0, at = 0; r < blk.runCount(); r++, at += blk.runLength()) {
                    b.loadGradient(g, start + r * blk.stride(), k, at, blk.runLength());
                    if (coupled) {
                        b.loadSliceWeights(w, start + r * blk.stride(), k, at, blk.runLength());
                    }
                }
                b.addToLanes(c, k, blk.size());
            }
            return b.sumOfLanes();
        }

        /** Updates the slice whose gradient {@link #loadSliceGradient} loaded, block by block. */
        void updateSlice(Scratch b, SliceBlock[] blocks, long first, double mean) {
            for (int k = 0; k < blocks.length; k++) {
                SliceBlock blk = blocks[k];
                long start = first + blk.start();
                for (int r = 0, at = 0; r < blk.runCount(); r++, at += blk.runLength()) {
                    b.loadState(this, start + r * blk.stride(), at, blk.runLength());
                }
                b.update(h, c, k, blk.size(), mean);
                for (int r = 0, at = 0; r < blk.runCount(); r++, at += blk.runLength()) {
                    b.storeState(this, start + r * blk.stride(), at, blk.runLength());
                }
            }
        }

        /**
         * Updates slices [first, first + count) of {@code v}, whose runs are short: in each of the {@code outer} rows
         * they are {@code count * inner} contiguous elements. Pass 1 adds every row's elements position by position
         * (each slice's sum is then the sum of its inner positions, which become its mean); pass 2 updates each row
         * with its elements' slice means. Walking slice by slice instead visited
         * one run of 16 elements per 16 KiB page of a [512, 256, 4, 4] weight: 7x the time of an uncentred step.
         */
        void updateTile(Scratch b, CentringView v, long first, int count) {
            int inner = (int) v.inner();
            int width = count * inner;
            long rowStride = v.slices() * v.inner();
            b.clearPositions(width);
            for (long o = 0; o < v.outer(); o++) {
                long start = o * rowStride + first * inner;
                b.loadGradient(g, start, 0, 0, width);
                if (coupled) {
                    b.loadSliceWeights(w, start, 0, 0, width);
                }
                b.addToPositions(c, width);
            }
            b.expandSliceMeans(count, inner, (double) v.sliceSize());
            for (long o = 0; o < v.outer(); o++) {
                long start = o * rowStride + first * inner;
                b.loadGradient(g, start, 0, 0, width);
                b.loadState(this, start, 0, width);
                b.updateCentredByPosition(h, c, width);
                b.storeState(this, start, 0, width);
            }
        }

        /**
         * Updates contiguous slices (rows) [first, first + count) of {@code v}, each at most {@code TILE / 2} long,
         * as one block: each row's sum read from storage ({@link #sumSlice}), its mean spread over its positions,
         * then the block updated with its elements' row means.
         */
        void updateShortRows(Scratch b, CentringView v, long first, int count) {
            int inner = (int) v.inner();
            double size = (double) v.sliceSize();
            for (int t = 0; t < count; t++) {
                b.setPositions(t * inner, inner, sumSlice(v, first + t) / size);
            }
            long start = first * inner;
            int width = count * inner;
            b.loadGradient(g, start, 0, 0, width);
            b.loadState(this, start, 0, width);
            b.updateCentredByPosition(h, c, width);
            b.storeState(this, start, 0, width);
        }

        /** Adds the decayed gradient of elements [start, start + n) to the lanes, streamed. */
        void addBlockToLanes(Scratch b, long start, int n) {
            b.loadGradient(g, start, 0, 0, n);
            if (coupled) {
                b.loadSliceWeights(w, start, 0, 0, n);
            }
            b.addToLanes(c, 0, n);
        }

        /**
         * The sum of the decayed gradient {@code g + lambda w} over slice {@code s} of {@code v}, read from storage
         * run by run with the Vector API.
         */
        double sumSlice(CentringView v, long s) {
            double lambda = c.coupledDecay();
            double sum = 0.0;
            for (long o = 0; o < v.outer(); o++) {
                long run = (o * v.slices() + s) * v.inner();
                sum += f32 ? VectorSums.sumFloat(g, w, lambda, run, v.inner())
                        : VectorSums.sumDouble(g, w, lambda, run, v.inner());
            }
            return sum;
        }

        /** Updates the run of elements [start, start + n) block by block, with the centring mean of its slice. */
        void updateRun(Scratch b, long start, long n, double mean) {
            for (long off = 0; off < n; off += BLOCK) {
                update(b, start + off, (int) Math.min(BLOCK, n - off), mean);
            }
        }

        /** Updates elements [start, start + n) in place, with the centring mean of their slice. */
        void update(Scratch b, long start, int n, double mean) {
            b.loadGradient(g, start, 0, 0, n);
            b.loadState(this, start, 0, n);
            b.update(h, c, 0, n, mean);
            b.storeState(this, start, 0, n);
        }
    }
}
