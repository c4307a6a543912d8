package io.gcgan.nn;

import io.gcgan.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The reference models as PyTorch shows them, written out by hand from the PyTorch DCGAN example and the PyTorch
 * peer: state dicts, key and shape per entry (what moves weights to and from PyTorch), and reprs. Shared by the tests
 * of io.gcgan.nn's ReferenceModels and of the product's models (io.gcgan.gan.model).
 */
public final class PyTorchModels {

    /** Generator(nz=100, ngf=64, nc=3).state_dict(): bias-free transposed convs, BatchNorm after each but the last. */
    public static final List<String> DCGAN64_G = List.of(
            "main.0.weight [100, 512, 4, 4]",
            "main.1.weight [512]", "main.1.bias [512]", "main.1.running_mean [512]", "main.1.running_var [512]",
            "main.1.num_batches_tracked []",
            "main.3.weight [512, 256, 4, 4]",
            "main.4.weight [256]", "main.4.bias [256]", "main.4.running_mean [256]", "main.4.running_var [256]",
            "main.4.num_batches_tracked []",
            "main.6.weight [256, 128, 4, 4]",
            "main.7.weight [128]", "main.7.bias [128]", "main.7.running_mean [128]", "main.7.running_var [128]",
            "main.7.num_batches_tracked []",
            "main.9.weight [128, 64, 4, 4]",
            "main.10.weight [64]", "main.10.bias [64]", "main.10.running_mean [64]", "main.10.running_var [64]",
            "main.10.num_batches_tracked []",
            "main.12.weight [64, 3, 4, 4]");

    /** Discriminator(ndf=64, nc=3).state_dict(); the example's final Sigmoid has no entries. */
    public static final List<String> DCGAN64_D = List.of(
            "main.0.weight [64, 3, 4, 4]",
            "main.2.weight [128, 64, 4, 4]",
            "main.3.weight [128]", "main.3.bias [128]", "main.3.running_mean [128]", "main.3.running_var [128]",
            "main.3.num_batches_tracked []",
            "main.5.weight [256, 128, 4, 4]",
            "main.6.weight [256]", "main.6.bias [256]", "main.6.running_mean [256]", "main.6.running_var [256]",
            "main.6.num_batches_tracked []",
            "main.8.weight [512, 256, 4, 4]",
            "main.9.weight [512]", "main.9.bias [512]", "main.9.running_mean [512]", "main.9.running_var [512]",
            "main.9.num_batches_tracked []",
            "main.11.weight [1, 512, 4, 4]");

    /** The PyTorch peer's mnist28_g().state_dict(). */
    public static final List<String> MNIST28_G = List.of(
            "0.weight [6272, 100]", "0.bias [6272]",
            "1.weight [6272]", "1.bias [6272]", "1.running_mean [6272]", "1.running_var [6272]",
            "1.num_batches_tracked []",
            "4.weight [128, 64, 4, 4]", "4.bias [64]",
            "5.weight [64]", "5.bias [64]", "5.running_mean [64]", "5.running_var [64]", "5.num_batches_tracked []",
            "7.weight [64, 1, 4, 4]", "7.bias [1]");

    /** The PyTorch peer's mnist28_d().state_dict(). */
    public static final List<String> MNIST28_D = List.of(
            "0.weight [64, 1, 4, 4]", "0.bias [64]",
            "2.weight [128, 64, 4, 4]", "2.bias [128]",
            "5.weight [1, 6272]", "5.bias [1]");

    /** repr(Generator(nz=100, ngf=64, nc=3)). */
    public static final String DCGAN64_G_REPR = """
            Generator(
              (main): Sequential(
                (0): ConvTranspose2d(100, 512, kernel_size=(4, 4), stride=(1, 1), bias=False)
                (1): BatchNorm2d(512, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
                (2): ReLU()
                (3): ConvTranspose2d(512, 256, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1), bias=False)
                (4): BatchNorm2d(256, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
                (5): ReLU()
                (6): ConvTranspose2d(256, 128, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1), bias=False)
                (7): BatchNorm2d(128, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
                (8): ReLU()
                (9): ConvTranspose2d(128, 64, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1), bias=False)
                (10): BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
                (11): ReLU()
                (12): ConvTranspose2d(64, 3, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1), bias=False)
                (13): Tanh()
              )
            )""";

    /** repr of the PyTorch peer's mnist28_d(). */
    public static final String MNIST28_D_REPR = """
            Sequential(
              (0): Conv2d(1, 64, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1))
              (1): LeakyReLU(negative_slope=0.2)
              (2): Conv2d(64, 128, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1))
              (3): LeakyReLU(negative_slope=0.2)
              (4): Flatten(start_dim=1, end_dim=-1)
              (5): Linear(in_features=6272, out_features=1, bias=True)
            )""";

    private PyTorchModels() {
    }

    /** "key [d0, d1, ...]" per entry of a state dict, in its order. */
    public static List<String> keysAndShapes(Map<String, Tensor> state) {
        List<String> out = new ArrayList<>();
        state.forEach((k, v) -> out.add(k + " " + Arrays.toString(v.shape())));
        return out;
    }
}
