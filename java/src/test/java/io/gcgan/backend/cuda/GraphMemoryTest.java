package io.gcgan.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.cuda.GraphMemory.Free;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link GraphMemory}: what a free must do, before, during and after captures, and what a capture's close frees. */
class GraphMemoryTest {

    private final Object a = new Object();
    private final Object b = new Object();
    private final GraphMemory<Object> m = new GraphMemory<>();

    @Test
    void withoutACaptureEveryFreeIsMadeNow() {
        m.allocated(0x100, 64);
        assertEquals(Free.NOW, m.free(0x100));
        assertEquals(Free.NOW, m.free(0x200)); // not even known
        assertNull(m.recording());
    }

    @Test
    void whileRecordingItsOwnAllocationsAreFreedInTheGraphAndOlderMemoryIsDeferred() {
        m.allocated(0x100, 64); // before the capture
        m.recordInto(a);
        assertSame(a, m.recording());
        m.allocated(0x200, 32);
        assertEquals(Free.NOW, m.free(0x200));   // a free node inside graph a
        assertEquals(Free.DEFER, m.free(0x100)); // graph a may read it in every replay
        m.recordInto(null);
        assertEquals(List.of(), m.release(a), "freed inside its graph: nothing left for the close");
    }

    @Test
    void afterRecordingAGraphKeepsItsAllocationsUntilItsCaptureReleasesThem() {
        m.recordInto(a);
        m.allocated(0x300, 16);
        m.allocated(0x400, 8);
        m.recordInto(null);
        assertEquals(Free.IGNORE, m.free(0x300)); // a scope closing after the capture
        m.recordInto(b);
        assertEquals(Free.IGNORE, m.free(0x400), "graph b's code must not free graph a's allocation");
        m.allocated(0x500, 4);
        m.recordInto(null);
        List<long[]> released = m.release(a);
        assertEquals(2, released.size());
        long[][] sorted = released.stream().sorted((x, y) -> Long.compare(x[0], y[0])).toArray(long[][]::new);
        assertArrayEquals(new long[] {0x300, 16}, sorted[0]);
        assertArrayEquals(new long[] {0x400, 8}, sorted[1]);
        assertEquals(List.of(), m.release(a), "released once");
        assertEquals(Free.NOW, m.free(0x300), "a released address is ordinary memory again");
        assertEquals(1, m.release(b).size());
    }
    @Test
    void replacedMemoryWaitsForTheLastOpenCaptureToClose() {
        assertFalse(m.deferUntilCapturesClose(0x600, 2), "no capture open: free now");
        m.recordInto(a);
        m.recordInto(null);
        m.recordInto(b);
        m.recordInto(null); // a and b recorded, both open
        assertTrue(m.deferUntilCapturesClose(0x700, 64));
        assertEquals(List.of(), m.closed(), "b is still open");
        List<long[]> due = m.closed();
        assertEquals(1, due.size());
        assertArrayEquals(new long[] {0x700, 64}, due.get(0));
        assertFalse(m.deferUntilCapturesClose(0x800, 8));
        assertThrows(IllegalStateException.class, m::closed, "more closes than captures");
    }
}
