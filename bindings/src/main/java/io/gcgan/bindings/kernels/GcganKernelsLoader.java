package io.gcgan.bindings.kernels;

import io.gcgan.bindings.NativeLibrary;
import io.gcgan.bindings.NativeLibrary.Candidate;
import io.gcgan.bindings.NativeLibrary.Loaded;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds and loads libgcgan_kernels.so for {@link GcganKernels} (hand-written; the binding class itself stays
 * generated-style).
 *
 * <p>Where the library comes from, in order:
 * <ol>
 *   <li>If the system property {@value #LIBRARY_PROPERTY} (else the environment variable {@value #LIBRARY_ENV}) is
 *       set, exactly that file (a path, relative ones to the working directory). No fallback: a library that was
 *       asked for and does not load is an error, not a reason to load some other, perhaps stale, build.</li>
 *   <li>Otherwise {@value #FILE} next to the bindings' classes: in the folder that holds the bindings jar, or in the
 *       class folder itself when the classes are not in a jar.</li>
 *   <li>Then the CMake build folder of the README, {@value #BUILD_DIR}/{@value #FILE}, under the working
 *       directory and under each of its parents in turn (so that tests run from a module folder find the
 *       repository's build).</li>
 * </ol>
 * A library whose {@code gcgan_abi_version()} differs from {@link GcganKernels#GCGAN_ABI_VERSION} is rejected (and
 * the search goes on). The failure message lists every place tried.
 *
 * <p>Loading needs no GPU: the library's dependency libcudart.so.13 loads without a driver, and
 * {@code gcgan_abi_version}, {@code gcgan_status_string} and {@code gcgan_last_error_message} touch no CUDA state.
 */
public final class GcganKernelsLoader {

    /** System property naming the library file to load. */
    public static final String LIBRARY_PROPERTY = "gcgan.kernels.library";
    /** Environment variable read when {@link #LIBRARY_PROPERTY} is not set. */
    public static final String LIBRARY_ENV = "GCGAN_KERNELS_LIBRARY";
    /** The library's file name. */
    public static final String FILE = "libgcgan_kernels.so";
    /** The CMake build folder the README builds into, relative to a repository root. */
    public static final String BUILD_DIR = "build/cmake";

    private static final String NAME = "libgcgan_kernels (gcgan's CUDA kernels)";
    private static final String HINT = "Build it with CMake from the repository root (cmake -S . -B " + BUILD_DIR
            + " && cmake --build " + BUILD_DIR + "; needs nvcc, no GPU), or name the file with -D" + LIBRARY_PROPERTY
            + "=/path/to/" + FILE + " (or the environment variable " + LIBRARY_ENV + ").";

    private static final NativeLibrary LIBRARY = new NativeLibrary(NAME, GcganKernelsLoader::loadConfigured);

    private GcganKernelsLoader() {
    }

    /** The process-wide libgcgan_kernels, loaded on first use as the class comment says. */
    public static NativeLibrary library() {
        return LIBRARY;
    }

    /** The process-wide library's symbols and file; throws NativeLibraryException when it cannot be loaded. */
    public static Loaded loaded() {
        return LIBRARY.loaded();
    }

    /** Searches the candidates for this process (nothing cached) and returns the first accepted library. */
    public static Loaded loadConfigured() {
        String configured = System.getProperty(LIBRARY_PROPERTY);
        return load(candidates(configured, System.getenv(), bindingsLocation(), Path.of("")));
    }

    /** Loads {@code file} alone (nothing cached), as if {@value #LIBRARY_PROPERTY} named it. */
    public static Loaded loadFrom(Path file) {
        return load(List.of(new Candidate("path", file.toString())));
    }

    static Loaded load(List<Candidate> candidates) {
        return NativeLibrary.loadFirst(NAME, candidates, GcganKernelsLoader::rejection, HINT);
    }

    /**
     * The places the class comment lists.
     *
     * @param property          the value of {@value #LIBRARY_PROPERTY}, or null
     * @param environment       the environment (for {@value #LIBRARY_ENV})
     * @param bindingsLocation  the jar or class folder holding the bindings, or null when unknown
     * @param workingDirectory  where the build-folder search starts
     */
    public static List<Candidate> candidates(String property, Map<String, String> environment, Path bindingsLocation,
                                             Path workingDirectory) {
        if (property != null && !property.isBlank()) {
            return List.of(new Candidate("system property " + LIBRARY_PROPERTY + " =", asPath(property.strip())));
        }
        String fromEnv = environment.get(LIBRARY_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return List.of(new Candidate("environment variable " + LIBRARY_ENV + " =", asPath(fromEnv.strip())));
        }
        List<Candidate> candidates = new ArrayList<>();
        if (bindingsLocation != null) {
            Path folder = Files.isDirectory(bindingsLocation) ? bindingsLocation : bindingsLocation.getParent();
            if (folder != null) {
                candidates.add(new Candidate("next to the bindings classes:", folder.resolve(FILE).toString()));
            }
        }
        for (Path dir = workingDirectory.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            candidates.add(new Candidate("CMake build folder:", dir.resolve(BUILD_DIR).resolve(FILE).toString()));
        }
        return candidates;
    }

    /** The user's value as an absolute path (a bare file name is a file in the working directory, not a soname). */
    private static String asPath(String value) {
        return Path.of(value).toAbsolutePath().normalize().toString();
    }

    /** The jar or class folder this class was loaded from, or null when the class loader does not say. */
    static Path bindingsLocation() {
        try {
            CodeSource source = GcganKernelsLoader.class.getProtectionDomain().getCodeSource();
            return source == null || source.getLocation() == null ? null : Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return null;
        }
    }

    static String rejection(SymbolLookup lookup) {
        Optional<Integer> version = abiVersion(lookup);
        if (version.isEmpty()) {
            return "it does not export gcgan_abi_version (not libgcgan_kernels?)";
        }
        if (version.get() != GcganKernels.GCGAN_ABI_VERSION) {
            return "its ABI version is " + version.get() + ", these bindings are for ABI version "
                    + GcganKernels.GCGAN_ABI_VERSION + " (rebuild the library or the bindings from one checkout)";
        }
        return null;
    }

    /** gcgan_abi_version() of an opened library, through a one-off downcall (touches no CUDA state). */
    @SuppressWarnings("restricted")
    static Optional<Integer> abiVersion(SymbolLookup lookup) {
        Optional<MemorySegment> symbol = lookup.find("gcgan_abi_version");
        if (symbol.isEmpty()) {
            return Optional.empty();
        }
        MethodHandle handle = Linker.nativeLinker().downcallHandle(symbol.get(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT));
        try {
            return Optional.of((int) handle.invokeExact());
        } catch (Throwable t) {
            return Optional.empty();
        }
    }
}
