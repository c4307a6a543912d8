package io.gcgan.bench.gpu;

import io.gcgan.backend.Backend;
import io.gcgan.backend.cpu.CpuBackend;
import io.gcgan.bindings.CudaAvailability;
import io.gcgan.tensor.Backends;
import io.gcgan.tensor.Device;

/**
 * The first Java stage of {@code bench/gpu-check.sh}: what this machine offers the CUDA backend, one line per
 * component (io.gcgan.bindings.CudaAvailability), whether this build's CUDA backend starts on device 0, and that the
 * CPU backend (the oracle of the GPU tests, with its OpenBLAS) loads.
 *
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -cp 'DIR/*' io.gcgan.bench.gpu.GpuProbe
 * </pre>
 *
 * Exit status: 0 the CUDA backend runs; 2 CUDA is unavailable here (the reason is printed); 3 {@code Backends.of}
 * says the CUDA backend is unavailable or this build has none; 4 the CUDA backend failed to start; 5 the CPU backend
 * failed to load.
 */
public final class GpuProbe {

    private GpuProbe() {
    }

    public static void main(String[] args) {
        System.out.println("java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ", "
                + Runtime.getRuntime().availableProcessors() + " cores, max heap "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB)");
        try {
            System.out.println("CPU backend: " + CpuBackend.instance().description());
        } catch (RuntimeException | LinkageError e) {
            System.out.println("CPU backend: failed to load: " + e);
            e.printStackTrace(System.out);
            System.exit(5);
        }
        CudaAvailability.Report report = CudaAvailability.probe();
        System.out.println(report.summary());
        if (!report.cudaBackendAvailable()) {
            System.out.println("CUDA backend: not started: " + report.reason());
            System.exit(2);
        }
        try {
            Backend cuda = Backends.of(Device.cuda(0));
            cuda.synchronize();
            System.out.println("CUDA backend: " + cuda.description());
        } catch (UnsupportedOperationException e) {
            System.out.println("CUDA backend: unavailable: " + e.getMessage());
            System.exit(3);
        } catch (NoClassDefFoundError e) {
            System.out.println("CUDA backend: missing from this build: " + e);
            System.exit(3);
        } catch (RuntimeException | LinkageError e) {
            System.out.println("CUDA backend: failed to start: " + e);
            e.printStackTrace(System.out);
            System.exit(4);
        }
        System.exit(0);
    }
}
