package io.gcgan.gpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.bindings.cudart.CudaException;
import io.gcgan.bindings.cudart.CudaRuntime;
import io.gcgan.optim.GcMode;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Device memory stays flat over 1,000 mnist28 training iterations (forward, backward and Adam with GC for both
 * networks, batch 64), each inside its own TensorScope: every intermediate must be freed when its scope closes.
 *
 * <p>Memory in use is {@code total - free} from cudaMemGetInfo, read after a synchronize, sampled every 100
 * iterations after 20 iterations of warm-up (which take the cuBLAS/cuDNN workspaces and the optimizer state).
 * Allowed spread: 16 MiB, whatever the pool's release threshold. One iteration allocates about 40 MB of
 * intermediates, so leaking even one activation tensor per iteration would grow by gigabytes; the bound catches
 * leaks from about 16 KiB per iteration (the pool's granularity hides smaller ones).
 */
@GpuTest
class CudaMemoryFlatTest {

    /** 1000; fewer with {@code -Dgcgan.gpu.memoryIterations=N} (the CPU self-test uses 30). */
    private static final int ITERATIONS = Integer.getInteger("gcgan.gpu.memoryIterations", 1000);
    private static final int WARM_UP = 20;
    private static final long ALLOWED_SPREAD = 16L << 20;

    @Test
    void deviceMemoryIsFlatOverAThousandIterations() {
        List<long[]> samples = new ArrayList<>(); // {iteration, bytes in use}
        double lastLossD = Double.NaN;
        long t0 = 0;
        try (TensorScope models = TensorScope.open()) {
            Mnist28 m = new Mnist28(Gpu.CUDA, 7, GcMode.CONV_AND_FC, null);
            Tensor[] in;
            try (TensorScope data = TensorScope.open()) {
                in = Mnist28.batch(0, 64);
                in = new Tensor[] {data.keep(in[0].to(Gpu.CUDA)), data.keep(in[1].to(Gpu.CUDA))};
            }
            for (int i = 1; i <= ITERATIONS; i++) {
                try (TensorScope step = TensorScope.open()) {
                    boolean read = i % 100 == 0 || i == ITERATIONS;
                    Mnist28.Losses l = stepWithoutHostReads(m, in[0], in[1], read);
                    if (read) {
                        lastLossD = l.lossD();
                    }
                }
                if (i == WARM_UP) {
                    t0 = System.nanoTime();
                }
                if (i == WARM_UP || i % 100 == 0) {
                    Gpu.cuda().synchronize();
                    samples.add(new long[] {i, bytesInUse()});
                }
            }
            Gpu.cuda().synchronize();
        }
        double msPerIteration = (System.nanoTime() - t0) / 1e6 / (ITERATIONS - WARM_UP);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        StringBuilder series = new StringBuilder();
        for (long[] s : samples) {
            min = Math.min(min, s[1]);
            max = Math.max(max, s[1]);
            series.append(String.format(Locale.ROOT, " %d:%.1f", s[0], s[1] / 1048576.0));
        }
        String report = String.format(Locale.ROOT, "mnist28 x %d iterations on %s: %.2f ms per iteration (incl. %d"
                        + " samples), last lossD %.5f; device memory in use (iteration:MiB)%s; spread %.2f MiB",
                ITERATIONS, Gpu.description(), msPerIteration, samples.size(), lastLossD, series,
                (max - min) / 1048576.0);
        System.out.println(report);
        assertTrue(Double.isFinite(lastLossD), "training diverged: " + report);
        assertTrue(max - min <= ALLOWED_SPREAD, "device memory is not flat (allowed spread "
                + (ALLOWED_SPREAD >> 20) + " MiB): " + report);
    }

    /** One iteration; the losses are read back (a host synchronization) only when {@code read}. */
    private static Mnist28.Losses stepWithoutHostReads(Mnist28 m, Tensor z, Tensor real, boolean read) {
        if (read) {
            return m.step(z, real, false);
        }
        m.stepNoRead(z, real);
        return null;
    }

    /** total - free device memory of the current device, from cudaMemGetInfo (0 in the CPU self-test). */
    static long bytesInUse() {
        if (Gpu.SELF_TEST) {
            return 0;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(ValueLayout.JAVA_LONG);
            MemorySegment total = arena.allocate(ValueLayout.JAVA_LONG);
            CudaException.check(CudaRuntime.cudaMemGetInfo(free, total), "cudaMemGetInfo");
            return total.get(ValueLayout.JAVA_LONG, 0) - free.get(ValueLayout.JAVA_LONG, 0);
        }
    }
}
