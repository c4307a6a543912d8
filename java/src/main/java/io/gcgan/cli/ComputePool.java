package io.gcgan.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;

/**
 * Runs a long computation (a training run) as one task of a dedicated {@link ForkJoinPool} with one worker per
 * core, instead of on the caller with the common pool's workers.
 *
 * <p>Why: the CPU backend splits its loops with parallel streams, which run in the pool of the calling
 * fork-join worker, else in the common pool, and keeps its scratch buffers (im2col columns) in per-thread
 * workspaces held in {@code ThreadLocal}s and allocated in shared arenas. The JDK's common-pool workers erase
 * their thread locals after each top-level task, so every convolution there started a fresh workspace and
 * the previous one's arena was never closed: about 200 MB of native memory per mnist28 training step, until
 * the machine ran out. Workers of an ordinary pool keep their thread locals, and the workspaces are reused.
 * (Reported to the backend's owner; this stays harmless once the backend no longer depends on it.)
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
