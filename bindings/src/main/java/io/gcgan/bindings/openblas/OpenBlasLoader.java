package io.gcgan.bindings.openblas;

import io.gcgan.bindings.NativeLibrary;
import io.gcgan.bindings.NativeLibraryException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds and loads libopenblas for {@link OpenBlas} (hand-written; the binding class itself stays generated-style).
 *
 * <p>Where the library comes from, in order:
 * <ol>
 *   <li>If the system property {@value #LIBRARY_PROPERTY} (else the environment variable {@value #LIBRARY_ENV})
 *       is set, exactly that: a path (it contains a '/') or a soname that the dynamic linker resolves. No fallback:
 *       a library that was asked for by name and does not load is an error.</li>
 *   <li>Otherwise the copy that Maven Central ships in {@code org.bytedeco:openblas:linux-x86_64}: the four files
 *       under the class path folder {@value #RESOURCE_DIR} are extracted once into a cache folder (see
 *       {@link #defaultCacheDir()}) and loaded from there by absolute path.</li>
 *   <li>If that fails (another platform, a file system that forbids executable mappings), the system's
 *       {@value #SYSTEM_SONAME}.</li>
 * </ol>
 *
 * <p>Dependencies of the bundled copy: libopenblas.so.0 has RUNPATH {@code $ORIGIN/}, so it finds the bundled
 * libgfortran.so.5 by itself; but RUNPATH is not inherited, so libgfortran's own NEEDED libquadmath.so.0 would be
 * looked up only in the system folders. We therefore load the dependencies ourselves first, leaves first, by
 * absolute path; the dynamic linker then matches the later NEEDED entries by soname against the loaded objects.
 * libgcc_s.so.1 is taken from the system when it has one (it is part of every glibc system and two copies of the
 * unwinder in one process are best avoided); the bundled one is used only when the system has none.
 *
 * <p>Everything is loaded into {@link Arena#global()}: an OpenBLAS with running worker threads is never unloaded.
 */
@SuppressWarnings("restricted") // loading native libraries is this class's purpose
public final class OpenBlasLoader {

    /** System property naming the libopenblas to load: a file path or a soname. */
    public static final String LIBRARY_PROPERTY = "gcgan.openblas.library";
    /** Environment variable read when {@link #LIBRARY_PROPERTY} is not set. */
    public static final String LIBRARY_ENV = "GCGAN_OPENBLAS_LIBRARY";
    /** System property naming the root folder of gcgan's native cache (the openblas folder goes inside it). */
    public static final String CACHE_PROPERTY = "gcgan.native.cache";
    /** Class path folder holding the bundled natives (from the org.bytedeco:openblas linux-x86_64 jar). */
    public static final String RESOURCE_DIR = "org/bytedeco/openblas/linux-x86_64/";
    /** The bundled files, in load order: every file's NEEDED entries come before it. */
    public static final List<String> FILES =
            List.of("libgcc_s.so.1", "libquadmath.so.0", "libgfortran.so.5", "libopenblas.so.0");
    /** The file among {@link #FILES} that is OpenBLAS itself. */
    public static final String LIBRARY_FILE = "libopenblas.so.0";
    /** The soname tried last, resolved by the dynamic linker's usual search. */
    public static final String SYSTEM_SONAME = "libopenblas.so.0";

    static final String GCC_S = "libgcc_s.so.1";
    static final String POM_PROPERTIES = "META-INF/maven/org.bytedeco/openblas/pom.properties";
    private static final String LIBRARY = "libopenblas (OpenBLAS)";
    private static final String HINT = "To use another OpenBLAS set -D" + LIBRARY_PROPERTY
            + "=/path/to/libopenblas.so.0 (or the environment variable " + LIBRARY_ENV + "); to extract the bundled"
            + " one elsewhere set -D" + CACHE_PROPERTY + "=DIR (on a file system that allows executable mappings).";

    private OpenBlasLoader() {
    }

    /** A loaded libopenblas: its symbols, and where it came from (for logs). */
    public record Loaded(SymbolLookup symbols, String source) {
    }

    // Initialization-on-demand holder: loads once, on first use, thread-safely. A failure is remembered (and
    // rethrown as a fresh exception each time) rather than left to poison the class with NoClassDefFoundError.
    private static final class Holder {
        static final Loaded LOADED;
        static final NativeLibraryException FAILURE;

        static {
            Loaded loaded = null;
            NativeLibraryException failure = null;
            try {
                loaded = loadConfigured();
            } catch (NativeLibraryException e) {
                failure = e;
            }
            LOADED = loaded;
            FAILURE = failure;
        }
    }

    /** The process-wide libopenblas, loaded on first call as the class comment says. */
    public static Loaded loaded() {
        if (Holder.FAILURE != null) {
            throw new NativeLibraryException(Holder.FAILURE);
        }
        return Holder.LOADED;
    }

    /** The process-wide libopenblas's symbols. */
    public static SymbolLookup lookup() {
        return loaded().symbols();
    }

    // ---- the three ways to load; each returns a fresh lookup (nothing cached) -------------------------------

    /** Property, else environment variable, else bundled, else system (see the class comment). */
    static Loaded loadConfigured() {
        String property = System.getProperty(LIBRARY_PROPERTY);
        if (property != null && !property.isBlank()) {
            return loadNamed(property.strip(), "system property " + LIBRARY_PROPERTY);
        }
        String env = System.getenv(LIBRARY_ENV);
        if (env != null && !env.isBlank()) {
            return loadNamed(env.strip(), "environment variable " + LIBRARY_ENV);
        }
        return loadDefault(defaultCacheDir());
    }

    /**
     * Loads exactly {@code nameOrPath}: a file path when it contains a '/', otherwise a soname for the dynamic
     * linker. {@code origin} says where the name came from ("system property gcgan.openblas.library").
     *
     * @throws NativeLibraryException naming {@code nameOrPath}, its origin and the dynamic linker's reason
     */
    public static Loaded loadNamed(String nameOrPath, String origin) {
        String where = origin + " = " + nameOrPath;
        try {
            return new Loaded(open(nameOrPath), nameOrPath);
        } catch (IllegalArgumentException e) {
            throw new NativeLibraryException(LIBRARY, List.of(where + ": " + reason(nameOrPath, e)),
                    "Name a libopenblas built for this platform (" + System.getProperty("os.arch") + "), or unset "
                            + origin + " to use the OpenBLAS bundled with gcgan.",
                    List.of(e));
        }
    }

    /** The bundled copy extracted to {@code cacheDir}, else the system's {@value #SYSTEM_SONAME}. */
    static Loaded loadDefault(Path cacheDir) {
        List<String> attempts = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        try {
            return loadBundled(cacheDir);
        } catch (NativeLibraryException e) {
            attempts.addAll(e.attempts());
            errors.add(e.getCause() != null ? e.getCause() : e);
        }
        try {
            return new Loaded(SymbolLookup.libraryLookup(SYSTEM_SONAME, Arena.global()), SYSTEM_SONAME);
        } catch (IllegalArgumentException e) {
            attempts.add("system library " + SYSTEM_SONAME
                    + " (the dynamic linker's search: LD_LIBRARY_PATH, ld.so.cache, /lib, /usr/lib): "
                    + reason(SYSTEM_SONAME, e));
            errors.add(e);
        }
        throw new NativeLibraryException(LIBRARY, attempts, HINT, errors);
    }

    /**
     * Extracts the bundled files to {@code cacheDir} (once, see {@link #extract}) and loads them from there.
     *
     * @throws NativeLibraryException naming the class path resource, the cache folder and the failure
     */
    public static Loaded loadBundled(Path cacheDir) {
        String resources = "class path resources " + RESOURCE_DIR + "{" + String.join(",", FILES) + "}";
        Path dir;
        try {
            dir = extract(cacheDir);
        } catch (IOException | UncheckedIOException e) {
            throw new NativeLibraryException(LIBRARY,
                    List.of(resources + " extracted to " + cacheDir + ": " + e), HINT, List.of(e));
        }
        SymbolLookup openblas = null;
        for (String file : FILES) {
            if (file.equals(GCC_S) && systemHas(GCC_S)) {
                continue;
            }
            Path path = dir.resolve(file);
            try {
                SymbolLookup lookup = open(path.toString());
                if (file.equals(LIBRARY_FILE)) {
                    openblas = lookup;
                }
            } catch (IllegalArgumentException e) {
                throw new NativeLibraryException(LIBRARY,
                        List.of(resources + " extracted to " + dir + ", loading " + path + ": "
                                + reason(path.toString(), e)),
                        HINT, List.of(e));
            }
        }
        return new Loaded(openblas, dir.resolve(LIBRARY_FILE).toString());
    }

    // ---- the cache ---------------------------------------------------------------------------------------

    /**
     * Where the bundled files are extracted: {@code <root>/openblas-<version>}, where root is the system
     * property {@value #CACHE_PROPERTY}, else {@code $XDG_CACHE_HOME/gcgan/native} (when absolute), else
     * {@code ${user.home}/.cache/gcgan/native}; version is that of the org.bytedeco:openblas artifact.
     */
    public static Path defaultCacheDir() {
        Path root;
        String property = System.getProperty(CACHE_PROPERTY);
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (property != null && !property.isBlank()) {
            root = Path.of(property.strip());
        } else if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            root = Path.of(xdg, "gcgan", "native");
        } else {
            root = Path.of(System.getProperty("user.home"), ".cache", "gcgan", "native");
        }
        return root.resolve("openblas-" + bundledVersion());
    }

    /** The org.bytedeco:openblas version on the class path, e.g. "0.3.31-1.5.13"; "unversioned" if unknown. */
    public static String bundledVersion() {
        URL url = classLoader().getResource(POM_PROPERTIES);
        if (url != null) {
            try (InputStream in = url.openStream()) {
                Properties properties = new Properties();
                properties.load(in);
                String version = properties.getProperty("version");
                if (version != null && version.matches("[A-Za-z0-9._-]+")) {
                    return version;
                }
            } catch (IOException ignored) {
                // fall through: the size check still guards against a stale cache
            }
        }
        return "unversioned";
    }

    /**
     * Makes {@code dir} hold the bundled files with their class path sizes, and returns it. An existing complete
     * folder is left untouched; a missing or damaged one (a file absent or of the wrong size) is replaced
     * atomically: the files are written to a temporary folder beside {@code dir} which is then renamed onto it.
     * When another process wins that race its folder is used.
     */
    public static Path extract(Path dir) throws IOException {
        dir = dir.toAbsolutePath();
        Map<String, Long> sizes = bundledSizes();
        if (isComplete(dir, sizes)) {
            return dir;
        }
        Path parent = dir.getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + dir.getFileName() + ".tmp-");
        try {
            for (String file : FILES) {
                Path target = tmp.resolve(file);
                try (InputStream in = resource(file).openStream()) {
                    Files.copy(in, target);
                }
                long written = Files.size(target);
                if (written != sizes.get(file)) {
                    throw new IOException("extracted " + RESOURCE_DIR + file + " to " + target + " with " + written
                            + " bytes, expected " + sizes.get(file));
                }
            }
            if (isComplete(dir, sizes)) {
                return dir; // another process finished while we were writing
            }
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                // Damaged: move it aside in one step (a process that mapped its files keeps them) and delete it.
                Path stale = parent.resolve("." + dir.getFileName() + ".stale-"
                        + Long.toHexString(ThreadLocalRandom.current().nextLong()));
                try {
                    Files.move(dir, stale, StandardCopyOption.ATOMIC_MOVE);
                    deleteTree(stale);
                } catch (NoSuchFileException gone) {
                    // another process moved it first
                }
            }
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                if (isComplete(dir, sizes)) {
                    return dir;
                }
                throw raced;
            }
            return dir;
        } finally {
            if (Files.exists(tmp, LinkOption.NOFOLLOW_LINKS)) {
                deleteTree(tmp);
            }
        }
    }

    /** The size in bytes of each bundled file, read from the class path without extracting it. */
    static Map<String, Long> bundledSizes() throws IOException {
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (String file : FILES) {
            URLConnection connection = resource(file).openConnection();
            long size = connection.getContentLengthLong();
            if (size < 0) {
                try (InputStream in = connection.getInputStream()) {
                    size = in.transferTo(java.io.OutputStream.nullOutputStream());
                }
            }
            sizes.put(file, size);
        }
        return sizes;
    }

    static boolean isComplete(Path dir, Map<String, Long> sizes) {
        for (Map.Entry<String, Long> e : sizes.entrySet()) {
            Path file = dir.resolve(e.getKey());
            try {
                if (!Files.isRegularFile(file) || Files.size(file) != e.getValue()) {
                    return false;
                }
            } catch (IOException ex) {
                return false;
            }
        }
        return true;
    }

    private static URL resource(String file) throws IOException {
        URL url = classLoader().getResource(RESOURCE_DIR + file);
        if (url == null) {
            throw new NoSuchFileException(RESOURCE_DIR + file, null,
                    "not on the class path (is org.bytedeco:openblas:linux-x86_64 a dependency?)");
        }
        return url;
    }

    private static ClassLoader classLoader() {
        ClassLoader loader = OpenBlasLoader.class.getClassLoader();
        return loader != null ? loader : ClassLoader.getSystemClassLoader();
    }

    private static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    // ---- dynamic linking ---------------------------------------------------------------------------------

    private static SymbolLookup open(String nameOrPath) {
        if (nameOrPath.indexOf('/') >= 0) {
            Path path = Path.of(nameOrPath);
            if (!Files.isRegularFile(path)) {
                throw new IllegalArgumentException("no such file: " + path.toAbsolutePath());
            }
            return SymbolLookup.libraryLookup(path, Arena.global());
        }
        return SymbolLookup.libraryLookup(nameOrPath, Arena.global());
    }

    private static boolean systemHas(String soname) {
        try {
            SymbolLookup.libraryLookup(soname, Arena.global());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Why {@code nameOrPath} did not load ({@link NativeLibrary#dlopenReason}: the dynamic linker's reason). */
    private static String reason(String nameOrPath, IllegalArgumentException e) {
        if (nameOrPath.indexOf('/') >= 0 && !Files.isRegularFile(Path.of(nameOrPath))) {
            return e.getMessage();
        }
        return NativeLibrary.dlopenReason(nameOrPath, e);
    }
}
