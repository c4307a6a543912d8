package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.bindings.CudaAvailability;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the command line reports a failure: a file error says what went wrong with which file (never a bare path), an
 * exception without a message is named by its class, a bad value exits with status 2 and points to --help, a failure
 * with status 1; and how --device is spelled and described.
 */
class ErrorReportingTest {

    @TempDir
    Path tmp;

    @Test
    void fileErrorsSayWhatWentWrong() {
        assertEquals("no such file: runs/a", Main.describe(new NoSuchFileException("runs/a")));
        assertEquals("no such file: runs/a (no checkpoint)",
                Main.describe(new NoSuchFileException("runs/a", null, "no checkpoint")));
        assertEquals("permission denied: runs/a", Main.describe(new AccessDeniedException("runs/a")));
        assertEquals("file system error: runs/a", Main.describe(new FileSystemException("runs/a")));
        // A message that says more than the path is kept.
        assertEquals("runs/a: Read-only file system",
                Main.describe(new FileSystemException("runs/a", null, "Read-only file system")));
        assertEquals("disk full", Main.describe(new IOException("disk full")));
        assertEquals("IllegalStateException", Main.describe(new IllegalStateException()));
        assertEquals("IOException", Main.describe(new IOException(" ")));
    }

    @Test
    void aBadValueExitsWith2AndPointsToTheCommandsHelp() {
        CliRunner.Result r = CliRunner.run("train", "--steps", "0", "--out", tmp.resolve("run").toString());
        assertEquals(2, r.status(), r.toString());
        assertEquals("error: --steps = 0 is out of range [1, 1000000000]\n"
                + "Run 'gcgan train --help' for the options.\n", r.err().replace("\r\n", "\n"));
        assertEquals("", r.out());
        r = CliRunner.run("train", "--stpes=3");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().startsWith("error: Unknown option: '--stpes=3'"), r.err());
        assertTrue(r.err().contains("Possible solutions: --steps"), "suggests the option meant: " + r.err());
        assertTrue(r.err().contains("Run 'gcgan train --help' for the options."), r.err());
    }

    @Test
    void aFailureExitsWith1AndNamesTheFile() {
        Path missing = tmp.resolve("missing");
        CliRunner.Result r = CliRunner.run("train", "--resume", missing.toString());
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().startsWith("error: no such file: " + missing), r.err());
        assertTrue(!r.err().contains("--help") && !r.err().contains("\tat "), "no usage hint, no stack trace: "
                + r.err());
    }

    @Test
    void deviceNamesAreCheckedForSpellingOnly() {
        assertEquals("auto", DeviceChoice.canonical(" AUTO "));
        assertEquals("cpu", DeviceChoice.canonical("Cpu"));
        assertEquals("cuda", DeviceChoice.canonical("cuda"));
        assertEquals("cuda:1", DeviceChoice.canonical("CUDA:1"));
        UsageException e = assertThrows(UsageException.class, () -> DeviceChoice.canonical("gpu"));
        assertEquals("--device: unknown value 'gpu'; valid values: auto, cpu, cuda, cuda:N", e.getMessage());
    }

    @Test
    void theCpuChoiceSaysWhyItWasChosen() {
        DeviceChoice cpu = DeviceChoice.select("cpu");
        assertEquals("requested with --device cpu", cpu.reason());
        assertTrue(cpu.summary().startsWith("cpu") && cpu.summary().endsWith("; requested with --device cpu"),
                cpu.summary());
        assertEquals("", cpu.applyCudaSettings("own", false, true));
        assertEquals("--conv and --tf32 apply to CUDA devices only", cpu.applyCudaSettings("own", true, false));
        assertEquals("--conv and --tf32 apply to CUDA devices only", cpu.applyCudaSettings("cudnn", false, false));

        CudaAvailability.Report report = CudaAvailability.probe();
        Assumptions.assumeFalse(report.cudaBackendAvailable(), "this machine has a usable GPU");
        DeviceChoice auto = DeviceChoice.select("auto");
        assertEquals("auto", auto.requested());
        assertEquals(report.reason(), auto.reason());
        assertTrue(auto.summary().endsWith("; auto: " + auto.brief()), auto.summary()); // DeviceLineTest: the brief
    }
}
