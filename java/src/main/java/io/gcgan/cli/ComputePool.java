package io.gcgan.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;

/**
 * Runs a long computation (a training run) as one task of a dedicated {@link ForkJoinPool} with one worker per
 * core, instead of on the caller with the common pool's workers.
 *
 * <p>History: it was added while the CPU backend kept its im2col workspaces in thread-locals, which the JDK's
 * common-pool workers erase between tasks (a fresh arena leaked per convolution). The backend now owns its
 * workspaces per call and part, so this pool is no longer needed for memory; it only keeps a run's parallel
 * loops on workers of its own. Candidate for removal.
 */
final class ComputePool {

    /** One pool for the process (daemon workers), so that its workers' workspaces serve every run. */
    private static final ForkJoinPool POOL = new ForkJoinPool(Math.max(1, Runtime.getRuntime().availableProcessors()));

    private ComputePool() {
    }

    /** Runs {@code task} as one task of the pool and returns its result (rethrowing what it threw). */
    static <T> T run(Callable<T> task) throws Exception {
        Future<T> f = POOL.submit(task);
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw e;
        }
    }
}
