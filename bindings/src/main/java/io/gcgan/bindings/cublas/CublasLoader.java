package io.gcgan.bindings.cublas;

import io.gcgan.bindings.NativeLibrary;
import io.gcgan.bindings.NativeLibrary.Candidate;
import io.gcgan.bindings.NativeLibrary.Loaded;
import java.lang.foreign.SymbolLookup;
import java.util.List;
import java.util.Map;

/**
 * Finds and loads libcublas for {@link Cublas} (hand-written; the binding class itself stays generated-style).
 *
 * <p>Where the library comes from, in order:
 * <ol>
 *   <li>If the system property {@value #LIBRARY_PROPERTY} (else the environment variable {@value #LIBRARY_ENV}) is
 *       set, exactly that: a path (it contains a '/') or a soname. No fallback.</li>
 *   <li>Otherwise the sonames {@link #SONAMES} in order, each through the dynamic linker's search and then under
 *       {@code $CUDA_HOME} and {@code $CUDA_PATH} ({@code lib64/}, {@code lib/}) when those are set.</li>
 * </ol>
 * libcublas needs libcublasLt from the same release, which the dynamic linker finds through libcublas's RUNPATH or
 * the usual search; its major version should match the CUDA runtime's (cuBLAS 13 with libcudart.so.13).
 */
public final class CublasLoader {

    /** System property naming the libcublas to load: a file path or a soname. */
    public static final String LIBRARY_PROPERTY = "gcgan.cublas.library";
    /** Environment variable read when {@link #LIBRARY_PROPERTY} is not set. */
    public static final String LIBRARY_ENV = "GCGAN_CUBLAS_LIBRARY";
    /** The sonames tried, newest first; the unversioned name is the toolkit's development link. */
    public static final List<String> SONAMES = List.of("libcublas.so.13", "libcublas.so.12", "libcublas.so");

    private static final String NAME = "libcublas (cuBLAS)";
    private static final String HINT = "Install cuBLAS (CUDA 12 or 13: the CUDA toolkit, or the libcublas /"
            + " nvidia-cublas packages), or name it with -D" + LIBRARY_PROPERTY
            + "=/path/to/libcublas.so.13 (or the environment variable " + LIBRARY_ENV + ").";

    private static final NativeLibrary LIBRARY = new NativeLibrary(NAME, CublasLoader::loadConfigured);

    private CublasLoader() {
    }

    /** The process-wide libcublas, loaded on first use as the class comment says. */
    public static NativeLibrary library() {
        return LIBRARY;
    }

    /** The process-wide libcublas's symbols and file; throws NativeLibraryException when it cannot be loaded. */
    public static Loaded loaded() {
        return LIBRARY.loaded();
    }

    /** The places the class comment lists, for this process's properties and the given environment. */
    public static List<Candidate> candidates(Map<String, String> environment) {
        return NativeLibrary.standardCandidates(LIBRARY_PROPERTY, LIBRARY_ENV, SONAMES,
                List.of("CUDA_HOME", "CUDA_PATH"),
                List.of("lib64", "lib"), environment);
    }

    /** Searches the candidates (nothing cached) and returns the first accepted library. */
    public static Loaded loadConfigured() {
        return NativeLibrary.loadFirst(NAME, candidates(System.getenv()), CublasLoader::rejection, HINT);
    }

    static String rejection(SymbolLookup lookup) {
        return lookup.find("cublasCreate_v2").isPresent() ? null : "it does not export cublasCreate_v2 (not cuBLAS?)";
    }
}
