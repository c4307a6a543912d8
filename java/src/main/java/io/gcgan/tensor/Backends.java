package io.gcgan.tensor;

import io.gcgan.backend.Backend;
import io.gcgan.backend.cpu.CpuBackend;
import io.gcgan.backend.cuda.CudaBackend;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Maps a device to the backend that computes on it, one instance per device. The CPU backend is always there. A
 * CUDA device gets a {@link CudaBackend}, created on first use; where CUDA cannot run, {@link #of} throws
 * {@link io.gcgan.backend.cuda.CudaUnavailableException} whose message says what is missing and where it was
 * looked for (the CPU backend keeps working), and a device index beyond the machine's devices fails naming their
 * count. {@link #register} replaces the factory of a device kind (tests, other backends); {@link #install} puts a
 * decorator (such as {@link io.gcgan.backend.ProfilingBackend}) in front of a device's backend.
 */
public final class Backends {

    private static final Map<Device.Kind, Function<Device, Backend>> FACTORIES = new ConcurrentHashMap<>();
    private static final Map<Device, Backend> INSTANCES = new ConcurrentHashMap<>();
    private static final Map<Device, Backend> INSTALLED = new ConcurrentHashMap<>();
    private static volatile boolean anyInstalled;

    private Backends() {
    }

    /**
     * Makes {@code factory} the maker of the backend of each device of {@code kind} (for CUDA, in place of
     * {@link CudaBackend}), replacing the factory registered before. It replaces no backend instance: {@link #of} makes
     * one backend per device, on that device's first request, and keeps it, so a device whose backend was already made
     * keeps it, and so do the tensors made on it; only devices first requested afterwards get their backend from
     * {@code factory}. The CPU device always has {@link CpuBackend#instance()}: registering {@link Device.Kind#CPU}
     * has no effect.
     */
    public static void register(Device.Kind kind, Function<Device, Backend> factory) {
        FACTORIES.put(kind, factory);
    }

    /**
     * Makes {@link #of} answer {@code backend} for {@code backend.device()} until {@link #uninstall}: typically a
     * decorator of the device's own backend. New tensors on that device then belong to it; tensors made before it was
     * installed (or after it is removed) belong to the backend underneath and cannot be mixed with them.
     *
     * @return the backend installed before for that device, or null
     */
    public static Backend install(Backend backend) {
        Backend previous = INSTALLED.put(backend.device(), backend);
        anyInstalled = true;
        return previous;
    }

    /** Removes what {@link #install} put in front of {@code device}'s backend (nothing when none). */
    public static void uninstall(Device device) {
        INSTALLED.remove(device);
        anyInstalled = !INSTALLED.isEmpty();
    }

    /** The backend of {@code device}; fails with a message naming the device when none is available. */
    public static Backend of(Device device) {
        if (anyInstalled) {
            Backend installed = INSTALLED.get(device);
            if (installed != null) {
                return installed;
            }
        }
        if (device.kind() == Device.Kind.CPU) {
            return CpuBackend.instance();
        }
        return INSTANCES.computeIfAbsent(device, d -> {
            Function<Device, Backend> factory = FACTORIES.get(d.kind());
            if (factory == null && d.kind() == Device.Kind.CUDA) {
                return CudaBackend.create(d); // loads the CUDA classes only now, on the first CUDA request
            }
            if (factory == null) {
                throw new UnsupportedOperationException("no backend for device " + d
                        + ": this build has no " + d.kind() + " backend registered; use the cpu device");
            }
            return factory.apply(d);
        });
    }
}
