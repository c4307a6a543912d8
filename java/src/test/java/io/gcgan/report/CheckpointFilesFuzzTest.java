package io.gcgan.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.gcgan.gan.train.Trainer;
import io.gcgan.testutil.FileFuzz;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint that gcgan wrote, each of its files damaged in many seeded ways ({@link FileFuzz}): trainer.json as
 * text ({@link Checkpoint#readInfo} gives exactly the counters it holds), the four safetensors files in their bytes
 * and JSON headers ({@link Checkpoint#load} into a run's models and optimizers), and checkpoints/latest
 * ({@link Checkpoints#latest} gives a complete checkpoint). Each is read as it is or refused with an
 * {@code IOException} naming the damaged file. (Checked to fail when {@code readInfo} stops checking data_position's
 * length and entries.)
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CheckpointFilesFuzzTest {

    @TempDir
    Path tmp;

    private Path folder;

    private static final JsonMapper EXACT = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .build();

    /** checkpoints/step-000003 after three steps, and checkpoints/latest naming it. */
    @BeforeEach
    void writeACheckpoint() throws Exception {
        SmallRun a = SmallRun.of(1);
        for (int i = 0; i < 3; i++) {
            a.trainer().trainStep();
        }
        folder = new Checkpoints(tmp.resolve("checkpoints")).write(3, 2, f -> Checkpoint.write(f, a.g(), a.d(),
                a.gOpt(), a.dOpt(), a.trainer().state(), "hash-1", Map.of("loss", "wgan", "steps", 5L), "1.2.3"));
    }

    /** The counters of an accepted trainer.json are the whole numbers it holds, exactly. */
    private static void exactCounters(FileFuzz.Case c, Checkpoint.Info info) throws IOException {
        JsonNode json = EXACT.readTree(c.content());
        Trainer.State s = info.state();
        long[] read = {s.step(), s.noiseOffset(), s.penaltyOffset(), info.gOptimizerSteps(), info.dOptimizerSteps()};
        String[] fields = {"step", "noise_offset", "penalty_offset", "optimizer_g_steps", "optimizer_d_steps"};
        for (int i = 0; i < fields.length; i++) {
            assertEquals(0, json.get(fields[i]).decimalValue().compareTo(BigDecimal.valueOf(read[i])),
                    c.description() + ": " + fields[i] + " " + json.get(fields[i]) + " read as " + read[i]);
        }
        JsonNode position = json.get("data_position");
        assertEquals(position.size(), s.dataPosition().length, c.description() + ": data_position " + position);
        for (int i = 0; i < position.size(); i++) {
            assertEquals(0, position.get(i).decimalValue().compareTo(BigDecimal.valueOf(s.dataPosition()[i])),
                    c.description() + ": data_position " + position + " read as " + Arrays.toString(s.dataPosition()));
        }
    }

    @Test
    void damagedTrainerJsonGivesItsCountersOrIsRefusedByName() throws Exception {
        Path file = folder.resolve(Checkpoint.TRAINER);
        String valid = Files.readString(file);
        FileFuzz.check(file, FileFuzz.textCases(valid, 1, 40, 200, 100), p -> Checkpoint.readInfo(p.getParent()),
                IOException.class, CheckpointFilesFuzzTest::exactCounters);
    }

    /** The damaged copies of a safetensors file: its bytes, and its JSON header put back with its length. */
    private static List<FileFuzz.Case> safetensorsCases(byte[] valid, long seed) {
        List<FileFuzz.Case> cases = new ArrayList<>(FileFuzz.binaryCases(valid, seed, 24, 40, List.of(
                new FileFuzz.Field("header length", 0, 8, ByteOrder.LITTLE_ENDIAN))));
        cases.addAll(FileFuzz.safetensorsHeaderCases(valid, seed + 1, 32, 6));
        return cases;
    }

    @Test
    void damagedWeightsAndOptimizerStatesAreLoadedAsTheyAreOrRefusedByName() throws Exception {
        SmallRun b = SmallRun.of(2);
        long seed = 10;
        for (String name : List.of(Checkpoint.GENERATOR, Checkpoint.DISCRIMINATOR, Checkpoint.OPTIMIZER_G,
                Checkpoint.OPTIMIZER_D)) {
            Path file = folder.resolve(name);
            byte[] valid = Files.readAllBytes(file);
            FileFuzz.check(file, safetensorsCases(valid, seed += 2), p -> {
                Checkpoint.load(p.getParent(), b.g(), b.d(), b.gOpt(), b.dOpt());
                return b;
            }, IOException.class, FileFuzz.anyResult());
            Files.delete(file);
            Files.write(file, valid);
        }
    }

    @Test
    void aDamagedLatestGivesACompleteCheckpointOrIsRefusedByName() throws Exception {
        Checkpoints checkpoints = new Checkpoints(folder.getParent());
        Path latest = checkpoints.dir().resolve(Checkpoints.LATEST);
        FileFuzz.check(latest, FileFuzz.textCases(Files.readString(latest), 3, 20, 100, 1), p -> checkpoints.latest(),
                IOException.class, (c, found) -> assertEquals(folder, found.orElseThrow(), c.description()));
    }

    @Test
    void aFolderWhereACheckpointFileIsExpectedIsRefusedByName() throws Exception {
        SmallRun b = SmallRun.of(2);
        for (String name : List.of(Checkpoint.GENERATOR, Checkpoint.OPTIMIZER_G)) {
            Path file = folder.resolve(name);
            byte[] valid = Files.readAllBytes(file);
            FileFuzz.checkFolderInPlace(file, p -> {
                Checkpoint.load(p.getParent(), b.g(), b.d(), b.gOpt(), b.dOpt());
                return b;
            }, IOException.class);
            Files.write(file, valid);
        }
        FileFuzz.checkFolderInPlace(folder.resolve(Checkpoint.TRAINER), p -> Checkpoint.readInfo(p.getParent()),
                IOException.class);
    }

    // ---- regression tests of the defects the fuzz cases found ---------------------------------------------------

    /** Replaces the value of {@code field} (matched by {@code valuePattern}) in trainer.json, and reads it. */
    private IOException infoRefused(String field, String valuePattern, String value) throws Exception {
        Path file = folder.resolve(Checkpoint.TRAINER);
        String json = Files.readString(file).replaceFirst("\"" + field + "\" : " + valuePattern,
                "\"" + field + "\" : " + value);
        assertTrue(json.contains("\"" + field + "\" : " + value), json);
        Files.writeString(file, json);
        return assertThrows(IOException.class, () -> Checkpoint.readInfo(folder));
    }

    /** data_position [1] failed in Trainer.restore with an ArrayIndexOutOfBoundsException; [1, 2, 3] was cut. */
    @Test
    void aDataPositionOfAnotherLengthOrWithANegativeEntryIsRefusedByName() throws Exception {
        Path file = folder.resolve(Checkpoint.TRAINER);
        for (String bad : List.of("[ 1 ]", "[ 1, 2, 3 ]", "[ 4, -1 ]", "[ 4, 1.5 ]")) {
            assertEquals(file + ": field 'data_position' must be a list of 2 integers >= 0 (the training and"
                    + " held-out positions), found " + bad.replace(" ", "").replace(",", ", "),
                    infoRefused("data_position", "\\[[^\\]]*\\]", bad).getMessage());
        }
    }

    /** 1e300 was read as 2^63 - 1 (an integer too large for a long the JSON parser refuses itself). */
    @Test
    void aCounterBeyondLongsRangeIsRefusedByName() throws Exception {
        Path file = folder.resolve(Checkpoint.TRAINER);
        assertEquals(file + ": field 'step' is too large for a 64-bit integer, found 1.0E300",
                infoRefused("step", "[0-9]+", "1e300").getMessage());
        String tooLong = infoRefused("noise_offset", "[0-9]+", "99999999999999999999").getMessage();
        assertTrue(tooLong.startsWith(file + ": not a valid JSON object: Numeric value (99999999999999999999) out of"
                + " range of long"), tooLong);
    }

    /** A state file whose buffers do not fit the optimizer threw an IllegalArgumentException that named no file. */
    @Test
    void anOptimizerStateThatDoesNotFitTheOptimizerIsRefusedByName() throws Exception {
        Path file = folder.resolve(Checkpoint.OPTIMIZER_G);
        Files.copy(folder.resolve(Checkpoint.OPTIMIZER_D), file, StandardCopyOption.REPLACE_EXISTING);
        SmallRun b = SmallRun.of(2);
        IOException e = assertThrows(IOException.class,
                () -> Checkpoint.load(folder, b.g(), b.d(), b.gOpt(), b.dOpt()));
        assertTrue(e.getMessage().startsWith(file + ": loadState: "), e.getMessage());
        assertTrue(b.gOpt().state().params().isEmpty(), "G's optimizer is left as it was");
    }

    /** trainer.json replaced by a folder failed with "Is a directory", naming nothing. */
    @Test
    void aFolderGivenAsTrainerJsonIsNamed() throws Exception {
        Path file = folder.resolve(Checkpoint.TRAINER);
        Files.delete(file);
        Files.createDirectory(file);
        IOException e = assertThrows(IOException.class, () -> Checkpoint.readInfo(folder));
        assertEquals(file + " is a folder, not a text file", e.getMessage());
    }
}
