package io.gcgan.report;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run folder: made for a new run only where nothing of the user's is lost, locked while a run trains in it, and
 * laid out as the README describes.
 */
class RunFolderTest {

    @TempDir
    Path tmp;

    private static List<String> entries(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aNewRunMakesTheFolderAndLocksItUntilReleased() throws Exception {
        Path dir = tmp.resolve("runs").resolve("a");
        RunFolder run = RunFolder.create(dir, false);
        assertEquals(dir.toAbsolutePath().normalize(), run.root());
        assertEquals(List.of(".lock", "checkpoints", "samples"), entries(dir));
        assertEquals("pid " + ProcessHandle.current().pid() + "\n", Files.readString(dir.resolve(".lock")));
        RunFolder.InUseException e = assertThrows(RunFolder.InUseException.class, () -> RunFolder.open(dir));
        assertEquals("the run folder " + run.root() + " is in use by another gcgan process (pid "
                + ProcessHandle.current().pid() + "); wait until it ends, or stop it (Ctrl-C saves a checkpoint) and"
                + " resume", e.getMessage());
        run.release();
        run.release(); // idempotent
        RunFolder again = assertDoesNotThrow(() -> RunFolder.open(dir));
        assertThrows(RunFolder.InUseException.class, () -> RunFolder.create(dir, true), "overwrite waits its turn");
        again.release();
    }

    @Test
    void aFolderHoldingOnlyALockFileIsEmpty() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("a"));
        Files.writeString(dir.resolve(".lock"), "pid 1\n");
        RunFolder run = RunFolder.create(dir, false);
        assertEquals(List.of(".lock", "checkpoints", "samples"), entries(dir));
        run.release();
    }

    @Test
    void aFolderWithContentIsRefusedWithoutOverwrite() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("a"));
        Files.writeString(dir.resolve("config.json"), "{}");
        Path root = dir.toAbsolutePath().normalize();
        RunFolder.FolderExistsException e = assertThrows(RunFolder.FolderExistsException.class,
                () -> RunFolder.create(dir, false));
        assertEquals("the run folder " + root + " already exists; continue that run with --resume " + root
                + ", replace it with --overwrite, or choose another --out", e.getMessage());
        assertEquals(List.of("config.json"), entries(dir), "nothing made or deleted");
        Path file = Files.writeString(tmp.resolve("notes.txt"), "mine");
        e = assertThrows(RunFolder.FolderExistsException.class, () -> RunFolder.checkNew(file, true));
        assertEquals(file + " exists and is not a folder; choose another --out", e.getMessage());
        IOException under = assertThrows(IOException.class, () -> RunFolder.create(file.resolve("run"), false));
        assertEquals("cannot create the run folder " + file.resolve("run") + ": not a folder: " + file,
                under.getMessage());
        assertEquals("mine", Files.readString(file));
    }

    @Test
    void overwriteDeletesOnlyARunFolderThatHoldsNothingElse() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(home.resolve("thesis.tex"), "x");
        IOException e = assertThrows(RunFolder.FolderExistsException.class, () -> RunFolder.create(home, true));
        assertEquals(home + " is not empty and is not a gcgan run folder (no config.json, metrics.csv, checkpoints);"
                + " --overwrite only replaces run folders", e.getMessage());
        // without --overwrite the same: it is no run to continue with --resume
        e = assertThrows(RunFolder.FolderExistsException.class, () -> RunFolder.create(home, false));
        assertEquals(home + " is not empty and is not a gcgan run folder (no config.json, metrics.csv, checkpoints);"
                + " choose another --out", e.getMessage());
        assertEquals(List.of("thesis.tex"), entries(home), "nothing made or deleted");

        Path run = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(run.resolve("metrics.csv"), "step\n");
        for (String n : List.of("a.txt", "b.txt", "c.txt", "d.txt")) {
            Files.writeString(run.resolve(n), n);
        }
        e = assertThrows(RunFolder.FolderExistsException.class, () -> RunFolder.create(run, true));
        assertTrue(e.getMessage().startsWith(run + " holds a.txt, b.txt, c.txt and 1 more, which gcgan does not"),
                e.getMessage());
        Files.delete(run.resolve("d.txt"));
        Files.delete(run.resolve("c.txt"));
        e = assertThrows(RunFolder.FolderExistsException.class, () -> RunFolder.create(run, true));
        assertTrue(e.getMessage().startsWith(run + " holds a.txt, b.txt, which"), e.getMessage());
        Files.delete(run.resolve("a.txt"));
        Files.delete(run.resolve("b.txt"));

        // gcgan's own files, a crashed writer's temporary file and a file browser's leftovers: all replaced.
        Files.createDirectories(run.resolve("checkpoints").resolve("step-000001"));
        Files.writeString(run.resolve("checkpoints").resolve("latest"), "step-000001\n");
        Files.createDirectories(run.resolve("samples"));
        Files.writeString(run.resolve("samples").resolve("step-000001.png"), "png");
        for (String n : List.of("config.json", "loss.png", "scores.csv", ".metrics.csv.1f2e.tmp", ".DS_Store",
                "._loss.png", "Thumbs.db")) {
            Files.writeString(run.resolve(n), n);
        }
        RunFolder r = RunFolder.create(run, true);
        assertEquals(List.of(".lock", "checkpoints", "samples"), entries(run));
        assertEquals(List.of(), entries(run.resolve("checkpoints")));
        assertEquals(List.of(), entries(run.resolve("samples")));
        r.release();
    }

    @Test
    void readingNeedsARunFolderAndChangesNothing() throws Exception {
        NoSuchFileException missing = assertThrows(NoSuchFileException.class,
                () -> RunFolder.read(tmp.resolve("nope")));
        assertEquals("no such run folder", missing.getReason());
        Path other = Files.createDirectories(tmp.resolve("other"));
        IOException e = assertThrows(IOException.class, () -> RunFolder.read(other));
        assertEquals(other + " is not a gcgan run folder (it has none of config.json, metrics.csv, checkpoints)",
                e.getMessage());
        assertFalse(RunFolder.isRunFolder(other));
        Path run = Files.createDirectories(tmp.resolve("run").resolve("checkpoints"));
        assertTrue(RunFolder.isRunFolder(run.getParent()));
        RunFolder r = RunFolder.read(run.getParent());
        assertEquals(List.of("checkpoints"), entries(run.getParent()), "read makes no lock, no samples folder");
        RunFolder opened = RunFolder.open(run.getParent()); // not locked by read
        assertEquals(List.of(".lock", "checkpoints", "samples"), entries(run.getParent()));
        opened.release();
        assertEquals(r.root().toString(), r.toString());
    }

    @Test
    void theFilesOfARunFolderHaveTheirDocumentedNames() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("run").resolve("checkpoints")).getParent();
        RunFolder r = RunFolder.read(dir);
        assertEquals(dir.resolve("config.json"), r.config());
        assertEquals(dir.resolve("metrics.csv"), r.metrics());
        assertEquals(dir.resolve("loss.png"), r.lossPlot());
        assertEquals(dir.resolve("grad-norms.png"), r.gradNormPlot());
        assertEquals(dir.resolve("scores.csv"), r.scores());
        assertEquals(dir.resolve("scores.png"), r.scoresPlot());
        assertEquals(dir.resolve("samples"), r.samplesDir());
        assertEquals(dir.resolve("samples").resolve("step-000042.png"), r.sampleFile(42));
        assertEquals(dir.resolve("samples.png"), r.latestSamples());
        assertEquals(dir.resolve("conv-choices.txt"), r.convChoices());
        assertEquals(dir.resolve("checkpoints"), r.checkpoints().dir());
    }
}
