package io.gcgan.bench;

import io.gcgan.backend.ConvGeometry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The conv layers of the reference workloads (DESIGN.md, "Reference workloads"), batch 64, in one table that the
 * benchmarks share. Names are the PyTorch peer's ({@code CONV_LAYERS} in pytorch_peer.py), so results join by
 * name: {@code dcgan64.d2} here is {@code conv-dcgan64.d2-fwd-fp32} there.
 *
 * <pre>
 *   name        layer                               layer input        layer output
 *   dcgan64.g1  ConvTranspose2d(100, 512, 4, 1, 0)  [64, 100, 1, 1]    [64, 512, 4, 4]
 *   dcgan64.g2  ConvTranspose2d(512, 256, 4, 2, 1)  [64, 512, 4, 4]    [64, 256, 8, 8]
 *   dcgan64.g3  ConvTranspose2d(256, 128, 4, 2, 1)  [64, 256, 8, 8]    [64, 128, 16, 16]
 *   dcgan64.g4  ConvTranspose2d(128, 64, 4, 2, 1)   [64, 128, 16, 16]  [64, 64, 32, 32]
 *   dcgan64.g5  ConvTranspose2d(64, 3, 4, 2, 1)     [64, 64, 32, 32]   [64, 3, 64, 64]
 *   dcgan64.d1  Conv2d(3, 64, 4, 2, 1)              [64, 3, 64, 64]    [64, 64, 32, 32]
 *   dcgan64.d2  Conv2d(64, 128, 4, 2, 1)            [64, 64, 32, 32]   [64, 128, 16, 16]
 *   dcgan64.d3  Conv2d(128, 256, 4, 2, 1)           [64, 128, 16, 16]  [64, 256, 8, 8]
 *   dcgan64.d4  Conv2d(256, 512, 4, 2, 1)           [64, 256, 8, 8]    [64, 512, 4, 4]
 *   dcgan64.d5  Conv2d(512, 1, 4, 1, 0)             [64, 512, 4, 4]    [64, 1, 1, 1]
 *   mnist28.g1  ConvTranspose2d(128, 64, 4, 2, 1)   [64, 128, 7, 7]    [64, 64, 14, 14]
 *   mnist28.g2  ConvTranspose2d(64, 1, 4, 2, 1)     [64, 64, 14, 14]   [64, 1, 28, 28]
 *   mnist28.d1  Conv2d(1, 64, 4, 2, 1)              [64, 1, 28, 28]    [64, 64, 14, 14]
 *   mnist28.d2  Conv2d(64, 128, 4, 2, 1)            [64, 64, 14, 14]   [64, 128, 7, 7]
 * </pre>
 *
 * A transposed layer is stored as the convolution it is the adjoint of ({@link ConvGeometry}: its input is the
 * conv's {@code y}, its output the conv's {@code x}, its weight [in, out, r, s] the conv's [k, c, r, s]), so its
 * passes map onto the backend's conv calls like this:
 *
 * <pre>
 *   pass of the layer   Conv2d                          ConvTranspose2d
 *   forward             conv2dForward(x, w -> y)        conv2dBackwardData(y, w -> x)
 *   backward-data       conv2dBackwardData(dy, w -> dx) conv2dForward(dx, w -> dy)
 *   backward-weight     conv2dBackwardWeight(x, dy)     conv2dBackwardWeight(dx, dy)   (roles as in the geometry)
 * </pre>
 *
 * Every pass costs {@link ConvGeometry#flops()} = 2 N K P Q C R S, the same count the peer uses.
 */
public final class ReferenceShapes {

    /** Batch size of the reference workloads. */
    public static final int BATCH = 64;

    /**
     * A named layer.
     *
     * @param name        the peer's name, e.g. "dcgan64.d2"
     * @param transposed  a ConvTranspose2d (its forward pass is the geometry's backward-data)
     * @param description the PyTorch layer and its shapes
     * @param geometry    the convolution (for a transposed layer: the conv it is the adjoint of)
     */
    public record Layer(String name, boolean transposed, String description, ConvGeometry geometry) {
    }

    /** All layers: dcgan64 G and D, then mnist28 G and D. */
    public static final List<Layer> LAYERS = List.of(
            convT("dcgan64.g1", 100, 512, 1, 1, 0),
            convT("dcgan64.g2", 512, 256, 4, 2, 1),
            convT("dcgan64.g3", 256, 128, 8, 2, 1),
            convT("dcgan64.g4", 128, 64, 16, 2, 1),
            convT("dcgan64.g5", 64, 3, 32, 2, 1),
            conv("dcgan64.d1", 3, 64, 64, 2, 1),
            conv("dcgan64.d2", 64, 128, 32, 2, 1),
            conv("dcgan64.d3", 128, 256, 16, 2, 1),
            conv("dcgan64.d4", 256, 512, 8, 2, 1),
            conv("dcgan64.d5", 512, 1, 4, 1, 0),
            convT("mnist28.g1", 128, 64, 7, 2, 1),
            convT("mnist28.g2", 64, 1, 14, 2, 1),
            conv("mnist28.d1", 1, 64, 28, 2, 1),
            conv("mnist28.d2", 64, 128, 14, 2, 1));

    private static final Map<String, Layer> BY_NAME = new LinkedHashMap<>();

    static {
        for (Layer layer : LAYERS) {
            BY_NAME.put(layer.name(), layer);
        }
    }

    private ReferenceShapes() {
    }

    /** The layer called {@code name}, e.g. "dcgan64.d2". */
    public static Layer layer(String name) {
        Layer layer = BY_NAME.get(name);
        if (layer == null) {
            throw new IllegalArgumentException("no reference conv layer '" + name + "'; known: " + BY_NAME.keySet());
        }
        return layer;
    }

    /** Conv2d(in, out, kernel 4, stride, pad) on a side x side input. */
    private static Layer conv(String name, int in, int out, int side, int stride, int pad) {
        ConvGeometry g = new ConvGeometry(BATCH, in, side, side, out, 4, 4, stride, stride, pad, pad);
        String description = "Conv2d(" + in + ", " + out + ", 4, " + stride + ", " + pad + ") on ["
                + BATCH + ", " + in + ", " + side + ", " + side + "] -> [" + BATCH + ", " + out + ", " + g.p() + ", "
                + g.q() + "]";
        return new Layer(name, false, description, g);
    }

    /**
     * ConvTranspose2d(in, out, kernel 4, stride, pad), no output padding, on a side x side input: the adjoint of
     * Conv2d(out, in, 4, stride, pad) on the transposed layer's output.
     */
    private static Layer convT(String name, int in, int out, int side, int stride, int pad) {
        int outSide = (side - 1) * stride - 2 * pad + 4;
        ConvGeometry g = new ConvGeometry(BATCH, out, outSide, outSide, in, 4, 4, stride, stride, pad, pad);
        if (g.p() != side || g.q() != side) {
            throw new AssertionError(name + ": the adjoint conv of a " + side + "x" + side + " input gives " + g.p()
                    + "x" + g.q());
        }
        String description = "ConvTranspose2d(" + in + ", " + out + ", 4, " + stride + ", " + pad + ") on ["
                + BATCH + ", " + in + ", " + side + ", " + side + "] -> [" + BATCH + ", " + out + ", " + outSide + ", "
                + outSide + "]";
        return new Layer(name, true, description, g);
    }
}
