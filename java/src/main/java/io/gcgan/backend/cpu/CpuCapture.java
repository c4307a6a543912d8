package io.gcgan.backend.cpu;

import io.gcgan.backend.CapturedCalls;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link CpuBackend}'s capture: the recorded calls, each a closure over its arguments (arrays copied when recorded),
 * and the arena that storage allocated during the capture lives in, so that it keeps its memory, as CUDA graph memory
 * does, when the scope it was allocated in closes. A replay runs the closures in order; each is the backend method
 * itself, so it checks its arguments again and computes exactly what the uncaptured call would. Unlike a CUDA graph,
 * which frees inside the graph what the recorded code freed, it keeps every allocation of the recording until it is
 * closed: the recorded calls hold the storages themselves.
 */
final class CpuCapture implements CapturedCalls {

    private final List<Runnable> recorded = new ArrayList<>();
    private final Arena arena = Arena.ofShared();
    private boolean recording = true;
    private boolean closed;
    private long replays;

    /** The arena of storage allocated during the capture: closed with it. */
    Arena arena() {
        return arena;
    }

    void add(Runnable call) {
        recorded.add(call);
    }

    /** Recording is over: the backend runs calls again. */
    void finish() {
        recording = false;
    }

    @Override
    public void replay() {
        if (closed) {
            throw new IllegalStateException("replay: this capture (" + recorded.size() + " CPU calls) is closed");
        }
        if (recording) {
            throw new IllegalStateException("replay: the capture is still recording (call endCapture first)");
        }
        for (Runnable call : recorded) {
            call.run();
        }
        replays++;
    }

    @Override
    public long replays() {
        return replays;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            recorded.clear();
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "CpuCapture[" + recorded.size() + " calls, " + replays + " replays" + (closed ? ", closed" : "") + "]";
    }
}
