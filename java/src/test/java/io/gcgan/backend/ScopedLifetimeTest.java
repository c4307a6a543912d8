package io.gcgan.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link ScopedLifetime}: releases newest first, then its arena closes; shared and confined arenas. */
class ScopedLifetimeTest {

    @Test
    void runsItsReleasesNewestFirstAndClosesItsArena() {
        List<Integer> order = new ArrayList<>();
        ScopedLifetime lifetime = ScopedLifetime.confined();
        MemorySegment segment = lifetime.arena().allocate(8);
        lifetime.onClose(() -> order.add(1));
        lifetime.onClose(() -> order.add(2));
        assertTrue(lifetime.scoped());
        lifetime.close();
        assertEquals(List.of(2, 1), order);
        assertFalse(segment.scope().isAlive());
    }

    /**
     * A second close is refused (its arena is closed) without running the releases again: on a GPU each is a free,
     * and a second one would free memory that another allocation may hold by then.
     */
    @Test
    void aSecondCloseDoesNotRunTheReleasesAgain() {
        int[] runs = {0};
        ScopedLifetime lifetime = new ScopedLifetime();
        lifetime.onClose(() -> runs[0]++);
        lifetime.close();
        assertThrows(IllegalStateException.class, lifetime::close);
        assertEquals(1, runs[0], "releases run once");
    }

    @Test
    void aSharedLifetimesMemoryIsReadByOtherThreadsAConfinedOnesIsNot() throws Exception {
        try (ScopedLifetime shared = new ScopedLifetime(); ScopedLifetime confined = ScopedLifetime.confined()) {
            MemorySegment s = shared.arena().allocate(8);
            MemorySegment c = confined.arena().allocate(8);
            assertEquals(0L, CompletableFuture.supplyAsync(() -> s.get(ValueLayout.JAVA_LONG, 0))
                    .get());
            Throwable failure = CompletableFuture.runAsync(() -> c.get(ValueLayout.JAVA_LONG, 0))
                    .handle((v, e) -> e).get();
            assertInstanceOf(WrongThreadException.class, failure.getCause());
        }
    }
}
