package io.gcgan.bindings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The C++ compiler and header folders the signature-check tests use, found without naming any machine path: the
 * compiler from $CXX or the PATH; CUDA headers from -Dgcgan.cuda.include, $CUDA_HOME, $CUDA_PATH or the folder next
 * to the nvcc on the PATH; cuDNN headers from -Dgcgan.cudnn.include, $CUDNN_INCLUDE_DIR, $CUDNN_HOME, $CUDNN_PATH, the
 * CUDA folders, or the compiler's default search.
 */
public final class Toolchain {

    /** System property: extra CUDA include folders (path-separator separated). */
    public static final String CUDA_INCLUDE_PROPERTY = "gcgan.cuda.include";
    /** System property: extra cuDNN include folders (path-separator separated). */
    public static final String CUDNN_INCLUDE_PROPERTY = "gcgan.cudnn.include";

    private Toolchain() {
    }

    /** The result of running the compiler. */
    public record Compilation(int exitCode, String output, List<String> command) {
        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    /** A C++ compiler: $CXX, else g++, c++ or clang++ from the PATH. */
    public static Optional<Path> cxx() {
        String env = System.getenv("CXX");
        if (env != null && !env.isBlank()) {
            Path p = Path.of(env.strip());
            if (p.isAbsolute() && Files.isExecutable(p)) {
                return Optional.of(p);
            }
            Optional<Path> onPath = onPath(env.strip());
            if (onPath.isPresent()) {
                return onPath;
            }
        }
        for (String name : List.of("g++", "c++", "clang++")) {
            Optional<Path> p = onPath(name);
            if (p.isPresent()) {
                return p;
            }
        }
        return Optional.empty();
    }

    /** An executable named {@code name} in a folder of the PATH. */
    public static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The repository root: the first folder from the working directory up with kernels/include/gcgan_kernels.h. */
    public static Optional<Path> repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("kernels/include/gcgan_kernels.h"))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    /** Candidate CUDA include folders that exist, in the order the class comment gives. */
    public static List<Path> cudaIncludeDirs() {
        Set<Path> dirs = new LinkedHashSet<>();
        addList(dirs, System.getProperty(CUDA_INCLUDE_PROPERTY));
        addHome(dirs, System.getenv("CUDA_HOME"));
        addHome(dirs, System.getenv("CUDA_PATH"));
        onPath("nvcc").ifPresent(nvcc -> {
            try {
                Path real = nvcc.toRealPath();
                if (real.getParent() != null && real.getParent().getParent() != null) {
                    add(dirs, real.getParent().getParent().resolve("include"));
                }
            } catch (IOException ignored) {
                // not usable
            }
            nvccIncludeDirs(nvcc).forEach(d -> add(dirs, d));
        });
        return List.copyOf(dirs);
    }

    /**
     * The include folders nvcc itself uses (it may be a wrapper script far from the toolkit): the -I entries of the
     * INCLUDES line that {@code nvcc --dryrun} prints, and TOP/include.
     */
    static List<Path> nvccIncludeDirs(Path nvcc) {
        List<Path> dirs = new ArrayList<>();
        try {
            Path source = Files.createTempFile("gcgan-nvcc-probe", ".cu");
            try {
                Process p = new ProcessBuilder(nvcc.toString(), "--dryrun", "-E", "-x", "cu", source.toString())
                        .redirectErrorStream(true).start();
                p.getOutputStream().close();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return dirs;
                }
                for (String line : out.split("\n")) {
                    line = line.strip();
                    if (line.startsWith("#$ INCLUDES=")) {
                        String includes = line.substring("#$ INCLUDES=".length()).replace("\"", " ");
                        for (String word : includes.split("\\s+")) {
                            if (word.startsWith("-I") && word.length() > 2) {
                                dirs.add(Path.of(word.substring(2)));
                            }
                        }
                    } else if (line.startsWith("#$ TOP=")) {
                        dirs.add(Path.of(line.substring("#$ TOP=".length()).strip(), "include"));
                    }
                }
            } finally {
                Files.deleteIfExists(source);
            }
        } catch (IOException e) {
            return dirs;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return dirs;
    }

    /** Candidate cuDNN include folders that exist (the CUDA ones last). */
    public static List<Path> cudnnIncludeDirs() {
        Set<Path> dirs = new LinkedHashSet<>();
        addList(dirs, System.getProperty(CUDNN_INCLUDE_PROPERTY));
        addList(dirs, System.getenv("CUDNN_INCLUDE_DIR"));
        addHome(dirs, System.getenv("CUDNN_HOME"));
        addHome(dirs, System.getenv("CUDNN_PATH"));
        dirs.addAll(cudaIncludeDirs());
        return List.copyOf(dirs);
    }

    private static void addList(Set<Path> dirs, String list) {
        if (list != null && !list.isBlank()) {
            for (String d : list.split(java.io.File.pathSeparator)) {
                if (!d.isBlank()) {
                    add(dirs, Path.of(d.strip()));
                }
            }
        }
    }

    private static void addHome(Set<Path> dirs, String home) {
        if (home != null && !home.isBlank()) {
            add(dirs, Path.of(home.strip(), "include"));
        }
    }

    private static void add(Set<Path> dirs, Path dir) {
        if (Files.isDirectory(dir)) {
            dirs.add(dir.toAbsolutePath().normalize());
        }
    }

    /** Whether {@code #include <header>} resolves with these folders (and the compiler's own search). */
    public static boolean hasHeader(Path cxx, String header, List<Path> includeDirs) {
        String probe = "#if !__has_include(<" + header + ">)\n#error " + header + " not found\n#endif\n";
        try {
            Path file = Files.createTempFile("gcgan-has-include", ".cpp");
            try {
                Files.writeString(file, probe, StandardCharsets.UTF_8);
                return compile(cxx, file, includeDirs).succeeded();
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Compiles {@code source} as C++17 with -fsyntax-only; the output is the compiler's stdout and stderr. */
    public static Compilation compile(Path cxx, Path source, List<Path> includeDirs) {
        List<String> command = new ArrayList<>(List.of(cxx.toString(), "-std=c++17", "-fsyntax-only", "-Wall",
                "-Wno-deprecated-declarations"));
        for (Path dir : includeDirs) {
            command.add("-I" + dir);
        }
        command.add(source.toString());
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(300, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Compilation(-1, "timed out after 300 s", command);
            }
            return new Compilation(process.exitValue(), new String(out, StandardCharsets.UTF_8), command);
        } catch (IOException e) {
            throw new UncheckedIOException("running " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }
}
