package io.gcgan.backend;

/**
 * A sequence of backend calls recorded between {@link Backend#beginCapture} and {@link Backend#endCapture}, to be
 * run again as a whole: on CUDA an instantiated CUDA graph (one launch replays every kernel, cuBLAS and cuDNN call of
 * the sequence, with none of the host work that queued them), on the CPU the recorded calls run in order.
 *
 * <p>A replay runs the calls with the arguments they were recorded with: the same storages (so it reads what they
 * hold when it runs and writes them again), the same shapes and scalars. Storage allocated during the capture and
 * still allocated when it ended keeps its address until this object is closed, whatever the scope it was allocated in
 * (on CUDA it is graph memory); its contents are those of the last replay, and it cannot be used before the first
 * ({@link Backend#beginCapture} has the memory rules). A replay or close while another capture records is refused.
 *
 * <p>Not thread-safe: one thread replays and closes it.
 */
public interface CapturedCalls extends AutoCloseable {

    /** Queues every recorded call once more, in order, on the backend that recorded them. */
    void replay();

    /** How many times {@link #replay} has run. */
    long replays();

    /** Frees what the capture holds (the graph, the memory allocated during the capture). Idempotent. */
    @Override
    void close();

    /** Whether {@link #close} has run. */
    boolean isClosed();
}
