package io.gcgan.bench;

import io.gcgan.backend.ConvGeometry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The conv layers of the {@code dcgan64} reference workload (DESIGN.md, "Reference workloads"): the PyTorch
 * DCGAN example with ndf = 64, input 3x64x64, batch 64. One table that benchmarks (and later tests) share.
 *
 * <pre>
 *   name  layer                         input           output
 *   d1    Conv2d(3, 64, 4, 2, 1)        [64, 3, 64, 64]   [64, 64, 32, 32]
 *   d2    Conv2d(64, 128, 4, 2, 1)      [64, 64, 32, 32]  [64, 128, 16, 16]
 *   d3    Conv2d(128, 256, 4, 2, 1)     [64, 128, 16, 16] [64, 256, 8, 8]
 *   d4    Conv2d(256, 512, 4, 2, 1)     [64, 256, 8, 8]   [64, 512, 4, 4]
 *   d5    Conv2d(512, 1, 4, 1, 0)       [64, 512, 4, 4]   [64, 1, 1, 1]
 * </pre>
 */
public final class Dcgan64Shapes {

    /** Batch size of the reference workload. */
    public static final int BATCH = 64;
    /** Base width of the discriminator (PyTorch example's ndf). */
    public static final int NDF = 64;
    /** Image channels and side. */
    public static final int CHANNELS = 3;
    public static final int IMAGE = 64;

    /** A named layer shape. */
    public record Layer(String name, String description, ConvGeometry geometry) {
    }

    /** The discriminator's convolutions, input to output. */
    public static final List<Layer> DISCRIMINATOR = List.of(
            conv("d1", CHANNELS, NDF, IMAGE, 2, 1),
            conv("d2", NDF, NDF * 2, IMAGE / 2, 2, 1),
            conv("d3", NDF * 2, NDF * 4, IMAGE / 4, 2, 1),
            conv("d4", NDF * 4, NDF * 8, IMAGE / 8, 2, 1),
            conv("d5", NDF * 8, 1, IMAGE / 16, 1, 0));

    private static final Map<String, Layer> BY_NAME = new LinkedHashMap<>();

    static {
        for (Layer layer : DISCRIMINATOR) {
            BY_NAME.put(layer.name(), layer);
        }
    }

    private Dcgan64Shapes() {
    }

    /** The layer called {@code name} ("d1" .. "d5"). */
    public static Layer layer(String name) {
        Layer layer = BY_NAME.get(name);
        if (layer == null) {
            throw new IllegalArgumentException("no dcgan64 layer '" + name + "'; known: " + BY_NAME.keySet());
        }
        return layer;
    }

    /** Conv2d(in, out, kernel 4, stride, pad) on a side x side input, batch {@link #BATCH}. */
    private static Layer conv(String name, int in, int out, int side, int stride, int pad) {
        ConvGeometry g = new ConvGeometry(BATCH, in, side, side, out, 4, 4, stride, stride, pad, pad);
        String description = "Conv2d(" + in + ", " + out + ", 4, " + stride + ", " + pad + ") on [" + BATCH + ", "
                + in + ", " + side + ", " + side + "] -> [" + BATCH + ", " + out + ", " + g.p() + ", " + g.q() + "]";
        return new Layer(name, description, g);
    }
}
