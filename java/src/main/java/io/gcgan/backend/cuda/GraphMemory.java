package io.gcgan.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which device allocations belong to CUDA graphs, and so what a free of each must do ({@link DevicePool}; the rules
 * are {@link CudaGraphCapture}'s). Pure bookkeeping, no CUDA call, so that the rules are tested on any machine.
 *
 * <ul>
 *   <li>While a capture records, every allocation is a graph allocation of it.</li>
 *   <li>A free of a graph allocation of the capture recording now is made now: captured, it frees the memory inside
 *       the graph, so later allocations of the same replay may reuse it.</li>
 *   <li>A free of a graph allocation of a capture that has stopped recording is ignored: the graph makes the
 *       allocation again at each launch, at the same address, and the capture frees it when it closes
 *       ({@link #release}).</li>
 *   <li>A free of other memory while a capture records is deferred to that capture's close: the graph may read it in
 *       every replay.</li>
 *   <li>Otherwise a free is made now, except for memory a backend replaces while graphs that may use it are open (a
 *       workspace): it waits until the last open capture closes.</li>
 * </ul>
 * Not thread-safe: the pool calls it under its lock.
 *
 * @param <C> what identifies a capture
 */
final class GraphMemory<C> {

    /** What a free must do. */
    enum Free { NOW, IGNORE, DEFER }

    private record Owned<C>(C capture, long bytes) {
    }

    private final Map<Long, Owned<C>> owned = new ConcurrentHashMap<>();
    private volatile C recording;
    private int open;                                        // captures recording or recorded, not yet closed
    private final List<long[]> afterCaptures = new ArrayList<>(); // {address, bytes} to free when none is open

    /**
     * From now on allocations belong to {@code capture} (null: to no graph). A capture given here counts as open until
     * {@link #closed}.
     */
    void recordInto(C capture) {
        if (capture != null) {
            open++;
        }
        recording = capture;
    }

    /**
     * Whether memory that open captures' graphs may use (a buffer a backend replaces) must wait: true, and it is kept
     * for {@link #closed}, while a capture is open; false when it may be freed now.
     */
    boolean deferUntilCapturesClose(long address, long bytes) {
        if (open == 0) {
            return false;
        }
        afterCaptures.add(new long[] {address, bytes});
        return true;
    }

    /** A capture closed: what {@link #deferUntilCapturesClose} kept, to free now, once the last open one closes. */
    List<long[]> closed() {
        if (open == 0) {
            throw new IllegalStateException("GraphMemory.closed: no capture is open");
        }
        if (--open > 0) {
            return List.of();
        }
        List<long[]> due = new ArrayList<>(afterCaptures);
        afterCaptures.clear();
        return due;
    }

    /** The capture recording now, or null. */
    C recording() {
        return recording;
    }

    /** Notes a new allocation (a graph allocation while a capture records). */
    void allocated(long address, long bytes) {
        C r = recording;
        if (r != null) {
            owned.put(address, new Owned<>(r, bytes));
        }
    }

    /** What a free of {@code address} must do now (a graph allocation freed now is forgotten). */
    Free free(long address) {
        Owned<C> o = owned.get(address);
        C r = recording;
        if (o != null) {
            if (o.capture() != r) {
                return Free.IGNORE;
            }
            owned.remove(address);
            return Free.NOW;
        }
        return r != null ? Free.DEFER : Free.NOW;
    }

    /** Forgets {@code capture}'s graph allocations that its graph did not free, returning them as {address, bytes}. */
    List<long[]> release(C capture) {
        List<long[]> out = new ArrayList<>();
        for (Map.Entry<Long, Owned<C>> e : owned.entrySet()) {
            if (e.getValue().capture() == capture && owned.remove(e.getKey(), e.getValue())) {
                out.add(new long[] {e.getKey(), e.getValue().bytes()});
            }
        }
        return out;
    }
}
