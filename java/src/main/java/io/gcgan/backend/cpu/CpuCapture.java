package io.gcgan.backend.cpu;

import io.gcgan.backend.CapturedCalls;
import io.gcgan.backend.Lifetime;
import io.gcgan.backend.Storage;
import io.gcgan.backend.StorageChecks;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * {@link CpuBackend}'s capture: the recorded calls, each a closure over its arguments (arrays copied when recorded),
 * and the arena that storage allocated during the capture lives in, so that it keeps its memory, as CUDA graph memory
 * does, when the scope it was allocated in closes after the recording. A replay runs the closures in order; each is
 * the backend method itself, so it checks its arguments again and computes exactly what the uncaptured call would.
 *
 * <p>What a CUDA graph cannot do is refused here too ({@link #checkUse}), so that code that records and replays on
 * the CPU does so on a GPU: a storage allocated while recording whose scope closed while recording was freed inside
 * the graph (this capture keeps its memory, its closures hold the storages, but no later call may use it); and one
 * still allocated when recording ended does not exist before the first replay (a graph makes its allocations when
 * it is launched). A replay or close while another capture records is refused, as on CUDA.
 */
final class CpuCapture implements CapturedCalls {

    /** Whether this thread is running a replay's calls (they are checked when recorded, not again). */
    private static final ThreadLocal<Boolean> REPLAYING = ThreadLocal.withInitial(() -> false);

    private final CpuBackend backend;
    private final List<Runnable> recorded = new ArrayList<>();
    private final Arena arena = Arena.ofShared();
    /**
     * The addresses of the storages allocated while recording (addresses, not storage identities: a decorating
     * backend hands this one a new Storage record for each call).
     */
    private final Set<Long> own = new HashSet<>();
    /** The scopes that allocated while recording, and those of them that closed while recording. */
    private final Set<Lifetime> watched = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Lifetime> closedWhileRecording = Collections.newSetFromMap(new IdentityHashMap<>());
    private volatile boolean recording = true;
    private volatile boolean closed;
    private volatile long replays;

    CpuCapture(CpuBackend backend) {
        this.backend = backend;
    }

    /** The arena of storage allocated during the capture: closed with it. */
    Arena arena() {
        return arena;
    }

    /** Whether the current thread is running a replay. */
    static boolean replaying() {
        return REPLAYING.get();
    }

    /** {@code s} was allocated while recording: notes it, and whether its scope closes while recording. */
    synchronized void allocated(Storage s) {
        if (s.numel() > 0) {
            own.add(s.segment().address());
        }
        Lifetime lifetime = s.lifetime();
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
     * Refuses a call of {@code op} on {@code used} (null entries skipped) that a CUDA graph capture could not make:
     * one on a storage allocated while recording in a scope that closed while recording (freed inside the graph), and,
     * when {@code immediate} (the backend runs the call now, not recording it), one on a storage allocated while
     * recording before this capture's first replay (its graph allocation is made by the launch).
     */
    synchronized void checkUse(String op, boolean immediate, Storage... used) {
        for (Storage s : used) {
            if (s == null) {
                continue;
            }
            if (closedWhileRecording.contains(s.lifetime())) {
                throw StorageChecks.usedAfterScope(op, s, " (it was freed inside a recording, as a CUDA graph"
                        + " does)");
            }
            if (immediate && !recording && replays == 0 && s.numel() > 0 && own.contains(s.segment().address())) {
                throw new IllegalStateException(op + ": a " + s.numel() + " x " + s.dtype().displayName()
                        + " storage on " + s.backend().device() + " was made by a recording that has not been"
                        + " replayed yet: it holds nothing before the first replay (a CUDA graph makes it then)");
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

    /** Refuses {@code what} while another capture records: its calls would be recorded there instead of run. */
    private void refuseWhileAnotherRecords(String what) {
        CpuCapture r = backend.recordingCapture();
        if (r != null && r != this) {
            throw new IllegalStateException(what + ": another capture is recording on " + backend.device()
                    + "; end it first");
        }
    }

    @Override
    public void replay() {
        refuseWhileAnotherRecords("replay");
        if (closed) {
            throw new IllegalStateException("replay: this capture (" + recorded.size() + " CPU calls) is closed");
        }
        if (recording) {
            throw new IllegalStateException("replay: the capture is still recording (call endCapture first)");
        }
        REPLAYING.set(true);
        try {
            for (Runnable call : recorded) {
                call.run();
            }
        } finally {
            REPLAYING.set(false);
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
            refuseWhileAnotherRecords("close");
            closed = true;
            recording = false;
            backend.captureClosed(this);
            recorded.clear();
            synchronized (this) {
                own.clear();
            }
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "CpuCapture[" + recorded.size() + " calls, " + replays + " replays" + (closed ? ", closed" : "") + "]";
    }
}
