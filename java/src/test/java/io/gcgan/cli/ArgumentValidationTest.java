package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.bindings.CudaAvailability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input is refused before anything runs, with exit status 2 and a message that names the option
 * and either the valid names or the value and its range.
 */
class ArgumentValidationTest {

    @TempDir
    Path tmp;

    static Stream<Arguments> badTrainArguments() {
        return Stream.of(
                // unknown names list the valid ones
                Arguments.of(new String[] {"--loss", "foo"}, "unknown GAN loss 'foo'", "nsgan, wgan"),
                Arguments.of(new String[] {"--loss", "ls-gan"}, "ambiguous", "loss-sensitive"),
                Arguments.of(new String[] {"--penalty", "r3"}, "--penalty: unknown value 'r3'", "wgan-gp, zero-centred, r1"),
                Arguments.of(new String[] {"--optimizer", "adagrad"}, "--optimizer: unknown value 'adagrad'",
                        "sgd, adam, rmsprop"),
                Arguments.of(new String[] {"--d-optimizer", "lion"}, "--d-optimizer: unknown value 'lion'", "sgd, adam"),
                Arguments.of(new String[] {"--gc", "yes"}, "--gc: unknown value 'yes'", "none, gcc, gc"),
                Arguments.of(new String[] {"--g-gc", "all"}, "--g-gc: unknown value 'all'", "none, gcc, gc"),
                Arguments.of(new String[] {"--model", "resnet"}, "--model: unknown value 'resnet'", "mnist28, dcgan64, mlp"),
                Arguments.of(new String[] {"--data", "cifar-that-is-not-here"}, "--data", "8gaussians"),
                Arguments.of(new String[] {"--data", " "}, "--data is empty", "an image folder"),
                Arguments.of(new String[] {"--loss", "loss-sensitive", "--ls-lambda", "0"}, "--ls-lambda", "(0,"),
                Arguments.of(new String[] {"--device", "tpu"}, "--device: unknown value 'tpu'", "auto, cpu, cuda"),
                Arguments.of(new String[] {"--conv", "fast"}, "--conv: unknown value 'fast'", "cudnn, own, gemm, auto"),
                Arguments.of(new String[] {"--dtype", "float16"}, "--dtype: unknown value 'float16'", "float32, float64"),
                Arguments.of(new String[] {"--weight-decay-mode", "l2"}, "--weight-decay-mode", "coupled, decoupled"),
                Arguments.of(new String[] {"--sgd-form", "nesterov"}, "--sgd-form", "pytorch, thesis"),
                Arguments.of(new String[] {"--gc-tconv", "both"}, "--gc-tconv", "input-channel, output-filter"),
                Arguments.of(new String[] {"--generator-noise", "new"}, "--generator-noise: unknown value 'new'",
                        "fresh, reuse"),
                // out-of-range values give the value and the range
                Arguments.of(new String[] {"--lr", "0"}, "--lr = 0 is out of range (0, 10]", ""),
                Arguments.of(new String[] {"--g-lr", "50"}, "--g-lr = 50 is out of range (0, 10]", ""),
                Arguments.of(new String[] {"--d-lr", "-1e-3"}, "--d-lr = -0.001 is out of range (0, 10]", ""),
                Arguments.of(new String[] {"--betas", "0.5,1.2"}, "--betas beta2 = 1.2 is out of range [0, 1)", ""),
                Arguments.of(new String[] {"--betas", "0.5"}, "--betas: expected 2 comma-separated numbers", ""),
                Arguments.of(new String[] {"--momentum", "1"}, "--momentum = 1 is out of range [0, 1)", ""),
                Arguments.of(new String[] {"--weight-decay", "2"}, "--weight-decay = 2 is out of range [0, 1]", ""),
                Arguments.of(new String[] {"--n-critic", "0"}, "--n-critic = 0 is out of range [1, 1000]", ""),
                Arguments.of(new String[] {"--batch-size", "0"}, "--batch-size = 0 is out of range [1, 65536]", ""),
                Arguments.of(new String[] {"--batch-size", "1"},
                        "--batch-size = 1 is out of range [2, 65536] for --model mnist28", "BatchNorm"),
                Arguments.of(new String[] {"--steps", "0"}, "--steps = 0 is out of range [1, 1000000000]", ""),
                Arguments.of(new String[] {"--seed", "-5"}, "--seed = -5 is out of range", ""),
                Arguments.of(new String[] {"--penalty-weight", "-1"}, "--penalty-weight = -1 is out of range [0, 1000000]", ""),
                Arguments.of(new String[] {"--clip", "20"}, "--clip = 20 is out of range [0, 10]", ""),
                Arguments.of(new String[] {"--keep", "0"}, "--keep = 0 is out of range [1, 1000]", ""),
                Arguments.of(new String[] {"--checkpoint-every", "0"}, "--checkpoint-every = 0 is out of range", ""),
                Arguments.of(new String[] {"--fixed-samples", "5000"}, "--fixed-samples = 5000 is out of range [1, 4096]", ""),
                Arguments.of(new String[] {"--loss", "gls-gan", "--nu", "2"}, "--nu = 2 is out of range (-inf, 1]", ""),
                // combinations
                Arguments.of(new String[] {"--loss", "gls-gan"}, "--loss gls-gan needs --nu", ""),
                Arguments.of(new String[] {"--model", "dcgan64"}, "--model dcgan64 needs 3x64x64 images", "mnist28"),
                Arguments.of(new String[] {"--model", "mlp"}, "--model mlp needs 2-D points", "8gaussians"),
                Arguments.of(new String[] {"--data", "8gaussians", "--model", "mnist28"}, "--model mnist28 needs", "mlp"),
                // picocli's own checks
                Arguments.of(new String[] {"--bogus"}, "Unknown option: '--bogus'", ""),
                Arguments.of(new String[] {"--steps", "many"}, "'many' is not a long", ""));
    }

    @ParameterizedTest
    @MethodSource("badTrainArguments")
    void badTrainArgumentsAreRefusedWithStatus2AndAMessage(String[] args, String message, String alsoMentions) {
        String[] full = Stream.concat(Stream.of("train", "--out", tmp.resolve("run").toString()), Stream.of(args))
                .toArray(String[]::new);
        CliRunner.Result r = CliRunner.run(full);
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains(message), "expected '" + message + "' in:\n" + r.err());
        assertTrue(r.err().contains(alsoMentions), "expected '" + alsoMentions + "' in:\n" + r.err());
        assertFalse(Files.exists(tmp.resolve("run")), "nothing may be written for a refused command line");
    }

    @Test
    void cudaWithoutAUsableGpuSaysWhatIsMissing() {
        CudaAvailability.Report report = CudaAvailability.probe();
        Assumptions.assumeFalse(report.cudaBackendAvailable(), "this machine has a usable GPU");
        CliRunner.Result r = CliRunner.run("train", "--device", "cuda", "--data", "8gaussians", "--steps", "1",
                "--out", tmp.resolve("run").toString());
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--device cuda: CUDA unavailable: "), r.err());
        assertTrue(r.err().contains(report.reason()), r.err());
        assertTrue(r.err().contains("--device cpu"), "suggests the CPU: " + r.err());
    }

    @Test
    void anExistingRunFolderIsNotOverwrittenWithoutAFlag() throws Exception {
        Path run = tmp.resolve("run");
        Files.createDirectories(run);
        Files.writeString(run.resolve("metrics.csv"), "precious\n");
        CliRunner.Result r = CliRunner.run("train", "--data", "8gaussians", "--steps", "1", "--out", run.toString());
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("already exists") && r.err().contains("--resume") && r.err().contains("--overwrite"),
                r.err());
        assertEquals("precious\n", Files.readString(run.resolve("metrics.csv")));

        // --overwrite refuses a folder that is not a run folder.
        Path other = tmp.resolve("home");
        Files.createDirectories(other);
        Files.writeString(other.resolve("thesis.tex"), "keep me");
        r = CliRunner.run("train", "--data", "8gaussians", "--steps", "1", "--out", other.toString(), "--overwrite");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("not a gcgan run folder"), r.err());
        assertEquals("keep me", Files.readString(other.resolve("thesis.tex")));

        // Nor a folder that has a run's marker file among files gcgan did not write (a project with a config.json).
        Path project = tmp.resolve("project");
        Files.createDirectories(project.resolve("src"));
        Files.writeString(project.resolve("config.json"), "{}");
        Files.writeString(project.resolve("src/Main.java"), "class Main {}");
        r = CliRunner.run("train", "--data", "8gaussians", "--steps", "1", "--out", project.toString(), "--overwrite");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains(project + " holds src, which gcgan does not write in a run folder"), r.err());
        assertEquals("class Main {}", Files.readString(project.resolve("src/Main.java")));

        // A run folder, with a temporary file a crash left, is replaced.
        Path old = tmp.resolve("old");
        assertEquals(0, CliRunner.run("train", "--data", "8gaussians", "--steps", "1", "--out", old.toString())
                .status());
        Files.writeString(old.resolve(".metrics.csv.1f2e3d.tmp"), "half");
        Files.writeString(old.resolve(".DS_Store"), "a file browser's"); // looked at in a file browser
        r = CliRunner.run("train", "--data", "8gaussians", "--steps", "2", "--out", old.toString(), "--overwrite");
        assertEquals(0, r.status(), r.toString());
        assertFalse(Files.exists(old.resolve(".metrics.csv.1f2e3d.tmp")), "the run folder was replaced");

        // An empty --out would be the current folder.
        r = CliRunner.run("train", "--data", "8gaussians", "--steps", "1", "--out", "", "--overwrite");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--out: an empty path"), r.err());
    }

    @Test
    void diracNotesTheOptionsItsRegularizerDoesNotUse() {
        CliRunner.Result r = CliRunner.run("dirac", "--steps", "10", "--gamma", "5", "--sigma", "2", "--out",
                tmp.resolve("d.png").toString());
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.err().contains("note: --gamma is ignored") && r.err().contains("note: --sigma is ignored"),
                r.err());
        r = CliRunner.run("dirac", "--steps", "10", "--regularizer", "zero-centred", "--gamma", "5", "--out",
                tmp.resolve("d.png").toString());
        assertEquals(0, r.status(), r.toString());
        assertFalse(r.err().contains("note:"), "gamma is used: " + r.err());
    }

    @Test
    void compareNamesACsvWithoutTheMetricsColumns() throws Exception {
        Path csv = tmp.resolve("other.csv");
        Files.writeString(csv, "a,b\n1,2\n");
        CliRunner.Result r = CliRunner.run("compare", csv.toString(), "--out", tmp.resolve("c.png").toString());
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("compare: " + csv + " has no column 'd_loss' (not a gcgan metrics.csv?)"),
                r.err());
        r = CliRunner.run("compare", csv.toString(), "--metrics", "x", "--out", tmp.resolve("c.png").toString());
        assertTrue(r.err().contains("--metrics: " + csv + " has no column 'x'"), r.err());
    }

    @Test
    void negativeStepNumbersAreOutOfRange() {
        CliRunner.Result r = CliRunner.run("train", "--resume", tmp.resolve("run").toString(), "--from-step", "-1");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--from-step = -1 is out of range [0, "), r.err());
        r = CliRunner.run("sample", tmp.resolve("run").toString(), "--step", "-1");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--step = -1 is out of range [0, "), r.err());
    }

    @Test
    void resumeRefusesAMissingFolderAndConflictingOptions() {
        CliRunner.Result r = CliRunner.run("train", "--resume", tmp.resolve("nothing").toString());
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains("no such file") && r.err().contains("nothing"), r.err());
        r = CliRunner.run("train", "--resume", tmp.toString(), "--out", tmp.resolve("x").toString());
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--resume and --out"), r.err());
    }

    static Stream<Arguments> badDiracArguments() {
        return Stream.of(
                Arguments.of(new String[] {"--loss", "lsgan"}, "--loss: unknown value 'lsgan'", "gan, nsgan, wgan"),
                Arguments.of(new String[] {"--regularizer", "r1"}, "--regularizer: unknown value 'r1'", "zero-centred"),
                Arguments.of(new String[] {"--update", "sim"}, "--update: unknown value 'sim'", "simultaneous, alternating"),
                Arguments.of(new String[] {"--h", "0"}, "--h = 0 is out of range (0, 10]", ""),
                Arguments.of(new String[] {"--gamma", "-1"}, "--gamma = -1 is out of range (0, 1000000]", ""),
                Arguments.of(new String[] {"--steps", "-1"}, "--steps = -1 is out of range [0, 1000000]", ""),
                Arguments.of(new String[] {"--start", "1"}, "--start: expected 2 comma-separated numbers", ""),
                Arguments.of(new String[] {"--d-steps", "3"}, "--d-steps 3 needs --update alternating", ""));
    }

    @ParameterizedTest
    @MethodSource("badDiracArguments")
    void badDiracArgumentsAreRefused(String[] args, String message, String alsoMentions) {
        String[] full = Stream.concat(Stream.of("dirac", "--out", tmp.resolve("d.png").toString()), Stream.of(args))
                .toArray(String[]::new);
        CliRunner.Result r = CliRunner.run(full);
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains(message), "expected '" + message + "' in:\n" + r.err());
        assertTrue(r.err().contains(alsoMentions), r.err());
        assertFalse(Files.exists(tmp.resolve("d.png")));
    }

    @Test
    void helpExplainsEveryOptionWithItsDefault() {
        CliRunner.Result r = CliRunner.run("train", "--help");
        assertEquals(0, r.status(), r.toString());
        for (String option : new String[] {"--model", "--data", "--loss", "--penalty", "--penalty-weight",
            "--optimizer", "--g-optimizer", "--d-optimizer", "--gc", "--g-gc", "--d-gc", "--lr", "--g-lr", "--d-lr",
            "--betas", "--momentum", "--weight-decay", "--n-critic", "--generator-noise", "--batch-size", "--steps",
            "--seed",
            "--device", "--out", "--resume", "--keep"}) {
            assertTrue(r.out().contains(option + "="), "help lacks " + option + ":\n" + r.out());
        }
        assertTrue(r.out().contains("--overwrite ") && r.out().contains("--quiet "), r.out());
        String flat = r.out().replaceAll("\\s+", " ");
        assertTrue(flat.contains("Default: nsgan"), flat);
        assertTrue(flat.contains("Default: r1"), flat);
        assertTrue(flat.contains("Default: 1200"), flat);
        assertTrue(flat.contains("Default: auto"), flat);
    }

    @Test
    void noCommandIsABadCommandLineThatListsTheCommands() {
        CliRunner.Result r = CliRunner.run();
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().startsWith("error: no command given"), r.toString());
        for (String command : new String[] {"train", "experiment", "compare", "dirac", "sample", "score", "info"}) {
            assertTrue(r.err().contains("  " + command + " "), "usage lacks " + command + ":\n" + r.err());
        }
        assertEquals("", r.out(), "nothing on stdout, which a script may read as a result");
        CliRunner.Result help = CliRunner.run("--help");
        assertEquals(0, help.status(), help.toString());
        assertTrue(help.out().contains("  train "), help.out());
    }

    @Test
    void aBatchLargerThanTheTrainingPartCountsItsImagesInWords() throws Exception {
        // 2 images: 1 held out for scoring, 1 left to train on, which a batch of 2 cannot fill
        Path folder = ScoreCommandTest.imageFolder(tmp.resolve("two"), 2);
        CliRunner.Result r = CliRunner.run("train", "--data", folder.toString(), "--model", "dcgan64", "--batch-size",
                "2", "--steps", "1", "--device", "cpu", "--out", tmp.resolve("run").toString());
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--batch-size = 2 is out of range [1, 1]"), r.err());
        assertTrue(r.err().contains(" has 1 image\n") || r.err().contains(" has 1 image\r\n"), r.err());
    }
}
