package io.gcgan.tensor;

import io.gcgan.backend.Backend;
import io.gcgan.backend.cpu.CpuBackend;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Maps a device to the backend that computes on it. The CPU backend is always there; a GPU backend registers
 * itself with {@link #register} when its native libraries load.
 */
public final class Backends {

    private static final Map<Device.Kind, Function<Device, Backend>> FACTORIES = new ConcurrentHashMap<>();
    private static final Map<Device, Backend> INSTANCES = new ConcurrentHashMap<>();

    private Backends() {
    }

    public static void register(Device.Kind kind, Function<Device, Backend> factory) {
        FACTORIES.put(kind, factory);
    }

    /** The backend of {@code device}; fails with a message naming the device when none is available. */
    public static Backend of(Device device) {
        if (device.kind() == Device.Kind.CPU) {
            return CpuBackend.instance();
        }
        return INSTANCES.computeIfAbsent(device, d -> {
            Function<Device, Backend> factory = FACTORIES.get(d.kind());
            if (factory == null) {
                throw new UnsupportedOperationException("no backend for device " + d
                        + ": this build has no " + d.kind() + " backend registered; use the cpu device");
            }
            return factory.apply(d);
        });
    }
}
