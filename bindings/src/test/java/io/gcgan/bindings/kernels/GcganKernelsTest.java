package io.gcgan.bindings.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gcgan.bindings.CudaAvailability;
import io.gcgan.bindings.NativeLibrary.Candidate;
import io.gcgan.bindings.NativeLibrary.Loaded;
import io.gcgan.bindings.NativeLibraryException;
import io.gcgan.bindings.SymbolList;
import io.gcgan.bindings.Toolchain;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libgcgan_kernels: the symbol list covers the whole header; the loader searches the documented places and names
 * them all when it fails; and, where the library has been built (CMake, see GcganKernelsLoader), the functions that
 * need no GPU work through the binding and a failing call becomes a GcganKernelException with the library's message.
 *
 * <p>Which library file is used: -Dgcgan.kernels.library=PATH (Maven passes -D properties to the tests), else the
 * loader's own search (next to the bindings classes, then build/cmake under the working directory and its parents,
 * where .ci/run builds it). Tests that need the file skip with the loader's message when there is none.
 */
class GcganKernelsTest {

    // ---- the symbol list against the header -------------------------------------------------------------------

    @Test
    void everyFunctionOfTheHeaderIsListed() throws IOException {
        Optional<Path> root = Toolchain.repositoryRoot();
        assertTrue(root.isPresent(), "kernels/include/gcgan_kernels.h not found above " + Path.of("").toAbsolutePath());
        String header = Files.readString(root.get().resolve("kernels/include/gcgan_kernels.h"))
                .replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");
        Matcher m = Pattern.compile("GCGAN_API\\s+[^;(]*?\\b(gcgan_\\w+)\\s*\\(").matcher(header);
        List<String> declared = new ArrayList<>();
        while (m.find()) {
            declared.add(m.group(1));
        }
        assertFalse(declared.isEmpty(), "no GCGAN_API function found in gcgan_kernels.h");
        assertEquals(new TreeSet<>(declared), new TreeSet<>(SymbolList.of(GcganKernels.class).functions()),
                "functions declared in gcgan_kernels.h vs listed in io/gcgan/bindings/kernels/symbols.txt");
    }

    // ---- the loader's search, without loading anything --------------------------------------------------------

    @Test
    void theSearchOrderIsPropertyOnlyWhenSet() {
        List<Candidate> c = GcganKernelsLoader.candidates("/configured/libgcgan_kernels.so",
                Map.of(GcganKernelsLoader.LIBRARY_ENV, "/elsewhere/libgcgan_kernels.so"), Path.of("/jar/dir/b.jar"),
                Path.of("/a/b"));
        assertEquals(1, c.size(), c.toString());
        assertEquals("/configured/libgcgan_kernels.so", c.getFirst().nameOrPath());
        assertTrue(c.getFirst().origin().contains(GcganKernelsLoader.LIBRARY_PROPERTY));

        List<Candidate> e = GcganKernelsLoader.candidates(null,
                Map.of(GcganKernelsLoader.LIBRARY_ENV, "/elsewhere/libgcgan_kernels.so"), null, Path.of("/a/b"));
        assertEquals(List.of("/elsewhere/libgcgan_kernels.so"), e.stream().map(Candidate::nameOrPath).toList());
    }

    @Test
    void theDefaultSearchIsNextToTheJarThenBuildFoldersUpwards() {
        List<Candidate> c = GcganKernelsLoader.candidates(null, Map.of(), Path.of("/jar/dir/gcgan-bindings.jar"),
                Path.of("/a/b"));
        assertEquals(List.of("/jar/dir/libgcgan_kernels.so", "/a/b/build/cmake/libgcgan_kernels.so",
                        "/a/build/cmake/libgcgan_kernels.so", "/build/cmake/libgcgan_kernels.so"),
                c.stream().map(Candidate::nameOrPath).toList());
    }

    @Test
    void aFailedSearchNamesEveryPlaceTried(@TempDir Path dir) {
        List<Candidate> candidates = GcganKernelsLoader.candidates(null, Map.of(), dir.resolve("x.jar"),
                dir.resolve("module"));
        NativeLibraryException e = assertThrows(NativeLibraryException.class,
                () -> GcganKernelsLoader.load(candidates));
        assertEquals(candidates.size(), e.attempts().size(), e.getMessage());
        for (Candidate candidate : candidates) {
            assertTrue(e.getMessage().contains(candidate.nameOrPath()), e.getMessage());
        }
        assertTrue(e.getMessage().contains("-D" + GcganKernelsLoader.LIBRARY_PROPERTY), e.getMessage());
    }

    // ---- the built library ------------------------------------------------------------------------------------

    /** The library file: the configured one, else the loader's search; skips the test when there is none. */
    private static Path libraryFile() {
        Optional<NativeLibraryException> failure = GcganKernelsLoader.library().loadFailure();
        assumeTrue(failure.isEmpty(), () -> "libgcgan_kernels.so is not built or not found (build it with CMake,"
                + " or pass -D" + GcganKernelsLoader.LIBRARY_PROPERTY + "=PATH): " + failure.get().getMessage());
        return Path.of(GcganKernelsLoader.loaded().source());
    }

    @Test
    @SuppressWarnings("restricted")
    void loadingFromAConfiguredPathWorks() throws Throwable {
        Path file = libraryFile();
        List<Candidate> configured = GcganKernelsLoader.candidates(file.toString(), Map.of(), null, Path.of(""));
        Loaded loaded = GcganKernelsLoader.load(configured);
        assertEquals(file.toAbsolutePath().normalize().toString(), loaded.source());
        // A downcall through the freshly loaded lookup, with the binding's descriptor.
        MethodHandle abi = Linker.nativeLinker().downcallHandle(
                loaded.symbols().find("gcgan_abi_version").orElseThrow(), GcganKernels.gcgan_abi_version$descriptor());
        assertEquals(GcganKernels.GCGAN_ABI_VERSION, (int) abi.invokeExact());
    }

    @Test
    void theFunctionsThatNeedNoGpuWork() {
        libraryFile();
        assertEquals(2, GcganKernels.gcgan_abi_version());
        assertEquals(GcganKernels.GCGAN_ABI_VERSION, GcganKernels.gcgan_abi_version());
        assertEquals("GCGAN_ERR_INVALID_ARGUMENT: invalid argument",
                GcganKernels.gcgan_status_string(GcganKernels.GCGAN_ERR_INVALID_ARGUMENT));
        assertEquals("GCGAN_OK: success", GcganKernels.gcgan_status_string(GcganKernels.GCGAN_OK));
        assertEquals("unknown gcgan_status", GcganKernels.gcgan_status_string(12345));
        GcganKernelException.check(GcganKernels.GCGAN_OK, "nothing"); // no exception
    }

    @Test
    void anInvalidArgumentBecomesAnExceptionWithTheLibrarysMessage() {
        libraryFile();
        // n < 0 is rejected before any CUDA call, so this needs no GPU.
        int status = GcganKernels.gcgan_random_uniform_f32(MemorySegment.NULL, -1, 42, 0, MemorySegment.NULL);
        assertEquals(GcganKernels.GCGAN_ERR_INVALID_ARGUMENT, status);
        GcganKernelException e = assertThrows(GcganKernelException.class,
                () -> GcganKernelException.check(status, "gcgan_random_uniform_f32(n=-1)"));
        assertEquals("gcgan_random_uniform_f32(n=-1) failed with GCGAN_ERR_INVALID_ARGUMENT: invalid argument (1):"
                + " gcgan_random_uniform_f32: n = -1 must be >= 0", e.getMessage());
        assertEquals(GcganKernels.GCGAN_ERR_INVALID_ARGUMENT, e.status());
        assertEquals("gcgan_random_uniform_f32: n = -1 must be >= 0", e.nativeMessage());
        assertEquals("libgcgan_kernels", e.library());
    }

    @Test
    void busyWaitRejectsANegativeOrTooLongWaitBeforeAnyCudaCall() {
        libraryFile();
        assertEquals(GcganKernels.GCGAN_OK, GcganKernels.gcgan_busy_wait(0, MemorySegment.NULL), "0 ns: nothing");
        for (long ns : new long[] {-1, 10_000_000_001L}) {
            int status = GcganKernels.gcgan_busy_wait(ns, MemorySegment.NULL);
            assertEquals(GcganKernels.GCGAN_ERR_INVALID_ARGUMENT, status);
            GcganKernelException e = assertThrows(GcganKernelException.class,
                    () -> GcganKernelException.check(status, "gcgan_busy_wait"));
            assertEquals("gcgan_busy_wait: nanoseconds = " + ns + " must be in [0, 10000000000]", e.nativeMessage());
        }
    }

    @Test
    void batchNormRejectsBadSizesAndEpsBeforeAnyCudaCall() {
        libraryFile();
        // Checked before anything is launched or allocated, so no GPU is needed; the pointers are never read.
        MemorySegment p = MemorySegment.ofAddress(4096);
        MemorySegment none = MemorySegment.NULL;
        int status = GcganKernels.gcgan_batchnorm_forward_f32(p, none, none, 0, 3, 5, 1e-5, p, p, p, none, none, 0.1,
                none);
        assertEquals(GcganKernels.GCGAN_ERR_INVALID_ARGUMENT, status);
        assertEquals("gcgan_batchnorm_forward_f32: n = 0, c = 3, s = 5 must all be >= 1",
                GcganKernels.gcgan_last_error_message());
        status = GcganKernels.gcgan_batchnorm_forward_f64(p, none, none, 2, 3, 5, Double.NaN, p, p, p, none, none, 0,
                none);
        assertEquals(GcganKernels.GCGAN_ERR_INVALID_ARGUMENT, status);
        assertEquals("gcgan_batchnorm_forward_f64: eps = nan must be finite and >= 0",
                GcganKernels.gcgan_last_error_message());
        status = GcganKernels.gcgan_batchnorm_backward_f32(p, p, none, p, none, 2, 3, 5, 1e-5, p, none, none, none);
        assertEquals(GcganKernels.GCGAN_ERR_INVALID_ARGUMENT, status);
        assertEquals("gcgan_batchnorm_backward_f32: mean is NULL",
                GcganKernels.gcgan_last_error_message());
        status = GcganKernels.gcgan_batchnorm_backward_f64(p, p, p, p, none, 1L << 20, 1L << 20, 1L << 20, 1e-5, p,
                none, none, none);
        assertEquals(GcganKernels.GCGAN_ERR_INVALID_ARGUMENT, status);
        assertTrue(GcganKernels.gcgan_last_error_message().contains("exceeds 2^54"),
                GcganKernels.gcgan_last_error_message());
        // Nothing wanted: nothing launched, no error (the Java backend rejects this case before the call).
        assertEquals(GcganKernels.GCGAN_OK,
                GcganKernels.gcgan_batchnorm_backward_f64(p, p, p, p, none, 2, 3, 5, 1e-5, none, none, none, none));
    }

    @Test
    void batchNormRejectsBadRunningStatisticsBeforeAnyCudaCall() {
        libraryFile();
        // As above: checked before anything is launched, the pointers are never read.
        MemorySegment p = MemorySegment.ofAddress(4096);
        MemorySegment r = MemorySegment.ofAddress(8192);
        MemorySegment none = MemorySegment.NULL;
        int status = GcganKernels.gcgan_batchnorm_forward_f32(p, none, none, 2, 3, 5, 1e-5, p, p, p, r, none, 0.1,
                none);
        assertEquals(GcganKernels.GCGAN_ERR_INVALID_ARGUMENT, status);
        assertEquals("gcgan_batchnorm_forward_f32: running_mean and running_var must both be given or both be NULL,"
                + " got running_mean given, running_var NULL", GcganKernels.gcgan_last_error_message());
        status = GcganKernels.gcgan_batchnorm_forward_f64(p, none, none, 2, 3, 5, 1e-5, p, p, p, none, r, 0.1, none);
        assertEquals(GcganKernels.GCGAN_ERR_INVALID_ARGUMENT, status);
        assertEquals("gcgan_batchnorm_forward_f64: running_mean and running_var must both be given or both be NULL,"
                + " got running_mean NULL, running_var given", GcganKernels.gcgan_last_error_message());
        status = GcganKernels.gcgan_batchnorm_forward_f32(p, none, none, 2, 3, 5, 1e-5, p, p, p, r, r, Double.NaN,
                none);
        assertEquals(GcganKernels.GCGAN_ERR_INVALID_ARGUMENT, status);
        assertEquals("gcgan_batchnorm_forward_f32: momentum = nan must be in [0, 1]",
                GcganKernels.gcgan_last_error_message());
        status = GcganKernels.gcgan_batchnorm_forward_f64(p, none, none, 2, 3, 5, 1e-5, p, p, p, r, r, 1.5, none);
        assertEquals(GcganKernels.GCGAN_ERR_INVALID_ARGUMENT, status);
        assertEquals("gcgan_batchnorm_forward_f64: momentum = 1.5 must be in [0, 1]",
                GcganKernels.gcgan_last_error_message());
        status = GcganKernels.gcgan_batchnorm_forward_f64(p, none, none, 2, 3, 5, 1e-5, p, p, p, r, r, -0.25, none);
        assertEquals(GcganKernels.GCGAN_ERR_INVALID_ARGUMENT, status);
        assertEquals("gcgan_batchnorm_forward_f64: momentum = -0.25 must be in [0, 1]",
                GcganKernels.gcgan_last_error_message());
        // One element per channel: no unbiased variance (the count - 1 divisor is 0).
        status = GcganKernels.gcgan_batchnorm_forward_f32(p, none, none, 1, 3, 1, 1e-5, p, p, p, r, r, 0.1, none);
        assertEquals(GcganKernels.GCGAN_ERR_INVALID_ARGUMENT, status);
        assertEquals("gcgan_batchnorm_forward_f32: n * s = 1 (n = 1, s = 1) must be >= 2 to update the running"
                + " statistics", GcganKernels.gcgan_last_error_message());
    }

    @Test
    void squaredNormRejectsBadListsBeforeAnyCudaCall() {
        libraryFile();
        // Checked before anything is allocated or launched, so no GPU is needed; no device pointer is read.
        MemorySegment p = MemorySegment.ofAddress(4096);
        MemorySegment none = MemorySegment.NULL;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xs = arena.allocate(ValueLayout.ADDRESS, 3);
            MemorySegment counts = arena.allocate(ValueLayout.JAVA_LONG, 3);
            xs.setAtIndex(ValueLayout.ADDRESS, 0, p);
            xs.setAtIndex(ValueLayout.ADDRESS, 1, none);
            xs.setAtIndex(ValueLayout.ADDRESS, 2, p);
            counts.setAtIndex(ValueLayout.JAVA_LONG, 0, 10);
            counts.setAtIndex(ValueLayout.JAVA_LONG, 1, 0);  // NULL with no element: allowed
            counts.setAtIndex(ValueLayout.JAVA_LONG, 2, -1);
            int status = GcganKernels.gcgan_squared_norm_f32(xs, counts, 3, p, none);
            assertEquals(GcganKernels.GCGAN_ERR_INVALID_ARGUMENT, status);
            assertEquals("gcgan_squared_norm_f32: counts[2] = -1 must be >= 0", GcganKernels.gcgan_last_error_message());

            counts.setAtIndex(ValueLayout.JAVA_LONG, 1, 5);
            status = GcganKernels.gcgan_squared_norm_f64(xs, counts, 3, p, none);
            assertEquals(GcganKernels.GCGAN_ERR_INVALID_ARGUMENT, status);
            assertEquals("gcgan_squared_norm_f64: xs[1] is NULL with 5 elements",
                    GcganKernels.gcgan_last_error_message());

            status = GcganKernels.gcgan_squared_norm_f32(xs, counts, 1, none, none);
            assertEquals(GcganKernels.GCGAN_ERR_INVALID_ARGUMENT, status);
            assertEquals("gcgan_squared_norm_f32: out is NULL", GcganKernels.gcgan_last_error_message());

            status = GcganKernels.gcgan_squared_norm_f64(xs, counts, -2, p, none);
            assertEquals(GcganKernels.GCGAN_ERR_INVALID_ARGUMENT, status);
            assertEquals("gcgan_squared_norm_f64: count = -2 must be >= 0", GcganKernels.gcgan_last_error_message());

            status = GcganKernels.gcgan_squared_norm_f32(none, counts, 2, p, none);
            assertEquals(GcganKernels.GCGAN_ERR_INVALID_ARGUMENT, status);
            assertEquals("gcgan_squared_norm_f32: xs is NULL with count = 2", GcganKernels.gcgan_last_error_message());
            status = GcganKernels.gcgan_squared_norm_f32(xs, none, 2, p, none);
            assertEquals(GcganKernels.GCGAN_ERR_INVALID_ARGUMENT, status);
            assertEquals("gcgan_squared_norm_f32: counts is NULL with count = 2",
                    GcganKernels.gcgan_last_error_message());

            // More than 2^53 elements in all (each count alone is fine): rejected, nothing allocated.
            xs.setAtIndex(ValueLayout.ADDRESS, 1, p);
            counts.setAtIndex(ValueLayout.JAVA_LONG, 0, 1L << 52);
            counts.setAtIndex(ValueLayout.JAVA_LONG, 1, 1L << 52);
            counts.setAtIndex(ValueLayout.JAVA_LONG, 2, 1);
            status = GcganKernels.gcgan_squared_norm_f64(xs, counts, 3, p, none);
            assertEquals(GcganKernels.GCGAN_ERR_INVALID_ARGUMENT, status);
            assertEquals("gcgan_squared_norm_f64: tensors 0 .. 2 hold more than 2^53 elements in all"
                    + " (counts[2] = 1)", GcganKernels.gcgan_last_error_message());
        }
    }

    @Test
    void rectifierBackwardRejectsBadArgumentsBeforeAnyCudaCall() {
        libraryFile();
        // Checked before anything is launched, so no GPU is needed; the pointers are never read.
        MemorySegment p = MemorySegment.ofAddress(4096);
        MemorySegment none = MemorySegment.NULL;
        int status = GcganKernels.gcgan_rectifier_backward_f32(p, p, 1.0, 0.0, -1, p, none);
        assertEquals(GcganKernels.GCGAN_ERR_INVALID_ARGUMENT, status);
        assertEquals("gcgan_rectifier_backward_f32: n = -1 must be >= 0", GcganKernels.gcgan_last_error_message());
        status = GcganKernels.gcgan_rectifier_backward_f64(none, p, 1.0, 0.2, 7, p, none);
        assertEquals(GcganKernels.GCGAN_ERR_INVALID_ARGUMENT, status);
        assertEquals("gcgan_rectifier_backward_f64: x is NULL with 7 elements",
                GcganKernels.gcgan_last_error_message());
        status = GcganKernels.gcgan_rectifier_backward_f32(p, none, 1.0, 0.2, 3, p, none);
        assertEquals(GcganKernels.GCGAN_ERR_INVALID_ARGUMENT, status);
        assertEquals("gcgan_rectifier_backward_f32: g is NULL with 3 elements",
                GcganKernels.gcgan_last_error_message());
        status = GcganKernels.gcgan_rectifier_backward_f64(p, p, 1.0, 0.0, 1, none, none);
        assertEquals(GcganKernels.GCGAN_ERR_INVALID_ARGUMENT, status);
        assertEquals("gcgan_rectifier_backward_f64: out is NULL with 1 elements",
                GcganKernels.gcgan_last_error_message());
        // No element: nothing launched, no error, NULL pointers allowed.
        assertEquals(GcganKernels.GCGAN_OK,
                GcganKernels.gcgan_rectifier_backward_f32(none, none, 1.0, 0.0, 0, none, none));
        assertEquals(GcganKernels.GCGAN_OK,
                GcganKernels.gcgan_rectifier_backward_f64(none, none, 1.0, 0.0, 0, none, none));
    }

    @Test
    void withoutAGpuALaunchFailsWithCudasMessage() {
        libraryFile();
        CudaAvailability.Report report = CudaAvailability.probe();
        assumeTrue(!report.available(CudaAvailability.Component.DEVICE),
                "a CUDA device is present: a launch would run (the GPU tests cover that)");
        assumeTrue(report.available(CudaAvailability.Component.CUDA_RUNTIME), report.reason());
        // With no usable device the launch fails before anything reads `out`, which is never dereferenced.
        int status = GcganKernels.gcgan_random_normal_f64(MemorySegment.ofAddress(4096), 10, 1, 0, MemorySegment.NULL);
        GcganKernelException e = assertThrows(GcganKernelException.class,
                () -> GcganKernelException.check(status, "gcgan_random_normal_f64"));
        assertEquals(GcganKernels.GCGAN_ERR_CUDA, e.status(), e.getMessage());
        assertTrue(e.nativeMessage().startsWith("gcgan_random_normal_f64: kernel launch: cudaError"), e.getMessage());
    }
}
