package io.gcgan.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;

import io.gcgan.backend.CaptureOrder;
import io.gcgan.backend.CapturedCalls;
import io.gcgan.backend.Lifetime;
import io.gcgan.backend.Storage;
import io.gcgan.backend.StorageChecks;
import io.gcgan.bindings.cudart.CudaException;
import io.gcgan.bindings.cudart.CudaRuntime;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * {@link CudaBackend}'s capture: the backend's stream captured into a CUDA graph, instantiated with
 * {@code cudaGraphInstantiateFlagAutoFreeOnLaunch}; a replay is one {@code cudaGraphLaunch} on the stream.
 *
 * <p><b>Memory.</b> Allocations made while recording are graph allocations ({@code cudaMallocAsync} under capture):
 * their addresses are fixed for the life of the graph. One freed while recording (a scope that closed inside the
 * captured code) is freed inside the graph, so later allocations of the same replay can reuse it. One still allocated
 * when recording ends stays allocated after each launch, until the next launch frees and makes it again at the same
 * address (AutoFreeOnLaunch): its contents are those of the last replay, readable between replays. The backend
 * ignores the scope's free of such an allocation ({@link DevicePool}); {@link #close} frees it. Storage allocated
 * before the capture and freed while recording is kept until close as well: the graph may read it in every replay.
 *
 * <p><b>Segments.</b> A storage's segment is what makes it usable from Java ({@code StorageChecks.alive}). For a graph
 * allocation in a scope, it belongs to an arena of this capture for that scope: closed when the scope closes while
 * recording (the memory was freed inside the graph, so a later recorded call must not use it), otherwise kept open
 * until {@link #close} (the storage stays readable between replays after its scope closed). Graph allocations of the
 * automatic lifetime live in this capture's own arena.
 *
 * <p><b>What the calls use.</b> The graph holds addresses, not storages: the capture keeps every storage that a
 * recorded call uses and that it did not allocate ({@link #retain}; the garbage collector cannot free those), and a
 * replay is refused when one of them has been freed since (its scope closed), as the CPU's replay fails. Before the
 * first launch the graph's allocations do not exist: a call outside the recording on one of them is refused
 * ({@link #refuseBeforeFirstLaunch}).
 */
final class CudaGraphCapture implements CapturedCalls {

    private final CudaDevice device;
    private final DevicePool pool;
    private final Arena arena = Arena.ofShared();
    /** Per scope that allocated while recording: the arena of its graph allocations' segments. */
    private final Map<Lifetime, Arena> scopeArenas = new IdentityHashMap<>();
    /**
     * The addresses of the graph allocations, and by address the other storages that recorded calls use. (Addresses,
     * not storage identities: a decorating backend hands this one a new Storage record for each call.)
     */
    private final Set<Long> own = new HashSet<>();
    private final Map<Long, Storage> retained = new HashMap<>();
    /** Captures whose graph allocations the recorded calls use and that had not been launched when recorded. */
    private final Set<CudaGraphCapture> readsFrom = ConcurrentHashMap.newKeySet();
    // {address, bytes}: pre-capture storage freed while recording (also by a Cleaner thread)
    private final Queue<long[]> deferredFrees = new ConcurrentLinkedQueue<>();
    private MemorySegment graph = MemorySegment.NULL;
    private MemorySegment exec = MemorySegment.NULL;
    private volatile boolean recording = true;
    private volatile boolean closed;
    private volatile long replays;

    CudaGraphCapture(CudaDevice device, DevicePool pool) {
        this.device = device;
        this.pool = pool;
    }

    /**
     * The segment of a graph allocation at {@code address} in {@code lifetime}: usable until this capture is closed,
     * or until the scope closes if it closes while recording (see the class comment).
     */
    @SuppressWarnings("restricted")
    synchronized MemorySegment segment(long address, Lifetime lifetime) {
        Arena owner = arena;
        if (lifetime.scoped()) {
            owner = scopeArenas.get(lifetime);
            if (owner == null) {
                owner = Arena.ofShared();
                scopeArenas.put(lifetime, owner);
                lifetime.onClose(() -> scopeClosed(lifetime));
            }
        }
        return MemorySegment.ofAddress(address).reinterpret(owner, null);
    }

    /** {@code s} is a graph allocation of this capture. */
    synchronized void allocated(Storage s) {
        own.add(s.segment().address());
    }

    /** Recorded calls use {@code storages} (null entries skipped): keeps those this capture did not allocate. */
    synchronized void retain(Storage... storages) {
        for (Storage s : storages) {
            if (s != null && s.numel() > 0 && !own.contains(s.segment().address())) {
                retained.putIfAbsent(s.segment().address(), s);
            }
        }
    }

    /** Whether this capture has been launched or closed: its graph allocations exist, or are no longer its. */
    boolean launchedOrClosed() {
        return replays > 0 || closed;
    }

    /**
     * A call of {@code op} on {@code storages} while this capture is not launched yet: refused when run now
     * ({@code recordingInto} null) on one of its graph allocations, which do not exist before the launch; recorded
     * into another capture, that capture's replays wait for this one's first.
     */
    void beforeFirstLaunch(String op, CudaGraphCapture recordingInto, Storage... storages) {
        boolean readByOther = false;
        synchronized (this) {
            if (replays > 0 || closed || recording) {
                return;
            }
            for (Storage s : storages) {
                if (s != null && s.numel() > 0 && own.contains(s.segment().address())) {
                    if (recordingInto == null) {
                        throw new IllegalStateException(op + ": a " + s.numel() + " x " + s.dtype().displayName()
                                + " storage on " + s.backend().device() + " was made by a recording that has not"
                                + " been replayed yet: it holds nothing before the first replay (a CUDA graph"
                                + " makes it then)");
                    }
                    readByOther = true;
                }
            }
        }
        if (readByOther && recordingInto != this) {
            recordingInto.readsFrom.add(this);
        }
    }

    /**
     * Refuses a replay that would use memory that does not exist: a storage the recorded calls use (not a graph
     * allocation of this capture) freed since, or a graph allocation of a capture not launched yet.
     */
    private synchronized void refuseFreedInputs() {
        CaptureOrder.refuseUnmadeInputs(readsFrom);
        for (Storage s : retained.values()) {
            if (!s.segment().scope().isAlive()) {
                throw StorageChecks.usedAfterScope("replay", s, " (the recorded calls use it: keep it until the"
                        + " capture is closed)");
            }
        }
    }

    /** A scope that allocated while recording closed: its storages end now if this capture is still recording. */
    private synchronized void scopeClosed(Lifetime lifetime) {
        if (recording && !closed) {
            scopeArenas.remove(lifetime).close();
        }
    }

    /**
     * The free that the scope of a storage allocated while recording runs when it closes: the pool's rules
     * ({@link GraphMemory}) while this capture is open, nothing once it is closed (it freed the memory already, and
     * the address may have been handed out again since).
     */
    void freeFromScope(long address, long bytes) {
        if (!closed) {
            pool.free(address, bytes);
        }
    }

    /** Storage allocated before the capture and freed while recording: freed by {@link #close}. */
    void deferFree(long address, long bytes) {
        deferredFrees.add(new long[] {address, bytes});
    }

    /**
     * Ends the stream capture (CudaBackend calls it under the pool's lock, before the pool forgets the capture). On
     * failure (a call during the capture failed or was not capturable, which invalidates the capture) the caller gets
     * a {@link CudaException} naming the cause, and must {@link #close} this capture once the pool has forgotten it.
     */
    void endStreamCapture() {
        recording = false;
        device.makeCurrent();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            int status = CudaRuntime.cudaStreamEndCapture(device.stream(), out);
            if (status != CudaRuntime.cudaSuccess) {
                CudaException.check(status, "cudaStreamEndCapture on cuda:" + device.index() + " (a call during the"
                        + " capture failed or cannot be captured: it waits for the device or allocates outside the"
                        + " stream; run the work once before capturing it, so that algorithms are chosen and"
                        + " workspaces exist)");
            }
            graph = out.get(ADDRESS, 0);
        }
    }

    /** Instantiates the graph {@link #endStreamCapture} made; on failure closes this capture and throws. */
    void instantiate() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            int status = CudaRuntime.cudaGraphInstantiate(out, graph,
                    CudaRuntime.cudaGraphInstantiateFlagAutoFreeOnLaunch);
            if (status != CudaRuntime.cudaSuccess) {
                close();
                CudaException.check(status, "cudaGraphInstantiate(AutoFreeOnLaunch) on cuda:" + device.index());
            }
            exec = out.get(ADDRESS, 0);
        }
    }

    /** Refuses {@code what} while another capture records: its stream work would become part of that graph. */
    private void refuseWhileAnotherRecords(String what) {
        CaptureOrder.refuseWhileAnotherRecords(what, this, pool.recordingCapture(), "cuda:" + device.index());
    }

    @Override
    public void replay() {
        refuseWhileAnotherRecords("replay");
        if (closed) {
            throw new IllegalStateException("replay: this CUDA graph capture on cuda:" + device.index() + " is closed");
        }
        if (recording) {
            throw new IllegalStateException("replay: the capture on cuda:" + device.index()
                    + " is still recording (call endCapture first)");
        }
        refuseFreedInputs();
        device.makeCurrent();
        CudaException.check(CudaRuntime.cudaGraphLaunch(exec, device.stream()),
                "cudaGraphLaunch on cuda:" + device.index() + " (replay " + (replays + 1) + ")");
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

    /**
     * Waits for the last replay, frees the graph's allocations that are still allocated and the storage whose free
     * was deferred, and destroys the graph.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        refuseWhileAnotherRecords("close");
        closed = true;
        recording = false;
        device.makeCurrent();
        RuntimeException failure = null;
        try {
            if (replays > 0) {
                device.synchronize();
            }
            pool.releaseGraph(this, replays > 0);
            for (long[] f : deferredFrees) {
                pool.free(f[0], f[1]);
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        if (!exec.equals(MemorySegment.NULL)) {
            int status = CudaRuntime.cudaGraphExecDestroy(exec);
            if (status != CudaRuntime.cudaSuccess && failure == null) {
                failure = CudaException.of(status, "cudaGraphExecDestroy on cuda:" + device.index());
            }
        }
        if (!graph.equals(MemorySegment.NULL)) {
            int status = CudaRuntime.cudaGraphDestroy(graph);
            if (status != CudaRuntime.cudaSuccess && failure == null) {
                failure = CudaException.of(status, "cudaGraphDestroy on cuda:" + device.index());
            }
        }
        synchronized (this) {
            for (Arena a : scopeArenas.values()) {
                a.close();
            }
            scopeArenas.clear();
            own.clear();
            retained.clear();
        }
        readsFrom.clear();
        arena.close();
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "CudaGraphCapture[cuda:" + device.index() + ", " + replays + " replays"
                + (recording ? ", recording" : "") + (closed ? ", closed" : "") + "]";
    }
}
