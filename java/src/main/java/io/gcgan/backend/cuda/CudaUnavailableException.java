package io.gcgan.backend.cuda;

import io.gcgan.tensor.Device;

/**
 * A CUDA device cannot be used: CUDA does not run on this machine, or the device index is beyond its devices. The
 * message is {@code "<device>: <reason>"}; where CUDA does not run, the reason is exactly
 * {@link io.gcgan.bindings.CudaAvailability.Report#reason()}: what is missing (libcudart, the driver or a device,
 * cuBLAS, libgcgan_kernels) and, for a library that does not load, every place that was tried. The CPU backend is
 * unaffected.
 *
 * <p>An {@link UnsupportedOperationException}, as {@code Backends.of} throws for any device without a usable
 * backend.
 */
public final class CudaUnavailableException extends UnsupportedOperationException {

    private final transient Device device;
    private final String reason;

    public CudaUnavailableException(Device device, String reason) {
        super(device + ": " + reason);
        this.device = device;
        this.reason = reason;
    }

    /** The device that was asked for. */
    public Device device() {
        return device;
    }

    /** Why it cannot be used (without the device prefix of the message). */
    public String reason() {
        return reason;
    }
}
