package io.gcgan.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gcgan.random.Generator;
import io.gcgan.tensor.TensorScope;
import io.gcgan.testutil.FileFuzz;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Safetensors files that gcgan wrote, damaged in many seeded ways ({@link FileFuzz}): in their bytes (the header
 * length set to 2^40 and other extremes among them), and in their JSON header with the length kept consistent, so that
 * shapes, offsets and dtypes are damaged too. {@link SafeTensors#load} and {@link Module#loadWeights} read each as it
 * is or refuse it with a {@link SafeTensorsException} naming the file. (Checked to fail when {@code SafeTensors} stops
 * comparing a tensor's data_offsets span with its shape and dtype.)
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SafeTensorsFuzzTest {

    @TempDir
    Path dir;

    /** Linear, BatchNorm (with its I64 counter) and Linear, in a file of some hundred bytes with metadata. */
    private static Module model(long seed) {
        var o = ModuleOptions.of(new Generator(seed));
        return new Sequential(new Linear(3, 4, true, o), new BatchNorm1d(4, o), new ReLU(), new Linear(4, 2, true, o));
    }

    private byte[] valid() throws Exception {
        Path file = dir.resolve("valid.safetensors");
        model(1).saveWeights(file, Map.of("format", "gcgan-checkpoint-1", "step", "120"));
        return Files.readAllBytes(file);
    }

    /** A truncated file is never read: every byte of the data section belongs to a tensor. */
    private static <T> FileFuzz.Accepted<T> unlessTruncated() {
        return (c, result) -> assertFalse(c.description().startsWith("truncated"), c.description() + ": accepted");
    }

    private static final List<FileFuzz.Field> LENGTH = List.of(
            new FileFuzz.Field("header length", 0, 8, ByteOrder.LITTLE_ENDIAN));

    private static Object load(Path file) throws Exception {
        try (TensorScope scope = TensorScope.open()) {
            return SafeTensors.load(file).types();
        }
    }

    @Test
    void damagedBytesAreReadAsTheyAreOrRefusedByName() throws Exception {
        byte[] valid = valid();
        FileFuzz.check(dir.resolve("generator.safetensors"), FileFuzz.binaryCases(valid, 1, 120, 250, LENGTH),
                SafeTensorsFuzzTest::load, SafeTensorsException.class, unlessTruncated());
    }

    @Test
    void damagedHeadersAreReadAsTheyAreOrRefusedByName() throws Exception {
        FileFuzz.check(dir.resolve("generator.safetensors"), FileFuzz.safetensorsHeaderCases(valid(), 2, 200, 60),
                SafeTensorsFuzzTest::load, SafeTensorsException.class, FileFuzz.anyResult());
    }

    @Test
    void damagedFilesAreLoadedIntoAModuleAsTheyAreOrRefusedByName() throws Exception {
        byte[] valid = valid();
        Module m = model(2);
        List<FileFuzz.Case> cases = new ArrayList<>(FileFuzz.binaryCases(valid, 3, 40, 120, LENGTH));
        cases.addAll(FileFuzz.safetensorsHeaderCases(valid, 4, 80, 20));
        FileFuzz.check(dir.resolve("generator.safetensors"), cases, p -> {
            m.loadWeights(p);
            return m;
        }, SafeTensorsException.class, unlessTruncated());
    }

    @Test
    void aFolderWhereASafetensorsFileIsExpectedIsRefusedByName() throws Exception {
        FileFuzz.checkFolderInPlace(dir.resolve("generator.safetensors"), SafeTensorsFuzzTest::load,
                SafeTensorsException.class);
        FileFuzz.checkFolderInPlace(dir.resolve("generator.safetensors"), p -> {
            model(3).loadWeights(p);
            return null;
        }, SafeTensorsException.class);
    }

    /** The regression test of the folder case: IOException "Is a directory", which named nothing. */
    @Test
    void aFolderGivenAsWeightsIsNamedAsAFolder() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("weights.safetensors"));
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> model(4).loadWeights(folder));
        assertEquals(folder + ": is a folder, not a safetensors file", e.getMessage());
    }
}
