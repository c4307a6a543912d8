package io.gcgan.bench;

import io.gcgan.backend.Backend;
import io.gcgan.backend.cpu.CpuBackend;
import io.gcgan.backend.cuda.ConvAutotuneTiming;
import io.gcgan.backend.cuda.ConvImplementation;
import io.gcgan.backend.cuda.CudaBackend;
import io.gcgan.bindings.CudaAvailability;
import io.gcgan.tensor.Backends;
import io.gcgan.tensor.Device;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The backends a benchmark {@code @Param backend} names, for {@code @Setup}: "cpu" or "cuda" (device 0). A CUDA
 * benchmark on a machine where CUDA cannot run fails at once, in its {@code @Setup}, with CudaAvailability's
 * reason (what is missing and where it was looked for), instead of hanging or failing later in native code.
 */
final class CudaBench {

    private CudaBench() {
    }

    /**
     * The CUDA backend of device 0.
     *
     * @throws IllegalStateException with CudaAvailability's reason when the CUDA backend cannot run here
     */
    static CudaBackend cuda() {
        CudaAvailability.Report report = CudaAvailability.probe();
        if (!report.cudaBackendAvailable()) {
            throw new IllegalStateException("this CUDA benchmark cannot run here: " + report.reason());
        }
        return (CudaBackend) Backends.of(Device.cuda(0));
    }

    /** The backend called {@code name}: "cpu" or "cuda". */
    static Backend backend(String name) {
        return switch (name) {
            case "cpu" -> CpuBackend.instance();
            case "cuda" -> cuda();
            default -> throw new IllegalArgumentException("backend must be cpu or cuda, got '" + name + "'");
        };
    }

    /** The device of the backend called {@code name}. */
    static Device device(String name) {
        return switch (name) {
            case "cpu" -> Device.CPU;
            case "cuda" -> Device.cuda(0);
            default -> throw new IllegalArgumentException("backend must be cpu or cuda, got '" + name + "'");
        };
    }

    /** Applies {@code math} ("fp32" or "tf32") to a CUDA backend; the CPU computes float32 either way. */
    static void setMath(Backend backend, String math) {
        boolean tf32 = switch (math) {
            case "fp32" -> false;
            case "tf32" -> true;
            default -> throw new IllegalArgumentException("math must be fp32 or tf32, got '" + math + "'");
        };
        if (backend instanceof CudaBackend cuda) {
            cuda.allowTf32(tf32);
        } else if (tf32) {
            throw new IllegalArgumentException("math=tf32 needs backend=cuda (the CPU backend has no TF32)");
        }
    }

    /**
     * Sets the CUDA backend's default conv implementation from a benchmark parameter: "own", "gemm", "cudnn" or "auto"
     * ({@link ConvImplementation#fromName}). The CPU backend has one implementation: there only the parameter's
     * default {@code cpuValue} is taken (another would label a CPU result with an implementation it did not use).
     */
    static void setConv(Backend backend, String conv, String cpuValue) {
        setCudaOnly(backend, "conv", conv, cpuValue, ConvImplementation::fromName,
                CudaBackend::setDefaultConvImplementation);
    }

    /**
     * Sets how the CUDA backend's conv auto times its candidates from a benchmark parameter: "with-launches" or
     * "device-only" ({@link ConvAutotuneTiming#fromName}); on the CPU only the default {@code cpuValue}.
     */
    static void setAutotuneTiming(Backend backend, String timing, String cpuValue) {
        setCudaOnly(backend, "autotuneTiming", timing, cpuValue, ConvAutotuneTiming::fromName,
                CudaBackend::setConvAutotuneTiming);
    }

    /**
     * A CUDA-only parameter: parsed on every backend (a misspelt value fails there too), applied to a CUDA backend,
     * and on the CPU taken only at its default {@code cpuValue} ({@link #requireCpuDefault}).
     */
    private static <T> void setCudaOnly(Backend backend, String param, String value, String cpuValue,
                                        Function<String, T> parse, BiConsumer<CudaBackend, T> apply) {
        T parsed = parse.apply(value);
        if (backend instanceof CudaBackend cuda) {
            apply.accept(cuda, parsed);
        } else {
            requireCpuDefault(param, value, cpuValue);
        }
    }

    /**
     * Refuses a CUDA-only parameter's value other than its default on the CPU backend, where it would change nothing
     * but the result's label.
     */
    static void requireCpuDefault(String param, String value, String cpuValue) {
        if (!value.equals(cpuValue)) {
            throw new IllegalArgumentException(param + "=" + value + " needs backend=cuda (the CPU backend has one"
                    + " convolution; leave " + param + " at " + cpuValue + ")");
        }
    }
}
