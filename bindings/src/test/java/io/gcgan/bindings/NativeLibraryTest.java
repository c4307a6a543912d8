package io.gcgan.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.bindings.NativeLibrary.Candidate;
import io.gcgan.bindings.NativeLibrary.Loaded;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The shared loader: candidates in order, every failure named, a rejected library skipped, failures remembered. */
class NativeLibraryTest {

    // libc is on every Linux machine; its soname is the one the JDK's own process has loaded.
    private static final String LIBC = "libc.so.6";

    @Test
    void theFirstCandidateThatOpensWins() {
        Loaded loaded = NativeLibrary.loadFirst("libc", List.of(new Candidate("soname", "libgcgan-no-such-lib.so.1"),
                new Candidate("soname", LIBC)), null, "hint");
        assertEquals(LIBC, loaded.source());
        assertTrue(loaded.symbols().find("strlen").isPresent());
    }

    @Test
    void aFailureListsEveryCandidateWithTheLinkersReason() {
        NativeLibraryException e = assertThrows(NativeLibraryException.class, () -> NativeLibrary.loadFirst("libx",
                List.of(new Candidate("soname", "libgcgan-no-such-lib.so.1"),
                        new Candidate("path", "/nonexistent-gcgan/libx.so"),
                        new Candidate("soname", LIBC)), lookup -> "not the library we want", "the hint"));
        assertEquals(3, e.attempts().size(), e.getMessage());
        assertTrue(e.attempts().get(0).contains("libgcgan-no-such-lib.so.1: cannot open shared object file"),
                e.getMessage());
        assertEquals("path /nonexistent-gcgan/libx.so: no such file", e.attempts().get(1));
        assertEquals("soname libc.so.6: loaded but rejected: not the library we want", e.attempts().get(2));
        assertTrue(e.getMessage().startsWith("could not load libx; tried 3 places:"), e.getMessage());
        assertTrue(e.getMessage().endsWith("the hint"), e.getMessage());
    }

    @Test
    void theSearchRunsOnceAndAFailureIsRemembered() {
        AtomicInteger runs = new AtomicInteger();
        NativeLibrary lib = new NativeLibrary("libx", () -> {
            runs.incrementAndGet();
            return NativeLibrary.loadFirst("libx", List.of(), null, null);
        });
        NativeLibraryException first = assertThrows(NativeLibraryException.class, lib::loaded);
        NativeLibraryException second = assertThrows(NativeLibraryException.class, lib::loaded);
        assertEquals(first.getMessage(), second.getMessage());
        assertTrue(lib.tryLoaded().isEmpty());
        assertTrue(lib.loadFailure().isPresent());
        assertEquals(1, runs.get());
        assertThrows(NativeLibraryException.class, () -> lib.findOrNull("x"));
    }

    @Test
    void aMissingSymbolIsNullAndRequiredNamesIt() {
        NativeLibrary lib = new NativeLibrary("libc", () -> NativeLibrary.loadFirst("libc",
                List.of(new Candidate("soname", LIBC)), null, null));
        assertSame(lib.loaded(), lib.loaded());
        assertEquals(null, lib.findOrNull("gcgan_no_such_symbol"));
        assertTrue(lib.findOrNull("gcgan_no_such_symbol", "strlen") != null);
        UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class, () -> lib.required(null, "gcgan_x"));
        assertEquals("gcgan_x is not exported by libc.so.6", e.getMessage());
    }

    @Test
    void aConfiguredLibraryIsTheOnlyCandidate() {
        String property = "gcgan.test.library";
        System.setProperty(property, "/some/libx.so");
        try {
            List<Candidate> c = NativeLibrary.standardCandidates(property, "GCGAN_TEST_LIBRARY", List.of("libx.so.1"),
                    List.of("CUDA_HOME"), List.of("lib64"), Map.of("CUDA_HOME", "/cuda"));
            assertEquals(List.of(new Candidate("system property gcgan.test.library =", "/some/libx.so")), c);
        } finally {
            System.clearProperty(property);
        }
        List<Candidate> env = NativeLibrary.standardCandidates(property, "GCGAN_TEST_LIBRARY", List.of("libx.so.1"),
                List.of("CUDA_HOME"), List.of("lib64"), Map.of("GCGAN_TEST_LIBRARY", "libx.so.7"));
        assertEquals(List.of(new Candidate("environment variable GCGAN_TEST_LIBRARY =", "libx.so.7")), env);
    }
}
