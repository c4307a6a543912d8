package io.gcgan.backend.cpu;

import io.gcgan.backend.CapturedCalls;
import io.gcgan.backend.Lifetime;
import io.gcgan.backend.Storage;
import io.gcgan.backend.StorageChecks;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * {@link CpuBackend}'s capture: the recorded calls, each a closure over its arguments (arrays copied when recorded),
 * and the arena that storage allocated during the capture lives in, so that it keeps its memory, as CUDA graph memory
 * does, when the scope it was allocated in closes after the recording. A replay runs the closures in order; each is
 * the backend method itself, so it checks its arguments again and computes exactly what the uncaptured call would.
 *
 * <p>A CUDA graph frees inside the graph what the recorded code freed (a scope that closed while recording), so a
 * later recorded call must not use it. This capture keeps that memory (its closures hold the storages), but refuses
 * such a call just the same ({@link #refuseFreed}), so that code recorded on the CPU records on a GPU.
 */
final class CpuCapture implements CapturedCalls {

    private final List<Runnable> recorded = new ArrayList<>();
    private final Arena arena = Arena.ofShared();
    /** The scopes that allocated while recording, and those of them that closed while recording. */
    private final Set<Lifetime> watched = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Lifetime> closedWhileRecording = Collections.newSetFromMap(new IdentityHashMap<>());
    private volatile boolean recording = true;
    private volatile boolean closed;
    private long replays;

    /** The arena of storage allocated during the capture: closed with it. */
    Arena arena() {
        return arena;
    }

    /** Storage was allocated in {@code lifetime} while recording: notes whether the scope closes while recording. */
    synchronized void allocatedIn(Lifetime lifetime) {
        if (lifetime.scoped() && watched.add(lifetime)) {
            lifetime.onClose(() -> scopeClosed(lifetime));
        }
    }

    private synchronized void scopeClosed(Lifetime lifetime) {
        if (recording) {
            closedWhileRecording.add(lifetime);
        }
    }

    /**
     * Refuses {@code op} when one of {@code used} (null entries skipped) was allocated while recording in a scope that
     * has closed since: a CUDA graph would have freed it inside the graph.
     */
    synchronized void refuseFreed(String op, Storage... used) {
        for (Storage s : used) {
            if (s != null && closedWhileRecording.contains(s.lifetime())) {
                throw StorageChecks.usedAfterScope(op, s, " (while recording: its memory is freed inside the"
                        + " recording, as a CUDA graph does)");
            }
        }
    }

    void add(Runnable call) {
        recorded.add(call);
    }

    /** Recording is over: the backend runs calls again. */
    synchronized void finish() {
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
