package io.gcgan.cli;

import io.gcgan.backend.cuda.ConvAutotuneTiming;
import io.gcgan.backend.cuda.ConvImplementation;
import io.gcgan.backend.cuda.CudaBackend;
import io.gcgan.bindings.CudaAvailability;
import io.gcgan.tensor.Backends;
import io.gcgan.tensor.Device;
import java.util.List;

/**
 * The device a command computes on, from {@code --device}: {@code cpu}, {@code cuda} / {@code cuda:N}, or
 * {@code auto} (the GPU when the CUDA backend can run, else the CPU), with the reason for the choice.
 *
 * @param device      the chosen device
 * @param backend     its backend's description
 * @param reason      why it was chosen (for auto: what made the GPU usable or not, in full: config.json keeps it)
 * @param brief       the reason in a few words, for the line a command prints (auto on a machine without CUDA:
 *                    which components are missing, not each library's file names and error codes)
 */
record DeviceChoice(String requested, Device device, String backend, String reason, String brief) {

    static final List<String> NAMES = List.of("auto", "cpu", "cuda", "cuda:N");

    /** Validates the spelling only (no probing): auto, cpu, cuda or cuda:N. */
    static String canonical(String requested) {
        String r = requested.strip().toLowerCase(java.util.Locale.ROOT);
        if (r.equals("auto")) {
            return r;
        }
        try {
            Device d = Device.parse(r);
            return r.equals("cuda") ? r : d.toString();
        } catch (IllegalArgumentException e) {
            throw new UsageException("--device: unknown value '" + requested + "'; valid values: "
                    + String.join(", ", NAMES));
        }
    }

    /**
     * Resolves {@code requested}.
     *
     * @throws UsageException for an unknown name, or for {@code cuda} when CUDA cannot run here (saying what is
     *                        missing)
     */
    static DeviceChoice select(String requested) {
        String r = canonical(requested);
        if (r.equals("cpu")) {
            return cpu(r, "requested with --device cpu", "requested with --device cpu");
        }
        if (r.equals("auto")) {
            CudaAvailability.Report report = CudaAvailability.probe();
            if (!report.cudaBackendAvailable()) {
                return cpu(r, report.reason(), "CUDA unavailable (" + String.join(", ",
                        report.unavailableBackendComponents()) + "; gcgan info says why)");
            }
            try {
                Device d = Device.cuda(0);
                return new DeviceChoice(r, d, Backends.of(d).description(), "CUDA is available", "CUDA is available");
            } catch (RuntimeException e) {
                String reason = "the CUDA backend did not start: " + e.getMessage();
                return cpu(r, reason, reason);
            }
        }
        Device d = Device.parse(r);
        CudaAvailability.Report report = CudaAvailability.probe();
        if (!report.cudaBackendAvailable()) {
            throw new UsageException("--device " + requested + ": " + report.reason()
                    + ". Use --device cpu (or auto, which falls back to the CPU).");
        }
        try {
            String reason = "requested with --device " + requested;
            return new DeviceChoice(r, d, Backends.of(d).description(), reason, reason);
        } catch (RuntimeException e) {
            throw new UsageException("--device " + requested + ": the CUDA backend did not start: " + e.getMessage(),
                    e);
        }
    }

    /**
     * Applies the CUDA settings of a command ({@code --conv}, {@code --tf32}, and for conv auto how it times its
     * candidates: {@link #autotuneTiming}) to the chosen device's backend and says what was set, or that they do not
     * apply (the CPU backend has one conv and no TF32).
     */
    String applyCudaSettings(String conv, boolean tf32, boolean capturedSteps) {
        if (device.kind() != Device.Kind.CUDA) {
            boolean asked = !conv.equals(TrainSettings.DEFAULT_CONV) || tf32;
            return asked ? "--conv and --tf32 apply to CUDA devices only" : "";
        }
        CudaBackend cuda = (CudaBackend) Backends.of(device);
        ConvImplementation implementation = ConvImplementation.fromName(conv);
        ConvAutotuneTiming timing = autotuneTiming(implementation, capturedSteps);
        cuda.setDefaultConvImplementation(implementation);
        cuda.setConvAutotuneTiming(timing); // also back to the default: the backend outlives a run of an experiment
        cuda.allowTf32(tf32);
        String timed = implementation == ConvImplementation.AUTO && timing == ConvAutotuneTiming.DEVICE_ONLY
                ? " (timed on the device alone, as captured steps run)" : "";
        return "conv " + conv + timed + ", TF32 " + (tf32 ? "on" : "off");
    }

    /**
     * How conv auto times its candidates in a run: on the device alone where the steps are captured (a CUDA graph pays
     * no host time per call, which timing with the launches charges cuDNN's calls 50-100 us each), else with the
     * launches, as a written step pays them. On an H200 (2026-11-27, bench/results/2026-11-27-h200-held-rows.md)
     * device-only timing made captured steps faster on both reference models, dcgan64 6.99 ms against 7.61 ms and
     * mnist28 1.36 ms against 1.51 ms, but written mnist28 steps 7% slower.
     */
    static ConvAutotuneTiming autotuneTiming(ConvImplementation conv, boolean capturedSteps) {
        return conv == ConvImplementation.AUTO && capturedSteps ? ConvAutotuneTiming.DEVICE_ONLY
                : ConvAutotuneTiming.WITH_LAUNCHES;
    }

    private static DeviceChoice cpu(String requested, String reason, String brief) {
        return new DeviceChoice(requested, Device.CPU, Backends.of(Device.CPU).description(), reason, brief);
    }

    /** "cpu (2 cores; OpenBLAS ...); auto: CUDA unavailable (libcudart, cuBLAS; gcgan info says why)" */
    String summary() {
        return backend + (brief.isEmpty() ? "" : "; " + (requested.equals("auto") ? "auto: " : "") + brief);
    }
}
