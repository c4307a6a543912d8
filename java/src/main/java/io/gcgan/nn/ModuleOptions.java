package io.gcgan.nn;

import io.gcgan.random.Generator;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import java.util.Objects;

/**
 * Where a layer's parameters and buffers live and where their initial values come from: dtype (float32 by
 * default), device (CPU by default) and the {@link Generator} its initializers draw from.
 *
 * <pre>{@code
 * var opts = ModuleOptions.of(new Generator(42)).withDevice(Device.cuda(0));
 * var fc = new Linear(100, 6272, true, opts);
 * }</pre>
 *
 * Layers draw in construction order, weight before bias, so a model built from the same seed in the same
 * order has the same initial values on every backend (the Philox streams are the same on CPU and CUDA).
 * The values are not PyTorch's: the distributions are, the random bits are not.
 */
public record ModuleOptions(DType dtype, Device device, Generator generator) {

    public ModuleOptions {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(generator, "generator");
    }

    /** float32 on the CPU, drawing from {@link Init#defaultGenerator()} (as it is when this is called). */
    public static ModuleOptions defaults() {
        return of(Init.defaultGenerator());
    }

    /** float32 on the CPU, drawing from {@code generator}. */
    public static ModuleOptions of(Generator generator) {
        return new ModuleOptions(DType.FLOAT32, Device.CPU, generator);
    }

    public ModuleOptions withDType(DType newDType) {
        return new ModuleOptions(newDType, device, generator);
    }

    public ModuleOptions withDevice(Device newDevice) {
        return new ModuleOptions(dtype, newDevice, generator);
    }

    public ModuleOptions withGenerator(Generator newGenerator) {
        return new ModuleOptions(dtype, device, newGenerator);
    }
}
