package io.gcgan.cli;

import static io.gcgan.cli.CliRunner.savedOptions;
import static io.gcgan.cli.CliRunner.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.cuda.ConvAutotuneTiming;
import io.gcgan.backend.cuda.ConvImplementation;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gcgan train --conv own|cudnn --tf32}: recorded in config.json as run-control options (a resume may change
 * them, as it may change --device), reported as not applying on the CPU, and absent from the configurations of runs
 * made before they existed (read back as own and false).
 */
class CudaSettingsOptionsTest {

    @TempDir
    Path tmp;

    private static final String[] SHORT_RUN = {"train", "--data", "8gaussians", "--mlp-width", "8", "--batch-size",
        "16", "--steps", "3", "--checkpoint-every", "3", "--sample-every", "3", "--device", "cpu"};

    @Test
    void convAndTf32AreRecordedAndSaidNotToApplyOnTheCpu() throws Exception {
        Path run = tmp.resolve("run");
        CliRunner.Result r = CliRunner.run(with(SHORT_RUN, "--conv", "gemm", "--tf32", "--out", run.toString()));
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("device: cpu") && r.out().contains("--conv and --tf32 apply to CUDA devices only"),
                r.out());
        Map<String, Object> options = savedOptions(run);
        assertEquals("gemm", options.get("conv"));
        assertEquals(true, options.get("tf32"));
    }

    @Test
    void theDefaultsSayNothingOnTheCpu() throws Exception {
        CliRunner.Result r = CliRunner.run(with(SHORT_RUN, "--out", tmp.resolve("plain").toString()));
        assertEquals(0, r.status(), r.toString());
        assertFalse(r.out().contains("apply to CUDA devices only"), r.out());
    }

    @Test
    void aResumeMayChangeConvAndTf32() throws Exception {
        Path run = tmp.resolve("resumed");
        assertEquals(0, CliRunner.run(with(SHORT_RUN, "--out", run.toString())).status());
        CliRunner.Result r = CliRunner.run("train", "--resume", run.toString(), "--steps", "4", "--conv", "cudnn",
                "--tf32=true");
        assertEquals(0, r.status(), r.toString());
        Map<String, Object> options = savedOptions(run);
        assertEquals("cudnn", options.get("conv"));
        assertEquals(true, options.get("tf32"));
    }

    @Test
    void configurationsWithoutTheOptionsReadAsTheDefaults() throws Exception {
        Path run = tmp.resolve("old");
        assertEquals(0, CliRunner.run(with(SHORT_RUN, "--out", run.toString())).status());
        Map<String, Object> options = new LinkedHashMap<>(savedOptions(run));
        options.remove("conv");
        options.remove("tf32");
        TrainSettings s = TrainSettings.fromOptions(options);
        assertEquals(TrainSettings.DEFAULT_CONV, s.conv());
        assertFalse(s.tf32());
    }

    @Test
    void convAutoTimesOnTheDeviceAloneOnlyForCapturedSteps() {
        // a captured step (a CUDA graph) pays the device's time alone; a written one the launches too
        assertEquals(ConvAutotuneTiming.DEVICE_ONLY, DeviceChoice.autotuneTiming(ConvImplementation.AUTO, true));
        assertEquals(ConvAutotuneTiming.WITH_LAUNCHES, DeviceChoice.autotuneTiming(ConvImplementation.AUTO, false));
        for (ConvImplementation fixed : ConvImplementation.values()) {
            if (fixed != ConvImplementation.AUTO) { // nothing is timed: the default, whatever the steps
                assertEquals(ConvAutotuneTiming.WITH_LAUNCHES, DeviceChoice.autotuneTiming(fixed, true), fixed.name());
            }
        }
    }
}
