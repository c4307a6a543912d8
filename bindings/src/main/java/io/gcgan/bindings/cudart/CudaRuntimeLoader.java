package io.gcgan.bindings.cudart;

import io.gcgan.bindings.NativeLibrary;
import io.gcgan.bindings.NativeLibrary.Candidate;
import io.gcgan.bindings.NativeLibrary.Loaded;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds and loads libcudart for {@link CudaRuntime} (hand-written; the binding class itself stays generated-style).
 *
 * <p>Where the library comes from, in order:
 * <ol>
 *   <li>If the system property {@value #LIBRARY_PROPERTY} (else the environment variable {@value #LIBRARY_ENV}) is
 *       set, exactly that: a path (it contains a '/') or a soname. No fallback.</li>
 *   <li>Otherwise the sonames {@link #SONAMES} in order, each through the dynamic linker's search (LD_LIBRARY_PATH,
 *       ld.so.cache, the default folders) and then under {@code $CUDA_HOME} and {@code $CUDA_PATH}
 *       ({@code lib64/}, {@code lib/}) when those are set.</li>
 * </ol>
 * A library older than CUDA 12.0 ({@link #MIN_RUNTIME_VERSION}) is rejected: the bound {@code cudaGraphInstantiate}
 * has the CUDA 12 signature.
 *
 * <p>libgcgan_kernels.so links libcudart.so.13 by soname, so with the default search both share the one runtime
 * that is loaded here; naming another libcudart through the property may load a second copy, with its own error
 * state.
 */
public final class CudaRuntimeLoader {

    /** System property naming the libcudart to load: a file path or a soname. */
    public static final String LIBRARY_PROPERTY = "gcgan.cudart.library";
    /** Environment variable read when {@link #LIBRARY_PROPERTY} is not set. */
    public static final String LIBRARY_ENV = "GCGAN_CUDART_LIBRARY";
    /** The sonames tried, newest first; the unversioned name is the toolkit's development link. */
    public static final List<String> SONAMES = List.of("libcudart.so.13", "libcudart.so.12", "libcudart.so");
    /** The oldest runtime accepted, as cudaRuntimeGetVersion reports it (1000 * major + 10 * minor). */
    public static final int MIN_RUNTIME_VERSION = 12000;

    static final List<String> HOME_VARS = List.of("CUDA_HOME", "CUDA_PATH");
    static final List<String> HOME_DIRS = List.of("lib64", "lib");
    private static final String NAME = "libcudart (CUDA runtime)";
    private static final String HINT = "Install the CUDA runtime (CUDA 12 or 13; it comes with the CUDA toolkit and"
            + " with the nvidia-cuda-runtime packages), or name one with -D" + LIBRARY_PROPERTY
            + "=/path/to/libcudart.so.13 (or the environment variable " + LIBRARY_ENV + ").";

    private static final NativeLibrary LIBRARY = new NativeLibrary(NAME, CudaRuntimeLoader::loadConfigured);

    private CudaRuntimeLoader() {
    }

    /** The process-wide libcudart, loaded on first use as the class comment says. */
    public static NativeLibrary library() {
        return LIBRARY;
    }

    /** The process-wide libcudart's symbols and file; throws NativeLibraryException when it cannot be loaded. */
    public static Loaded loaded() {
        return LIBRARY.loaded();
    }

    /** The places the class comment lists, for this process's properties and environment. */
    public static List<Candidate> candidates(Map<String, String> environment) {
        return NativeLibrary.standardCandidates(LIBRARY_PROPERTY, LIBRARY_ENV, SONAMES, HOME_VARS, HOME_DIRS,
                environment);
    }

    /** Searches the candidates (nothing cached) and returns the first accepted library. */
    public static Loaded loadConfigured() {
        return NativeLibrary.loadFirst(NAME, candidates(System.getenv()), CudaRuntimeLoader::rejection, HINT);
    }

    /** Null when {@code lookup} is a usable libcudart, else why not. */
    static String rejection(SymbolLookup lookup) {
        Optional<Integer> version = runtimeVersion(lookup);
        if (version.isEmpty()) {
            return "it does not export cudaRuntimeGetVersion (not a CUDA runtime?)";
        }
        if (version.get() < MIN_RUNTIME_VERSION) {
            return "it is CUDA runtime " + version.get() / 1000 + "." + version.get() % 1000 / 10
                    + "; gcgan needs CUDA 12.0 or newer";
        }
        return null;
    }

    /** cudaRuntimeGetVersion of an opened library, through a one-off downcall (needs no driver). */
    @SuppressWarnings("restricted")
    static Optional<Integer> runtimeVersion(SymbolLookup lookup) {
        Optional<MemorySegment> symbol = lookup.find("cudaRuntimeGetVersion");
        if (symbol.isEmpty()) {
            return Optional.empty();
        }
        MethodHandle handle = Linker.nativeLinker().downcallHandle(symbol.get(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment version = arena.allocate(ValueLayout.JAVA_INT);
            int status = (int) handle.invokeExact(version);
            return status == 0 ? Optional.of(version.get(ValueLayout.JAVA_INT, 0)) : Optional.empty();
        } catch (Throwable t) {
            return Optional.empty();
        }
    }
}
