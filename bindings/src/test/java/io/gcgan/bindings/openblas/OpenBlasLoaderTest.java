package io.gcgan.bindings.openblas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.bindings.NativeLibrary;
import io.gcgan.bindings.NativeLibraryException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loader's error messages and the extraction cache. Failures are provoked through the fresh (uncached)
 * load methods so that the process-wide library the other tests use is never affected; extraction is tested in
 * a temporary folder without loading from it (a second copy of OpenBLAS in the process would start a second
 * thread pool).
 */
class OpenBlasLoaderTest {

    @TempDir
    Path temp;

    @Test
    void namedLibraryThatDoesNotExistIsNamedInTheMessage() {
        String missing = temp.resolve("no-such-dir/libopenblas-missing.so.0").toString();
        NativeLibraryException e = assertThrows(NativeLibraryException.class,
                () -> OpenBlasLoader.loadNamed(missing, "system property " + OpenBlasLoader.LIBRARY_PROPERTY));
        assertTrue(e.getMessage().contains(missing), e.getMessage());
        assertTrue(e.getMessage().contains(OpenBlasLoader.LIBRARY_PROPERTY), e.getMessage());
        assertEquals(1, e.attempts().size(), e.getMessage());
    }

    @Test
    void systemPropertyIsHonouredAndNotSilentlyReplaced() {
        String missing = temp.resolve("libopenblas-from-property.so.0").toString();
        String before = System.getProperty(OpenBlasLoader.LIBRARY_PROPERTY);
        System.setProperty(OpenBlasLoader.LIBRARY_PROPERTY, missing);
        try {
            NativeLibraryException e = assertThrows(NativeLibraryException.class, OpenBlasLoader::loadConfigured);
            assertTrue(e.getMessage().contains(missing), e.getMessage());
            assertTrue(e.getMessage().contains("system property " + OpenBlasLoader.LIBRARY_PROPERTY), e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(OpenBlasLoader.LIBRARY_PROPERTY);
            } else {
                System.setProperty(OpenBlasLoader.LIBRARY_PROPERTY, before);
            }
        }
    }

    @Test
    void aLibraryForAnotherMachineIsExplained() throws IOException {
        // The bundled libquadmath with its ELF e_machine set to AArch64 (183): a real ELF that cannot load here.
        Path dir = OpenBlasLoader.extract(temp.resolve("openblas-test"));
        byte[] elf = Files.readAllBytes(dir.resolve("libquadmath.so.0"));
        elf[18] = (byte) 183;
        elf[19] = 0;
        Path foreign = Files.write(temp.resolve("libforeign.so"), elf);
        NativeLibraryException e = assertThrows(NativeLibraryException.class,
                () -> OpenBlasLoader.loadNamed(foreign.toString(), "system property " + OpenBlasLoader.LIBRARY_PROPERTY));
        assertTrue(e.getMessage().contains(foreign.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("machine type 183"), e.getMessage());
    }

    @Test
    void elfHeaderProblemsAreNamed() throws IOException {
        Path text = Files.writeString(temp.resolve("libtext.so"), "not an ELF file, just text\n");
        assertEquals("not an ELF file", NativeLibrary.elfProblem(text));
        Path dir = OpenBlasLoader.extract(temp.resolve("openblas-test"));
        assertEquals(null, NativeLibrary.elfProblem(dir.resolve(OpenBlasLoader.LIBRARY_FILE)));
    }

    @Test
    void unknownSonameIsNamedInTheMessage() {
        NativeLibraryException e = assertThrows(NativeLibraryException.class,
                () -> OpenBlasLoader.loadNamed("libgcgan-no-such-blas.so.7", "environment variable "
                        + OpenBlasLoader.LIBRARY_ENV));
        assertTrue(e.getMessage().contains("libgcgan-no-such-blas.so.7"), e.getMessage());
        assertTrue(e.getMessage().contains(OpenBlasLoader.LIBRARY_ENV), e.getMessage());
    }

    @Test
    void extractionIsIdempotent() throws IOException {
        Path dir = temp.resolve("openblas-test");
        assertEquals(dir, OpenBlasLoader.extract(dir));
        Map<String, Long> sizes = OpenBlasLoader.bundledSizes();
        Map<String, List<Object>> first = identities(dir);
        for (String file : OpenBlasLoader.FILES) {
            assertEquals(sizes.get(file), Files.size(dir.resolve(file)), file);
        }

        OpenBlasLoader.extract(dir);
        assertEquals(first, identities(dir), "a complete cache must not be rewritten");
        assertEquals(List.of(dir), listing(temp), "no temporary folders may be left behind");
    }

    @Test
    void truncatedOrMissingFilesAreRepaired() throws IOException {
        Path dir = OpenBlasLoader.extract(temp.resolve("openblas-test"));
        Map<String, Long> sizes = OpenBlasLoader.bundledSizes();
        try (FileChannel channel = FileChannel.open(dir.resolve("libgfortran.so.5"), StandardOpenOption.WRITE)) {
            channel.truncate(1000);
        }
        OpenBlasLoader.extract(dir);
        assertEquals(sizes.get("libgfortran.so.5"), Files.size(dir.resolve("libgfortran.so.5")));

        Files.delete(dir.resolve("libquadmath.so.0"));
        OpenBlasLoader.extract(dir);
        assertEquals(sizes.get("libquadmath.so.0"), Files.size(dir.resolve("libquadmath.so.0")));
        assertTrue(OpenBlasLoader.isComplete(dir, sizes));
        assertEquals(List.of(dir), listing(temp), "the damaged folder and temporaries must be removed");
    }

    @Test
    void concurrentExtractionsAgree() throws Exception {
        Path dir = temp.resolve("openblas-race");
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Path>> results = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Callable<Path> task = () -> OpenBlasLoader.extract(dir);
                results.add(pool.submit(task));
            }
            for (Future<Path> result : results) {
                assertEquals(dir, result.get());
            }
        } finally {
            pool.shutdown();
        }
        assertTrue(OpenBlasLoader.isComplete(dir, OpenBlasLoader.bundledSizes()));
        assertEquals(List.of(dir), listing(temp));
    }

    @Test
    void cacheFolderFollowsTheProperty() {
        String before = System.getProperty(OpenBlasLoader.CACHE_PROPERTY);
        System.setProperty(OpenBlasLoader.CACHE_PROPERTY, temp.toString());
        try {
            Path dir = OpenBlasLoader.defaultCacheDir();
            assertEquals(temp.resolve("openblas-" + OpenBlasLoader.bundledVersion()), dir);
            assertTrue(OpenBlasLoader.bundledVersion().startsWith("0.3."), OpenBlasLoader.bundledVersion());
        } finally {
            if (before == null) {
                System.clearProperty(OpenBlasLoader.CACHE_PROPERTY);
            } else {
                System.setProperty(OpenBlasLoader.CACHE_PROPERTY, before);
            }
        }
    }

    @Test
    void processWideLibraryLoadsAndDescribesItself() {
        OpenBlasLoader.Loaded loaded = OpenBlasLoader.loaded();
        assertTrue(loaded.symbols().find("cblas_sgemm").isPresent(), loaded.source());
        String description = OpenBlas.description();
        assertTrue(description.matches("OpenBLAS \\d+\\.\\d+\\.\\d+ \\((\\w+, )?\\d+ threads?\\)"), description);
    }

    @Test
    void threadCountCanBeSetAndRead() {
        int before = OpenBlas.openblas_get_num_threads();
        assertTrue(before >= 1, "threads: " + before);
        try {
            OpenBlas.openblas_set_num_threads(1);
            assertEquals(1, OpenBlas.openblas_get_num_threads());
        } finally {
            OpenBlas.openblas_set_num_threads(before);
        }
        assertEquals(before, OpenBlas.openblas_get_num_threads());
    }

    private static Map<String, List<Object>> identities(Path dir) throws IOException {
        Map<String, List<Object>> ids = new HashMap<>();
        for (String file : OpenBlasLoader.FILES) {
            BasicFileAttributes attrs = Files.readAttributes(dir.resolve(file), BasicFileAttributes.class);
            ids.put(file, List.of(String.valueOf(attrs.fileKey()), attrs.lastModifiedTime(), attrs.size()));
        }
        return ids;
    }

    private static List<Path> listing(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.toList();
        }
    }
}
