package io.gcgan.backend.cuda;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How {@link ConvImplementation#AUTO} times its candidates ({@link CudaBackend#setConvAutotuneTiming}). The two differ
 * where an implementation costs the host more than the device: a cuDNN call takes the host 50-100 us, our kernels
 * about 10.
 */
public enum ConvAutotuneTiming {
    /**
     * From an idle device, so that a run's time includes the host's launch gaps before and between its kernels:
     * what a step pays whose host cannot keep ahead of the device (a written step of a small model). The default.
     */
    WITH_LAUNCHES,
    /**
     * The device's time alone: the timed runs are queued behind a busy wait on the device ({@code gcgan_busy_wait}),
     * so their kernels start back to back. What a captured step (a CUDA graph) or a device-bound written step pays,
     * and how cuDNN times its own algorithms.
     */
    DEVICE_ONLY;

    /** The lower-case name used by options and benchmark parameters: "with-launches", "device-only". */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The timing named {@code name} ({@link #optionName()}); IllegalArgumentException names the choices. */
    public static ConvAutotuneTiming fromName(String name) {
        for (ConvAutotuneTiming t : values()) {
            if (t.optionName().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("conv autotune timing must be one of " + optionNames() + ", got '" + name
                + "'");
    }

    /** The option names: [with-launches, device-only]. */
    public static List<String> optionNames() {
        return Arrays.stream(values()).map(ConvAutotuneTiming::optionName).toList();
    }
}
