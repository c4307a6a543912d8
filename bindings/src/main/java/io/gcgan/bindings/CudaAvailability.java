package io.gcgan.bindings;

import io.gcgan.bindings.cublas.Cublas;
import io.gcgan.bindings.cublas.CublasLoader;
import io.gcgan.bindings.cudart.CudaException;
import io.gcgan.bindings.cudart.CudaRuntime;
import io.gcgan.bindings.cudart.CudaRuntimeLoader;
import io.gcgan.bindings.cudnn.Cudnn;
import io.gcgan.bindings.cudnn.CudnnLoader;
import io.gcgan.bindings.kernels.GcganKernels;
import io.gcgan.bindings.kernels.GcganKernelsLoader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What this machine offers for the CUDA backend, found without throwing: whether libcudart, a driver and a device,
 * cuBLAS, cuDNN and libgcgan_kernels are there, each with a human-readable detail. GPU tests skip with
 * {@link Report#reason()}; {@code --device cuda} prints it.
 *
 * <pre>
 * CudaAvailability.Report report = CudaAvailability.probe();
 * Assumptions.assumeTrue(report.cudaBackendAvailable(), report.reason());
 * </pre>
 *
 * <p>The probe loads the libraries (each loader caches its result for the process), asks libcudart for the
 * runtime and driver versions and the device count, and reads device 0's name and compute capability. It creates no
 * CUDA context, cuBLAS handle or cuDNN handle, and allocates no device memory.
 */
public final class CudaAvailability {

    /** The parts the CUDA backend is made of. */
    public enum Component {
        CUDA_RUNTIME("libcudart"),
        DEVICE("CUDA driver and device"),
        CUBLAS("cuBLAS"),
        CUDNN("cuDNN"),
        KERNELS("libgcgan_kernels");

        private final String label;

        Component(String label) {
            this.label = label;
        }

        /** A short name for messages, e.g. "cuBLAS". */
        public String label() {
            return label;
        }
    }

    /** The components the CUDA backend cannot run without (cuDNN is only its second convolution implementation). */
    public static final List<Component> BACKEND = List.of(Component.CUDA_RUNTIME, Component.DEVICE, Component.CUBLAS,
            Component.KERNELS);

    /**
     * One component's state.
     *
     * @param available whether it can be used
     * @param detail    what was found ("libcudart.so.13, CUDA runtime 13.0") or why it is missing
     */
    public record Status(Component component, boolean available, String detail) {
    }

    /** The state of every component. */
    public record Report(Map<Component, Status> statuses) {

        public Report {
            statuses = Map.copyOf(statuses);
        }

        public Status status(Component component) {
            return statuses.get(component);
        }

        /** Whether all of {@code components} are available. */
        public boolean available(Component... components) {
            return Arrays.stream(components).allMatch(c -> statuses.get(c).available());
        }

        /** Whether everything in {@link #BACKEND} is available: CUDA work can run. */
        public boolean cudaBackendAvailable() {
            return available(BACKEND.toArray(Component[]::new));
        }

        /** Why the CUDA backend cannot run ("" when it can), e.g. for a test's skip message. */
        public String reason() {
            return reason(BACKEND.toArray(Component[]::new));
        }

        /**
         * Why one of {@code components} is unavailable, e.g. {@code "CUDA unavailable: CUDA driver and device: no
         * CUDA driver: cudaGetDeviceCount failed with cudaErrorInsufficientDriver (35): ..."}; "" when all are.
         */
        public String reason(Component... components) {
            List<String> missing = new ArrayList<>();
            for (Component c : components) {
                Status s = statuses.get(c);
                if (!s.available()) {
                    missing.add(c.label() + ": " + s.detail());
                }
            }
            return missing.isEmpty() ? "" : "CUDA unavailable: " + String.join("; ", missing);
        }

        /**
         * The labels of the CUDA backend's components that are unavailable, in {@link #BACKEND}'s order, e.g.
         * {@code ["CUDA driver and device", "cuBLAS"]}: {@link #reason()} without the details, for a one-line note.
         */
        public List<String> unavailableBackendComponents() {
            return BACKEND.stream().filter(c -> !statuses.get(c).available()).map(Component::label).toList();
        }

        /** One line per component: "  [ok] cuBLAS: libcublas.so.13, cuBLAS 13.0.0" or "  [--] ...". */
        public String summary() {
            return Arrays.stream(Component.values())
                    .map(c -> "  [" + (statuses.get(c).available() ? "ok" : "--") + "] " + c.label() + ": "
                            + statuses.get(c).detail())
                    .collect(Collectors.joining("\n"));
        }
    }

    private CudaAvailability() {
    }

    /** Checks every component; never throws for a missing or broken one. */
    public static Report probe() {
        Map<Component, Status> statuses = new EnumMap<>(Component.class);
        Status runtime = guarded(Component.CUDA_RUNTIME, CudaAvailability::probeRuntime);
        statuses.put(Component.CUDA_RUNTIME, runtime);
        statuses.put(Component.DEVICE, runtime.available()
                ? guarded(Component.DEVICE, CudaAvailability::probeDevice)
                : new Status(Component.DEVICE, false, "not checked: libcudart is not loadable"));
        statuses.put(Component.CUBLAS, guarded(Component.CUBLAS, CudaAvailability::probeCublas));
        statuses.put(Component.CUDNN, guarded(Component.CUDNN, CudaAvailability::probeCudnn));
        statuses.put(Component.KERNELS, guarded(Component.KERNELS, CudaAvailability::probeKernels));
        return new Report(statuses);
    }

    private interface Probe {
        Status run();
    }

    private static Status guarded(Component component, Probe probe) {
        try {
            return probe.run();
        } catch (RuntimeException | LinkageError e) {
            return new Status(component, false, "probe failed: " + e);
        }
    }

    private static Status probeRuntime() {
        var failure = CudaRuntimeLoader.library().loadFailure();
        if (failure.isPresent()) {
            return new Status(Component.CUDA_RUNTIME, false, notLoadable(failure.get()));
        }
        int version = intOut(CudaRuntime::cudaRuntimeGetVersion);
        return new Status(Component.CUDA_RUNTIME, true,
                CudaRuntimeLoader.loaded().source() + ", CUDA runtime " + cudaVersion(version));
    }

    private static Status probeDevice() {
        int runtimeVersion = intOut(CudaRuntime::cudaRuntimeGetVersion);
        int driverVersion = intOut(CudaRuntime::cudaDriverGetVersion);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
            int status = CudaRuntime.cudaGetDeviceCount(count);
            if (status != CudaRuntime.cudaSuccess) {
                String cuda = CudaException.of(status, "cudaGetDeviceCount").getMessage();
                CudaRuntime.cudaGetLastError(); // do not leave the error pending for an unrelated later check
                String what;
                if (status == CudaRuntime.cudaErrorInsufficientDriver && driverVersion == 0) {
                    what = "no CUDA driver (cudaDriverGetVersion reports none)";
                } else if (status == CudaRuntime.cudaErrorInsufficientDriver) {
                    what = "the CUDA driver supports CUDA " + cudaVersion(driverVersion) + ", older than libcudart's "
                            + cudaVersion(runtimeVersion);
                } else if (status == CudaRuntime.cudaErrorStubLibrary) {
                    what = "no CUDA driver (only the toolkit's stub libcuda.so was found)";
                } else if (status == CudaRuntime.cudaErrorNoDevice) {
                    what = "no CUDA device";
                } else {
                    what = "CUDA cannot be initialized";
                }
                return new Status(Component.DEVICE, false, what + ": " + cuda);
            }
            int n = count.get(ValueLayout.JAVA_INT, 0);
            if (n <= 0) {
                return new Status(Component.DEVICE, false, "no CUDA device (cudaGetDeviceCount reports 0)");
            }
            return new Status(Component.DEVICE, true, n + (n == 1 ? " device" : " devices") + ", driver for CUDA "
                    + cudaVersion(driverVersion) + "; device 0: " + deviceName(arena, 0));
        }
    }

    private static String deviceName(Arena arena, int device) {
        MemorySegment prop = arena.allocate(CudaRuntime.cudaDeviceProp$bufferSize(), 8);
        int status = CudaRuntime.cudaGetDeviceProperties(prop, device);
        String name = status == CudaRuntime.cudaSuccess ? CudaRuntime.cudaDeviceProp$name(prop) : "(name unknown)";
        MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
        int major = CudaRuntime.cudaDeviceGetAttribute(value, CudaRuntime.cudaDevAttrComputeCapabilityMajor, device)
                == CudaRuntime.cudaSuccess ? value.get(ValueLayout.JAVA_INT, 0) : -1;
        int minor = CudaRuntime.cudaDeviceGetAttribute(value, CudaRuntime.cudaDevAttrComputeCapabilityMinor, device)
                == CudaRuntime.cudaSuccess ? value.get(ValueLayout.JAVA_INT, 0) : -1;
        CudaRuntime.cudaGetLastError();
        return major < 0 ? name : name + " (compute capability " + major + "." + minor + ")";
    }

    private static Status probeCublas() {
        var failure = CublasLoader.library().loadFailure();
        if (failure.isPresent()) {
            return new Status(Component.CUBLAS, false, notLoadable(failure.get()));
        }
        String version;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(ValueLayout.JAVA_INT, 3);
            boolean ok = Cublas.cublasGetProperty(Cublas.MAJOR_VERSION, v) == 0
                    && Cublas.cublasGetProperty(Cublas.MINOR_VERSION, v.asSlice(4)) == 0
                    && Cublas.cublasGetProperty(Cublas.PATCH_LEVEL, v.asSlice(8)) == 0;
            version = ok ? ", cuBLAS " + v.get(ValueLayout.JAVA_INT, 0) + "." + v.get(ValueLayout.JAVA_INT, 4) + "."
                    + v.get(ValueLayout.JAVA_INT, 8) : "";
        }
        return new Status(Component.CUBLAS, true, CublasLoader.loaded().source() + version);
    }

    private static Status probeCudnn() {
        var failure = CudnnLoader.library().loadFailure();
        if (failure.isPresent()) {
            return new Status(Component.CUDNN, false, notLoadable(failure.get()));
        }
        long v = Cudnn.cudnnGetVersion();
        return new Status(Component.CUDNN, true, CudnnLoader.loaded().source() + ", cuDNN " + v / 10000 + "."
                + v % 10000 / 100 + "." + v % 100);
    }

    private static Status probeKernels() {
        var failure = GcganKernelsLoader.library().loadFailure();
        if (failure.isPresent()) {
            return new Status(Component.KERNELS, false, notLoadable(failure.get()));
        }
        return new Status(Component.KERNELS, true, GcganKernelsLoader.loaded().source() + ", ABI version "
                + GcganKernels.gcgan_abi_version());
    }

    /** "not loadable (tried: a: why; b: why)" from a load failure. */
    private static String notLoadable(NativeLibraryException e) {
        return e.attempts().isEmpty() ? "not loadable: " + e.getMessage()
                : "not loadable (tried: " + String.join("; ", e.attempts()) + ")";
    }

    private interface IntOut {
        int call(MemorySegment out);
    }

    /** Calls a function that writes an int to an out-parameter; -1 when it fails. */
    private static int intOut(IntOut function) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_INT);
            return function.call(out) == 0 ? out.get(ValueLayout.JAVA_INT, 0) : -1;
        }
    }

    /** "13.0" from 13000; "none" from 0; "unknown" from -1. */
    static String cudaVersion(int version) {
        if (version < 0) {
            return "unknown";
        }
        if (version == 0) {
            return "none";
        }
        return version / 1000 + "." + version % 1000 / 10;
    }
}
