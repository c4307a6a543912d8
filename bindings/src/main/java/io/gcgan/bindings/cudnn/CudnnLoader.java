package io.gcgan.bindings.cudnn;

import io.gcgan.bindings.NativeLibrary;
import io.gcgan.bindings.NativeLibrary.Candidate;
import io.gcgan.bindings.NativeLibrary.Loaded;
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
 * Finds and loads libcudnn (cuDNN 9) for {@link Cudnn} (hand-written; the binding class itself stays
 * generated-style).
 *
 * <p>Where the library comes from, in order:
 * <ol>
 *   <li>If the system property {@value #LIBRARY_PROPERTY} (else the environment variable {@value #LIBRARY_ENV}) is
 *       set, exactly that: a path (it contains a '/') or a soname. No fallback.</li>
 *   <li>Otherwise the sonames {@link #SONAMES} in order, each through the dynamic linker's search and then under
 *       {@code $CUDNN_HOME}, {@code $CUDNN_PATH}, {@code $CUDA_HOME} and {@code $CUDA_PATH} ({@code lib64/},
 *       {@code lib/}) when those are set.</li>
 * </ol>
 * A library whose {@code cudnnGetVersion} is below 9.0 ({@link #MIN_VERSION}) is rejected: cuDNN 8 numbers its
 * statuses differently. libcudnn.so.9 is a small dispatcher that loads its sub-libraries (libcudnn_cnn.so.9, ...)
 * from its own folder on first use; a missing sub-library shows up as CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED from
 * the first call that needs it, not here.
 */
public final class CudnnLoader {

    /** System property naming the libcudnn to load: a file path or a soname. */
    public static final String LIBRARY_PROPERTY = "gcgan.cudnn.library";
    /** Environment variable read when {@link #LIBRARY_PROPERTY} is not set. */
    public static final String LIBRARY_ENV = "GCGAN_CUDNN_LIBRARY";
    /** The sonames tried; the unversioned name is the development link. */
    public static final List<String> SONAMES = List.of("libcudnn.so.9", "libcudnn.so");
    /** The oldest cuDNN accepted, as cudnnGetVersion reports it. */
    public static final long MIN_VERSION = 90000;

    private static final String NAME = "libcudnn (cuDNN 9)";
    private static final String HINT = "Install cuDNN 9 for the installed CUDA major version (the cudnn9-cuda-13 /"
            + " nvidia-cudnn packages), or name it with -D" + LIBRARY_PROPERTY
            + "=/path/to/libcudnn.so.9 (or the environment variable " + LIBRARY_ENV + "). gcgan runs without cuDNN:"
            + " it is only the second convolution implementation.";

    private static final NativeLibrary LIBRARY = new NativeLibrary(NAME, CudnnLoader::loadConfigured);

    private CudnnLoader() {
    }

    /** The process-wide libcudnn, loaded on first use as the class comment says. */
    public static NativeLibrary library() {
        return LIBRARY;
    }

    /** The process-wide libcudnn's symbols and file; throws NativeLibraryException when it cannot be loaded. */
    public static Loaded loaded() {
        return LIBRARY.loaded();
    }

    /** The places the class comment lists, for this process's properties and the given environment. */
    public static List<Candidate> candidates(Map<String, String> environment) {
        return NativeLibrary.standardCandidates(LIBRARY_PROPERTY, LIBRARY_ENV, SONAMES,
                List.of("CUDNN_HOME", "CUDNN_PATH", "CUDA_HOME", "CUDA_PATH"), List.of("lib64", "lib"), environment);
    }

    /** Searches the candidates (nothing cached) and returns the first accepted library. */
    public static Loaded loadConfigured() {
        return NativeLibrary.loadFirst(NAME, candidates(System.getenv()), CudnnLoader::rejection, HINT);
    }

    static String rejection(SymbolLookup lookup) {
        Optional<Long> version = version(lookup);
        if (version.isEmpty()) {
            return "it does not export cudnnGetVersion (not cuDNN?)";
        }
        if (version.get() < MIN_VERSION) {
            return "it is cuDNN version " + version.get() + "; gcgan binds the cuDNN 9 API";
        }
        return null;
    }

    /** cudnnGetVersion of an opened library, through a one-off downcall (needs no device). */
    @SuppressWarnings("restricted")
    static Optional<Long> version(SymbolLookup lookup) {
        Optional<MemorySegment> symbol = lookup.find("cudnnGetVersion");
        if (symbol.isEmpty()) {
            return Optional.empty();
        }
        MethodHandle handle = Linker.nativeLinker().downcallHandle(symbol.get(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG));
        try {
            return Optional.of((long) handle.invokeExact());
        } catch (Throwable t) {
            return Optional.empty();
        }
    }
}
