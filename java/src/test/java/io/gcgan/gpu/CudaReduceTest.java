package io.gcgan.gpu;

import io.gcgan.backend.ReduceOp;
import io.gcgan.backend.Storage;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * reduce (sum, mean, max over a set of axes) on CUDA against the CPU backend in float64 on the same values: the
 * BatchNorm statistics of both reference models, a loss mean, per-sample row sums, odd shapes, every axis subset of
 * a rank-3 shape, the empty axis set, and a sum over a million and three elements.
 *
 * <p>Max is exact. Sum and mean are held to {@code Check.sumFactor(dtype, K) * sum|x|} over each output's K terms
 * (the Higham-Mary bound, see {@link Check#LAMBDA}); this does not depend on how the kernel orders the additions.
 */
@GpuTest
class CudaReduceTest {

    static Stream<Arguments> cases() {
        long[][] shapes = {{1_000_003}, {64, 6272}, {64, 128, 14, 14}, {8, 512, 4, 4}, {64, 1}, {4096, 33},
            {3, 5, 7}, {2, 3, 5, 7, 11}, {1}};
        int[][][] axes = {
            {{0}},
            {{0}, {1}, {0, 1}},
            {{0, 2, 3}, {1, 2, 3}},
            {{0, 2, 3}},
            {{0, 1}},
            {{1}, {0}},
            {{0}, {1}, {2}, {0, 1}, {0, 2}, {1, 2}, {0, 1, 2}, {}},
            {{1, 3}, {0, 4}},
            {{0}},
        };
        List<Arguments> cases = new ArrayList<>();
        for (DType dtype : DType.values()) {
            for (ReduceOp op : ReduceOp.values()) {
                for (int i = 0; i < shapes.length; i++) {
                    for (int[] a : axes[i]) {
                        cases.add(Arguments.of(op, dtype, shapes[i], a));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2} axes {3}")
    @MethodSource("cases")
    void reduce(ReduceOp op, DType dtype, long[] shape, int[] axes) {
        String what = "reduce " + op + " " + dtype + " " + Data.shape(shape) + " over " + Arrays.toString(axes);
        int n = Math.toIntExact(Data.numel(shape));
        double[] x = Data.uniform(Data.random(what), n, -1, 1, dtype);
        long outNumel = 1;
        long terms = 1;
        boolean[] reduced = new boolean[shape.length];
        for (int a : axes) {
            reduced[a] = true;
        }
        for (int d = 0; d < shape.length; d++) {
            if (reduced[d]) {
                terms *= shape[d];
            } else {
                outNumel *= shape[d];
            }
        }
        try (TensorScope scope = TensorScope.open()) {
            Storage in = Gpu.upload(Gpu.cuda(), dtype, x, scope);
            Storage out = Gpu.poisoned(Gpu.cuda(), dtype, outNumel, scope);
            Gpu.cuda().reduce(op, in, shape, axes, out);
            double[] got = Gpu.read(out);
            double[] ref = cpuReduce(op, x, shape, axes, outNumel, scope);
            if (op == ReduceOp.MAX) {
                Check.exact(what, ref, got);
                return;
            }
            double[] absSum = cpuReduce(op, Data.abs(x), shape, axes, outNumel, scope);
            Check.scaled(what + " (K = " + terms + ")", ref, got, absSum, Check.sumFactor(dtype, terms),
                    Double.MIN_NORMAL);
        }
    }

    /** The CPU backend's float64 result on the same values. */
    private static double[] cpuReduce(ReduceOp op, double[] x, long[] shape, int[] axes, long outNumel,
                                      TensorScope scope) {
        Storage in = Gpu.upload(Gpu.cpu(), DType.FLOAT64, x, scope);
        Storage out = Gpu.poisoned(Gpu.cpu(), DType.FLOAT64, outNumel, scope);
        Gpu.cpu().reduce(op, in, shape, axes, out);
        return Gpu.read(out);
    }
}
