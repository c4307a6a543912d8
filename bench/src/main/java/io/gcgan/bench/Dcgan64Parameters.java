package io.gcgan.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The parameter tensors of the {@code dcgan64} reference workload (DESIGN.md, "Reference workloads"): the
 * PyTorch DCGAN example's generator and discriminator, nz = 100, ngf = ndf = 64, nc = 3, convolutions without
 * bias, BatchNorm weight and bias. 24 tensors, 6,342,272 floats. Names are PyTorch's {@code named_parameters()}
 * of {@code netG} / {@code netD}; the optimizer benchmarks share this table.
 *
 * <pre>
 *   name                  shape              kind                        elements
 *   netG.main.0.weight    [100, 512, 4, 4]   ConvTranspose2d(100, 512)    819,200
 *   netG.main.1.weight    [512]              BatchNorm2d(512)                 512
 *   netG.main.1.bias      [512]                                               512
 *   netG.main.3.weight    [512, 256, 4, 4]   ConvTranspose2d(512, 256)  2,097,152
 *   netG.main.4.weight    [256]              BatchNorm2d(256)                 256
 *   netG.main.4.bias      [256]                                               256
 *   netG.main.6.weight    [256, 128, 4, 4]   ConvTranspose2d(256, 128)    524,288
 *   netG.main.7.weight    [128]              BatchNorm2d(128)                 128
 *   netG.main.7.bias      [128]                                               128
 *   netG.main.9.weight    [128, 64, 4, 4]    ConvTranspose2d(128, 64)     131,072
 *   netG.main.10.weight   [64]               BatchNorm2d(64)                   64
 *   netG.main.10.bias     [64]                                                 64
 *   netG.main.12.weight   [64, 3, 4, 4]      ConvTranspose2d(64, 3)         3,072
 *   netD.main.0.weight    [64, 3, 4, 4]      Conv2d(3, 64)                  3,072
 *   netD.main.2.weight    [128, 64, 4, 4]    Conv2d(64, 128)              131,072
 *   netD.main.3.weight    [128]              BatchNorm2d(128)                 128
 *   netD.main.3.bias      [128]                                               128
 *   netD.main.5.weight    [256, 128, 4, 4]   Conv2d(128, 256)             524,288
 *   netD.main.6.weight    [256]              BatchNorm2d(256)                 256
 *   netD.main.6.bias      [256]                                               256
 *   netD.main.8.weight    [512, 256, 4, 4]   Conv2d(256, 512)           2,097,152
 *   netD.main.9.weight    [512]              BatchNorm2d(512)                 512
 *   netD.main.9.bias      [512]                                               512
 *   netD.main.11.weight   [1, 512, 4, 4]     Conv2d(512, 1)                 8,192
 * </pre>
 */
public final class Dcgan64Parameters {

    /** One parameter tensor; {@code transposedConv} marks ConvTranspose2d weights, stored [in, out, kh, kw]. */
    public record ParamShape(String name, long[] shape, boolean transposedConv) {
        public long numel() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    public static final List<ParamShape> GENERATOR = List.of(
            convT("netG.main.0.weight", 100, 512),
            bn("netG.main.1", 512)[0], bn("netG.main.1", 512)[1],
            convT("netG.main.3.weight", 512, 256),
            bn("netG.main.4", 256)[0], bn("netG.main.4", 256)[1],
            convT("netG.main.6.weight", 256, 128),
            bn("netG.main.7", 128)[0], bn("netG.main.7", 128)[1],
            convT("netG.main.9.weight", 128, 64),
            bn("netG.main.10", 64)[0], bn("netG.main.10", 64)[1],
            convT("netG.main.12.weight", 64, 3));

    public static final List<ParamShape> DISCRIMINATOR = List.of(
            conv("netD.main.0.weight", 3, 64),
            conv("netD.main.2.weight", 64, 128),
            bn("netD.main.3", 128)[0], bn("netD.main.3", 128)[1],
            conv("netD.main.5.weight", 128, 256),
            bn("netD.main.6", 256)[0], bn("netD.main.6", 256)[1],
            conv("netD.main.8.weight", 256, 512),
            bn("netD.main.9", 512)[0], bn("netD.main.9", 512)[1],
            conv("netD.main.11.weight", 512, 1));

    /** Generator then discriminator: 24 tensors, 6,342,272 elements. */
    public static final List<ParamShape> ALL = concat(GENERATOR, DISCRIMINATOR);

    /**
     * The {@code mnist28} reference model's parameters (DESIGN.md), generator then discriminator, with biases:
     * 16 tensors, 916,866 floats. Mostly short rows for GC: the generator's Linear(100, 6272) weight is 6,272
     * rows of 100, the 1-channel convolutions' filters are 16 elements. Not a workload of the PyTorch peer.
     */
    public static final List<ParamShape> MNIST28 = List.of(
            new ParamShape("netG.0.weight", new long[] {6272, 100}, false),
            new ParamShape("netG.0.bias", new long[] {6272}, false),
            bn("netG.1", 6272)[0], bn("netG.1", 6272)[1],
            new ParamShape("netG.4.weight", new long[] {128, 64, 4, 4}, true),
            new ParamShape("netG.4.bias", new long[] {64}, false),
            bn("netG.5", 64)[0], bn("netG.5", 64)[1],
            new ParamShape("netG.7.weight", new long[] {64, 1, 4, 4}, true),
            new ParamShape("netG.7.bias", new long[] {1}, false),
            new ParamShape("netD.0.weight", new long[] {64, 1, 4, 4}, false),
            new ParamShape("netD.0.bias", new long[] {64}, false),
            new ParamShape("netD.2.weight", new long[] {128, 64, 4, 4}, false),
            new ParamShape("netD.2.bias", new long[] {128}, false),
            new ParamShape("netD.5.weight", new long[] {1, 6272}, false),
            new ParamShape("netD.5.bias", new long[] {1}, false));

    /** DESIGN.md's {@code opt-*-50m}: 200 tensors of [250, 1000], 50,000,000 elements. */
    public static List<ParamShape> fiftyMillion() {
        ParamShape[] out = new ParamShape[200];
        for (int i = 0; i < out.length; i++) {
            out[i] = new ParamShape("t" + i, new long[] {250, 1000}, false);
        }
        return List.of(out);
    }

    /**
     * The tensor list of a named workload: "dcgan64", "mnist28", "50m", or one dcgan64 tensor by its name (e.g.
     * "netD.main.8.weight", the [512, 256, 4, 4] conv weight), to see what one shape costs.
     */
    public static List<ParamShape> workload(String name) {
        return switch (name) {
            case "dcgan64" -> ALL;
            case "mnist28" -> MNIST28;
            case "50m" -> fiftyMillion();
            default -> ALL.stream().filter(t -> t.name().equals(name)).map(List::of).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no optimizer workload '" + name
                            + "'; known: dcgan64, mnist28, 50m, or one dcgan64 tensor: "
                            + ALL.stream().map(ParamShape::name).collect(Collectors.joining(", "))));
        };
    }

    public static long numel(List<ParamShape> tensors) {
        long n = 0;
        for (ParamShape t : tensors) {
            n += t.numel();
        }
        return n;
    }

    private Dcgan64Parameters() {
    }

    private static ParamShape convT(String name, int in, int out) {
        return new ParamShape(name, new long[] {in, out, 4, 4}, true);
    }

    private static ParamShape conv(String name, int in, int out) {
        return new ParamShape(name, new long[] {out, in, 4, 4}, false);
    }

    private static ParamShape[] bn(String prefix, int channels) {
        return new ParamShape[] {
            new ParamShape(prefix + ".weight", new long[] {channels}, false),
            new ParamShape(prefix + ".bias", new long[] {channels}, false)};
    }

    private static List<ParamShape> concat(List<ParamShape> a, List<ParamShape> b) {
        List<ParamShape> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }
}
