package io.gcgan.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.bindings.CudaAvailability.Component;
import io.gcgan.bindings.CudaAvailability.Report;
import org.junit.jupiter.api.Test;

/** The probe never throws, and says in words what is missing (on this CI machine: the driver, cuBLAS, cuDNN). */
class CudaAvailabilityTest {

    @Test
    void theProbeReportsEveryComponentWithoutThrowing() {
        Report report = CudaAvailability.probe();
        for (Component c : Component.values()) {
            assertFalse(report.status(c).detail().isBlank(), c + " has no detail");
        }
        assertEquals(Component.values().length, report.summary().lines().count(), report.summary());
    }

    @Test
    void theReasonIsEmptyExactlyWhenTheBackendIsAvailable() {
        Report report = CudaAvailability.probe();
        assertEquals(report.cudaBackendAvailable(), report.reason().isEmpty(), report.summary());
        if (!report.cudaBackendAvailable()) {
            assertTrue(report.reason().startsWith("CUDA unavailable: "), report.reason());
            for (Component c : CudaAvailability.BACKEND) {
                if (!report.status(c).available()) {
                    assertTrue(report.reason().contains(c.label() + ": " + report.status(c).detail()), report.reason());
                }
            }
        }
    }

    @Test
    void theUnavailableComponentsAreTheReasonsLabelsInTheBackendsOrder() {
        Report report = CudaAvailability.probe();
        java.util.List<String> expected = CudaAvailability.BACKEND.stream()
                .filter(c -> !report.status(c).available()).map(Component::label).toList();
        assertEquals(expected, report.unavailableBackendComponents(), report.summary());
        assertEquals(report.cudaBackendAvailable(), report.unavailableBackendComponents().isEmpty(), report.summary());
        for (String label : report.unavailableBackendComponents()) {
            assertTrue(report.reason().contains(label + ": "), label + " not in " + report.reason());
        }
    }

    @Test
    void withoutADeviceTheReasonSaysWhy() {
        Report report = CudaAvailability.probe();
        if (report.available(Component.DEVICE)) {
            return; // a GPU machine: nothing to explain
        }
        String reason = report.reason(Component.DEVICE);
        assertTrue(reason.startsWith("CUDA unavailable: CUDA driver and device: "), reason);
        if (report.available(Component.CUDA_RUNTIME)) {
            // libcudart loaded, so the device check ran and quotes CUDA's own status.
            assertTrue(reason.contains("no CUDA") || reason.contains("driver"), reason);
            assertTrue(reason.contains("cudaGetDeviceCount failed with cudaError"), reason);
        } else {
            assertTrue(reason.contains("not checked: libcudart is not loadable"), reason);
        }
    }

    @Test
    void versionsReadAsCudaPrintsThem() {
        assertEquals("13.0", CudaAvailability.cudaVersion(13000));
        assertEquals("12.4", CudaAvailability.cudaVersion(12040));
        assertEquals("none", CudaAvailability.cudaVersion(0));
        assertEquals("unknown", CudaAvailability.cudaVersion(-1));
    }
}
