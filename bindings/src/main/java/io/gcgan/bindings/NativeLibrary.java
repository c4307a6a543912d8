package io.gcgan.bindings;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A native library that is loaded once per process, on first use, from an ordered list of candidates; shared by
 * the loaders of libcudart, libcublas, libcudnn and libgcgan_kernels (hand-written; the binding classes that use it
 * stay generated-style).
 *
 * <p>Loading goes through {@link SymbolLookup#libraryLookup}. Each candidate is tried in order; one that does not
 * open is recorded with the dynamic linker's own reason (from {@code dlerror}), one that opens but is rejected by
 * the loader's check (too old, wrong ABI version) is recorded with the check's reason and unloaded again, and the
 * first accepted one wins. When none is accepted, {@link NativeLibraryException} lists every place tried. The
 * failure is remembered: later calls rethrow it (as a fresh exception) without searching again.
 *
 * <p>An accepted library is never unloaded (its arena is never closed): CUDA libraries keep threads and driver
 * state that must outlive every caller.
 */
@SuppressWarnings("restricted") // loading native libraries is this class's purpose
public final class NativeLibrary {

    /** A loaded library: its symbols, and where it came from (for logs and messages). */
    public record Loaded(SymbolLookup symbols, String source) {
    }

    /**
     * One place to try.
     *
     * @param origin     how the candidate was found, for the failure message ("soname", "system property x")
     * @param nameOrPath a soname that the dynamic linker resolves, or a file path (it contains a '/')
     */
    public record Candidate(String origin, String nameOrPath) {

        /** "origin: nameOrPath", or just the name when the origin says it already. */
        public String describe() {
            return origin.isEmpty() ? nameOrPath : origin + " " + nameOrPath;
        }
    }

    private final String name;
    private final Supplier<Loaded> loader;
    private final Object lock = new Object();
    private volatile Loaded loaded;
    private volatile NativeLibraryException failure;

    /**
     * @param name   what is being loaded, for messages, e.g. "libcudart (CUDA runtime)"
     * @param loader runs the search; called at most once
     */
    public NativeLibrary(String name, Supplier<Loaded> loader) {
        this.name = name;
        this.loader = loader;
    }

    /** What is being loaded, e.g. "libcudart (CUDA runtime)". */
    public String name() {
        return name;
    }

    /**
     * The loaded library, loading it on the first call.
     *
     * @throws NativeLibraryException listing every place tried, on this and every later call
     */
    public Loaded loaded() {
        Loaded l = loaded;
        if (l != null) {
            return l;
        }
        synchronized (lock) {
            if (loaded == null && failure == null) {
                try {
                    loaded = loader.get();
                } catch (NativeLibraryException e) {
                    failure = e;
                }
            }
            if (failure != null) {
                throw new NativeLibraryException(failure);
            }
            return loaded;
        }
    }

    /** The loaded library, or empty when it cannot be loaded (never throws a load failure). */
    public Optional<Loaded> tryLoaded() {
        try {
            return Optional.of(loaded());
        } catch (NativeLibraryException e) {
            return Optional.empty();
        }
    }

    /** Why the library cannot be loaded, or empty when it loads. Loads it if that was not tried yet. */
    public Optional<NativeLibraryException> loadFailure() {
        try {
            loaded();
            return Optional.empty();
        } catch (NativeLibraryException e) {
            return Optional.of(e);
        }
    }

    /** The address of the first of {@code symbols} that the library exports, or null when it exports none. */
    public MemorySegment findOrNull(String... symbols) {
        SymbolLookup lookup = loaded().symbols();
        for (String symbol : symbols) {
            Optional<MemorySegment> found = lookup.find(symbol);
            if (found.isPresent()) {
                return found.get();
            }
        }
        return null;
    }

    /**
     * {@code linked} if it is not null (a symbol's address or handle), else an {@link UnsatisfiedLinkError} naming
     * the symbol and the library file.
     */
    public <T> T required(T linked, String symbol) {
        if (linked == null) {
            throw new UnsatisfiedLinkError(symbol + " is not exported by " + loaded().source());
        }
        return linked;
    }

    /** A downcall handle for {@code address}, or null when the address is null (a symbol that is not exported). */
    public static MethodHandle downcall(MemorySegment address, FunctionDescriptor desc, Linker.Option... options) {
        return address == null ? null : Linker.nativeLinker().downcallHandle(address, desc, options);
    }

    /** A NUL-terminated C string, or null for a NULL pointer. */
    public static String string(MemorySegment chars) {
        return chars.equals(MemorySegment.NULL) ? null : chars.reinterpret(Long.MAX_VALUE).getString(0);
    }

    // ---- the search ----------------------------------------------------------------------------------------

    /**
     * Tries each candidate in order and returns the first that opens and passes {@code check}.
     *
     * @param library    for the message, e.g. "libcudart (CUDA runtime)"
     * @param candidates the places to try, in order
     * @param check      returns null to accept an opened library, or why it is rejected
     * @param hint       what the user can do, appended to the failure message
     * @throws NativeLibraryException listing every candidate and why it failed
     */
    public static Loaded loadFirst(String library, List<Candidate> candidates, Function<SymbolLookup, String> check,
                                   String hint) {
        List<String> attempts = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        for (Candidate candidate : candidates) {
            String nameOrPath = candidate.nameOrPath();
            if (isPath(nameOrPath) && !Files.isRegularFile(Path.of(nameOrPath))) {
                attempts.add(candidate.describe() + ": no such file");
                continue;
            }
            Arena arena = Arena.ofShared();
            SymbolLookup lookup;
            try {
                lookup = isPath(nameOrPath)
                        ? SymbolLookup.libraryLookup(Path.of(nameOrPath), arena)
                        : SymbolLookup.libraryLookup(nameOrPath, arena);
            } catch (IllegalArgumentException e) {
                arena.close();
                attempts.add(candidate.describe() + ": " + dlopenReason(nameOrPath, e));
                errors.add(e);
                continue;
            }
            String rejected;
            try {
                rejected = check == null ? null : check.apply(lookup);
            } catch (RuntimeException | LinkageError e) {
                rejected = "the check of the loaded library failed: " + e;
                errors.add(e);
            }
            if (rejected == null) {
                return new Loaded(lookup, nameOrPath); // the arena stays open: never unloaded
            }
            arena.close();
            attempts.add(candidate.describe() + ": loaded but rejected: " + rejected);
        }
        throw new NativeLibraryException(library, attempts, hint, errors);
    }

    /**
     * The usual candidates for a library that the user may name and that otherwise comes from the system:
     * <ol>
     *   <li>the system property {@code property}, else the environment variable {@code envVar}, when set: only that
     *       (a library that was asked for by name and does not load is an error, not a reason to load another);</li>
     *   <li>otherwise each soname in {@code sonames} for the dynamic linker's search (LD_LIBRARY_PATH, ld.so.cache,
     *       the default folders), and after each one the same file under {@code $HOME_VAR/<dir>} for every
     *       environment variable in {@code homeVars} that is set (CUDA_HOME, CUDA_PATH, ...) and every folder in
     *       {@code homeDirs} (lib64, lib).</li>
     * </ol>
     */
    public static List<Candidate> standardCandidates(String property, String envVar, List<String> sonames,
                                                     List<String> homeVars, List<String> homeDirs,
                                                     Map<String, String> environment) {
        String configured = System.getProperty(property);
        if (configured != null && !configured.isBlank()) {
            return List.of(new Candidate("system property " + property + " =", configured.strip()));
        }
        String fromEnv = environment.get(envVar);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return List.of(new Candidate("environment variable " + envVar + " =", fromEnv.strip()));
        }
        List<Candidate> candidates = new ArrayList<>();
        for (String soname : sonames) {
            candidates.add(new Candidate("soname", soname));
            for (String var : homeVars) {
                String home = environment.get(var);
                if (home == null || home.isBlank()) {
                    continue;
                }
                for (String dir : homeDirs) {
                    candidates.add(new Candidate("$" + var + "/" + dir + " =",
                            Path.of(home.strip(), dir, soname).toString()));
                }
            }
        }
        return candidates;
    }

    private static boolean isPath(String nameOrPath) {
        return nameOrPath.indexOf('/') >= 0;
    }

    /**
     * Why {@code nameOrPath} did not open. The JDK's message says only "Cannot open library"; the dynamic linker's
     * own reason (no such file in the search path, a missing dependency, a wrong ELF class) comes from dlerror
     * after trying dlopen once more ourselves; for a file, what is wrong with its ELF header is added (glibc
     * reports a library built for another machine as "No such file or directory").
     */
    public static String dlopenReason(String nameOrPath, IllegalArgumentException e) {
        String dlerror = Dl.error(nameOrPath);
        String why;
        if (dlerror == null) {
            why = String.valueOf(e.getMessage());
        } else {
            // glibc starts with the name, which the caller's message already shows
            why = dlerror.startsWith(nameOrPath + ": ") ? dlerror.substring(nameOrPath.length() + 2) : dlerror;
        }
        String elf = isPath(nameOrPath) && Files.isRegularFile(Path.of(nameOrPath))
                ? elfProblem(Path.of(nameOrPath)) : null;
        return elf != null ? why + " (" + elf + ")" : why;
    }

    /** What is wrong with a file's ELF header for this JVM, or null when nothing obvious is. */
    public static String elfProblem(Path file) {
        byte[] head = new byte[20];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, head.length) < head.length) {
                return "too short to be an ELF shared library";
            }
        } catch (IOException e) {
            return null;
        }
        if (head[0] != 0x7f || head[1] != 'E' || head[2] != 'L' || head[3] != 'F') {
            return "not an ELF file";
        }
        if (head[4] != 2) {
            return "a 32-bit ELF file; this JVM is 64-bit";
        }
        if (head[5] != 1) {
            return "a big-endian ELF file";
        }
        int machine = (head[18] & 0xff) | (head[19] & 0xff) << 8;
        int expected = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> 62;
            case "aarch64" -> 183;
            case "ppc64le" -> 21;
            case "riscv64" -> 243;
            default -> -1;
        };
        if (expected >= 0 && machine != expected) {
            return "an ELF file for machine type " + machine + "; this JVM runs on " + System.getProperty("os.arch")
                    + " (machine type " + expected + ")";
        }
        return null;
    }

    /** dlopen/dlerror from the C library, only for diagnosing a failed load. */
    private static final class Dl {
        private static final int RTLD_LAZY = 1;

        static String error(String nameOrPath) {
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                MethodHandle dlopen = linker.downcallHandle(libc.find("dlopen").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
                MethodHandle dlerror = linker.downcallHandle(libc.find("dlerror").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.ADDRESS));
                MethodHandle dlclose = linker.downcallHandle(libc.find("dlclose").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment name = arena.allocateFrom(nameOrPath);
                    MemorySegment handle = (MemorySegment) dlopen.invokeExact(name, RTLD_LAZY);
                    if (!handle.equals(MemorySegment.NULL)) {
                        int ignored = (int) dlclose.invokeExact(handle);
                        return null;
                    }
                    return string((MemorySegment) dlerror.invokeExact());
                }
            } catch (Throwable t) {
                return null;
            }
        }
    }
}
