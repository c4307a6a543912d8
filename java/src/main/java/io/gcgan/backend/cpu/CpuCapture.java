package io.gcgan.backend.cpu;

import io.gcgan.backend.CaptureOrder;
import io.gcgan.backend.CapturedCalls;
import io.gcgan.backend.Storage;
import io.gcgan.backend.StorageChecks;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
     * By address (not storage identity: a decorating backend hands this one new Storage and Lifetime objects): the
     * storages allocated while recording, those of them whose scope closed while recording, and the captures whose
     * storages the recorded calls use before those captures have been replayed.
     */
    private final Set<Long> own = new HashSet<>();
    private final Set<Long> freedWhileRecording = new HashSet<>();
    private final Set<CpuCapture> readsFrom = ConcurrentHashMap.newKeySet();
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
        if (s.numel() == 0) {
            return;
        }
        long address = s.segment().address();
        own.add(address);
        if (s.lifetime().scoped()) {
            s.lifetime().onClose(() -> scopeClosed(address));
        }
    }

    private synchronized void scopeClosed(long address) {
        if (recording) {
            freedWhileRecording.add(address);
        }
    }

    /**
     * Applies this capture's rules to a call of {@code op} on {@code used} (null entries skipped), made while
     * {@code recordingInto} records (null: the call runs now). Refused, as a CUDA graph capture cannot make them: a
     * call on a storage of this capture freed inside the recording (its scope closed while recording), and a call run
     * now on a storage of this capture before its first replay (a graph makes its allocations when launched). A call
     * recorded into another capture on such a storage makes that capture's replays wait for this one's first.
     */
    void checkUse(String op, CpuCapture recordingInto, Storage... used) {
        boolean readByOther = false;
        synchronized (this) {
            for (Storage s : used) {
                if (s == null || s.numel() == 0) {
                    continue;
                }
                long address = s.segment().address();
                if (freedWhileRecording.contains(address)) {
                    throw StorageChecks.usedAfterScope(op, s, " (it was freed inside a recording, as a CUDA graph"
                            + " does)");
                }
                if (!recording && replays == 0 && own.contains(address)) {
                    if (recordingInto == null) {
                        throw new IllegalStateException(op + ": a " + s.numel() + " x " + s.dtype().displayName()
                                + " storage on " + s.backend().device() + " was made by a recording that has not"
                                + " been replayed yet: it holds nothing before the first replay (a CUDA graph"
                                + " makes it then)");
                    }
                    readByOther |= recordingInto != this;
                }
            }
        }
        if (readByOther) {
            recordingInto.readsFrom.add(this);
        }
    }

    void add(Runnable call) {
        recorded.add(call);
    }

    /** Recording is over: the backend runs calls again. */
    synchronized void finish() {
        recording = false;
    }

    private void refuseWhileAnotherRecords(String what) {
        CaptureOrder.refuseWhileAnotherRecords(what, this, backend.recordingCapture(), backend.device());
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
        CaptureOrder.refuseUnmadeInputs(readsFrom);
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
    public boolean isClosed() {
        return closed;
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
                freedWhileRecording.clear();
            }
            readsFrom.clear();
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "CpuCapture[" + recorded.size() + " calls, " + replays + " replays" + (closed ? ", closed" : "") + "]";
    }
}
