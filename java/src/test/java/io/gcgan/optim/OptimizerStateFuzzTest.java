package io.gcgan.optim;

import static io.gcgan.optim.OptimizerFixtures.grad;
import static io.gcgan.optim.OptimizerFixtures.param;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.gcgan.nn.SafeTensors;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import io.gcgan.testutil.FileFuzz;
import java.io.IOException;
import java.math.BigDecimal;
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
 * An Adam state file that gcgan wrote, damaged in many seeded ways ({@link FileFuzz}), in its bytes and in its JSON
 * header (the step counts in the metadata among them): {@link OptimizerState#load} gives exactly the step counts the
 * file holds, or refuses it with an {@code IOException} naming the file. (Checked to fail when {@code load} stops
 * refusing step counts that are not whole numbers.)
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OptimizerStateFuzzTest {

    @TempDir
    Path dir;

    private static final JsonMapper EXACT = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .build();

    /** Adam over two parameters after three steps, one of which had no gradient at the first. */
    private byte[] valid() throws IOException {
        Tensor w = param(1, 2, 3);
        Tensor b = param(0.5);
        Adam adam = new Adam(List.of(ParamGroup.builder(0.1).add("w", w).add("b", b).build()), 0.9, 0.999, 1e-8);
        grad(w, 0.1, -0.2, 0.3);
        adam.step();
        for (int i = 0; i < 2; i++) {
            grad(w, 0.3, 0.2, -0.1);
            grad(b, 1);
            adam.step();
        }
        Path file = dir.resolve("valid.safetensors");
        adam.state().save(file);
        return Files.readAllBytes(file);
    }

    /** The step counts of an accepted file are the numbers it holds, exactly. */
    private static void sameCounts(Path file, OptimizerState s) throws IOException {
        Map<String, String> meta = SafeTensors.load(file).metadata();
        assertEquals(0, new BigDecimal(meta.get("steps")).compareTo(BigDecimal.valueOf(s.steps())), "steps");
        Map<?, ?> params = EXACT.readValue(meta.get("param_steps"), Map.class);
        for (var e : s.params().entrySet()) {
            BigDecimal inFile = new BigDecimal(params.get(e.getKey()).toString());
            assertEquals(0, inFile.compareTo(BigDecimal.valueOf(e.getValue().step())),
                    "step of " + e.getKey() + ": the file holds " + inFile + ", read as " + e.getValue().step());
        }
    }

    private static OptimizerState load(Path file) throws Exception {
        try (TensorScope scope = TensorScope.open()) {
            OptimizerState s = OptimizerState.load(file);
            sameCounts(file, s);
            return s;
        }
    }

    @Test
    void damagedStateFilesGiveTheirStepCountsOrAreRefusedByName() throws Exception {
        byte[] valid = valid();
        List<FileFuzz.Case> cases = new ArrayList<>(FileFuzz.binaryCases(valid, 1, 64, 150, List.of(
                new FileFuzz.Field("header length", 0, 8, ByteOrder.LITTLE_ENDIAN))));
        cases.addAll(FileFuzz.safetensorsHeaderCases(valid, 2, 150, 40));
        FileFuzz.check(dir.resolve("optimizer-g.safetensors"), cases, OptimizerStateFuzzTest::load,
                IOException.class, FileFuzz.anyResult());
    }

    @Test
    void aFolderWhereAStateFileIsExpectedIsRefusedByName() throws Exception {
        FileFuzz.checkFolderInPlace(dir.resolve("optimizer-g.safetensors"), OptimizerStateFuzzTest::load,
                IOException.class);
    }

    /** Regression tests of fuzz cases: a step count of 1.5 was read as 1, one of 1e300 as 2^63 - 1. */
    @Test
    void stepCountsThatAreNotWholeNumbersOrNegativeAreRefusedByName() throws Exception {
        Path file = dir.resolve("optimizer-d.safetensors");
        String[][] bad = {{"4", "1.5", "1.5"}, {"4", "1e300", "1.0E300"}, {"4", "-2", "-2"}};
        try (TensorScope s = TensorScope.open()) {
            for (String[] b : bad) {
                SafeTensors.save(file, Map.of("w.exp_avg", Tensor.full(1, 2)),
                        Map.of("steps", b[0], "param_steps", "{\"w\": " + b[1] + "}"));
                IOException e = assertThrows(IOException.class, () -> OptimizerState.load(file));
                assertEquals(file + ": step count of 'w' in metadata 'param_steps' must be a whole number >= 0, found "
                        + b[2], e.getMessage());
            }
            SafeTensors.save(file, Map.of("w.exp_avg", Tensor.full(1, 2)),
                    Map.of("steps", "-4", "param_steps", "{\"w\": 3}"));
            IOException e = assertThrows(IOException.class, () -> OptimizerState.load(file));
            assertEquals(file + ": metadata 'steps' must be >= 0, found -4", e.getMessage());
        }
    }
}
