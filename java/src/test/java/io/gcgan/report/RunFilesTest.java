package io.gcgan.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run folder's files as a user meets them: written with the permissions of any new file, errors that name the
 * file, text files that are not text reported by name, and checkpoint counters that cannot be negative.
 */
class RunFilesTest {

    @TempDir
    Path tmp;

    @Test
    void writtenFilesAndCheckpointsGetTheUsualPermissionsNotATemporaryFilesOnes() throws Exception {
        Assumptions.assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX files");
        Path usual = Files.createFile(tmp.resolve("usual")); // 0666 less the umask
        Path usualDir = Files.createDirectory(tmp.resolve("usualDir"));
        AtomicFiles.writeString(tmp.resolve("config.json"), "{}");
        assertEquals(Files.getPosixFilePermissions(usual), Files.getPosixFilePermissions(tmp.resolve("config.json")));
        Path step = new Checkpoints(tmp.resolve("checkpoints")).write(3, 1,
                dir -> AtomicFiles.writeString(dir.resolve("trainer.json"), "{}"));
        assertEquals(Files.getPosixFilePermissions(usualDir), Files.getPosixFilePermissions(step));
    }

    @Test
    void aWriteErrorNamesTheFile() {
        Path file = tmp.resolve("metrics.csv");
        IOException named = AtomicFiles.naming(file, "write", new IOException("No space left on device"));
        assertEquals("cannot write " + file + ": No space left on device", named.getMessage());
        NoSuchFileException already = new NoSuchFileException(file.toString());
        assertSame(already, AtomicFiles.naming(file, "write", already), "an error that names its file is kept");
    }

    @Test
    void aTextFileThatIsNotTextIsReportedByName() throws Exception {
        Path latest = tmp.resolve("latest");
        Files.write(latest, new byte[] {'s', 't', (byte) 0xff, (byte) 0xfe, '\n'});
        IOException e = assertThrows(IOException.class, () -> TextFiles.read(latest));
        assertTrue(e.getMessage().startsWith(latest + " is not UTF-8 text"), e.getMessage());
        e = assertThrows(IOException.class, () -> TextFiles.readLines(latest));
        assertTrue(e.getMessage().contains(latest.toString()), e.getMessage());
    }

    @Test
    void aCheckpointWithANegativeStepIsRefused() throws Exception {
        Path folder = Files.createDirectory(tmp.resolve("step-000005"));
        String json = "{\"format\": " + Checkpoint.FORMAT + ", \"step\": -5, \"noise_offset\": 0, \"penalty_offset\": 0,"
                + " \"data_position\": [0, 0], \"optimizer_g_steps\": 5, \"optimizer_d_steps\": 5,"
                + " \"config_hash\": \"x\", \"options\": {}}";
        Files.writeString(folder.resolve(Checkpoint.TRAINER), json);
        IOException e = assertThrows(IOException.class, () -> Checkpoint.readInfo(folder));
        assertTrue(e.getMessage().contains("field 'step' must be >= 0, found -5"), e.getMessage());
    }
}
