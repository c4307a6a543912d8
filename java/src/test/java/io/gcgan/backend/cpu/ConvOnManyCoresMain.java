package io.gcgan.backend.cpu;

import io.gcgan.tensor.DType;
import io.gcgan.tensor.testutil.Ref.Conv;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

/**
 * Run in a child JVM by {@link CpuConvolutionManyCoresTest} with {@code -XX:ActiveProcessorCount=8}, so that
 * CpuConvolution splits batches into more parts than the CI machine has cores. Every geometry is checked twice:
 * inside a one-thread ForkJoinPool (a parallel stream started there runs all its parts on that one thread, one
 * after the other) and on the common pool. Prints each failure and exits 1 if there was any.
 */
public final class ConvOnManyCoresMain {

    private ConvOnManyCoresMain() {
    }

    public static void main(String[] args) throws Exception {
        List<Conv> geometries = new ArrayList<>();
        for (Conv g : CpuConvolutionTest.GEOMETRIES) {
            if (g.n() > 1) {
                geometries.add(g);
            }
        }
        geometries.add(CpuConvolutionTest.WORKLOADS[0]);
        geometries.add(new Conv(7, 3, 9, 8, 4, 3, 3, 1, 2, 1, 0));
        geometries.add(new Conv(9, 2, 5, 6, 3, 2, 3, 1, 1, 0, 1)); // more samples than parts
        int failures = 0;
        ForkJoinPool one = new ForkJoinPool(1);
        try {
            for (String where : new String[] {"one-thread pool", "common pool"}) {
                for (Conv g : geometries) {
                    for (DType dt : DType.values()) {
                        Runnable check = () -> CpuConvolutionTest.checkAll(g, dt, 85);
                        try {
                            if (where.equals("common pool")) {
                                check.run();
                            } else {
                                one.submit(check).get();
                            }
                        } catch (Throwable t) {
                            // ForkJoinTask.get() may rethrow a message-less copy whose cause is the original
                            Throwable cause = t;
                            while (cause.getCause() != null
                                    && (cause.getMessage() == null || cause.getMessage().isEmpty()
                                    || cause instanceof java.util.concurrent.ExecutionException)) {
                                cause = cause.getCause();
                            }
                            failures++;
                            String msg = cause instanceof AssertionError ? cause.getMessage() : cause.toString();
                            String[] lines = String.valueOf(msg).strip().split("\n");
                            System.out.println("FAIL (" + Runtime.getRuntime().availableProcessors() + " processors, "
                                    + where + "): " + lines[0] + (lines.length > 1 ? "\n" + lines[1] : ""));
                            if (!(cause instanceof AssertionError)) {
                                cause.printStackTrace(System.out);
                            }
                        }
                    }
                }
            }
        } finally {
            one.shutdown();
        }
        System.out.println(failures == 0 ? "OK" : failures + " failures");
        System.exit(failures == 0 ? 0 : 1);
    }
}
