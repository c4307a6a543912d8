package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.gcgan.bindings.CudaAvailability;
import io.gcgan.tensor.Device;
import org.junit.jupiter.api.Test;

/**
 * The device line a command prints when {@code --device auto} falls back to the CPU names the missing CUDA
 * components in a few words (it was about 900 characters of library names and CUDA error codes on every run, also
 * with --quiet), while the choice keeps the full reason for config.json.
 */
class DeviceLineTest {

    @Test
    void autoWithoutCudaSaysWhichComponentsAreMissingInOneShortLine() {
        CudaAvailability.Report report = CudaAvailability.probe();
        assumeFalse(report.cudaBackendAvailable(), "CUDA runs here: auto chooses it, nothing is missing");
        DeviceChoice choice = DeviceChoice.select("auto");
        assertEquals(Device.CPU, choice.device());
        assertEquals(report.reason(), choice.reason(), "the full reason is kept");
        String line = choice.summary();
        String note = "; auto: CUDA unavailable (" + String.join(", ", report.unavailableBackendComponents())
                + "; gcgan info says why)";
        assertEquals(choice.backend() + note, line);
        assertTrue(note.length() < 120, note);
    }

    @Test
    void anExplicitCpuSaysItWasRequested() {
        DeviceChoice choice = DeviceChoice.select("cpu");
        assertEquals(choice.backend() + "; requested with --device cpu", choice.summary());
        assertEquals("requested with --device cpu", choice.reason());
    }
}
