package io.gcgan.gan.model;

import static io.gcgan.nn.PyTorchModels.DCGAN64_D;
import static io.gcgan.nn.PyTorchModels.DCGAN64_G;
import static io.gcgan.nn.PyTorchModels.DCGAN64_G_REPR;
import static io.gcgan.nn.PyTorchModels.MNIST28_D;
import static io.gcgan.nn.PyTorchModels.MNIST28_D_REPR;
import static io.gcgan.nn.PyTorchModels.MNIST28_G;
import static io.gcgan.nn.PyTorchModels.keysAndShapes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.nn.ModuleOptions;
import io.gcgan.nn.Sequential;
import io.gcgan.random.Generator;
import io.gcgan.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The product's models (not the copies in io.gcgan.nn's ReferenceModels): state-dict keys and shapes, which are
 * what moves weights to and from PyTorch, the layer stacks as reprs (strides, paddings, slopes and the final
 * activations carry no parameters, so only the repr shows them) and the shapes of a forward pass. Mutation testing
 * found these classes run by the trainer's tests but never checked.
 */
class ModelsTest {

    private static final ModuleOptions OPTS = ModuleOptions.of(new Generator(7));

    private static void assertInClosedUnitBall(String what, Tensor t) {
        for (double v : t.toDoubleArray()) {
            assertTrue(v >= -1 && v <= 1, what + ": " + v + " outside [-1, 1]");
        }
    }

    // ---- Dcgan64 -------------------------------------------------------------------------------------------

    /** Without BatchNorm: conv, LeakyReLU pairs, so the convs sit at the even indices 0, 2, 4, 6, 8. */
    private static final List<String> DCGAN64_D_NO_BN = List.of(
            "main.0.weight [64, 3, 4, 4]",
            "main.2.weight [128, 64, 4, 4]",
            "main.4.weight [256, 128, 4, 4]",
            "main.6.weight [512, 256, 4, 4]",
            "main.8.weight [1, 512, 4, 4]");

    @Test
    void dcgan64GeneratorMatchesThePyTorchExample() {
        Dcgan64.Generator g = Dcgan64.generator(OPTS);
        assertEquals(DCGAN64_G, keysAndShapes(g.stateDict()), "state dict");
        assertEquals(3_576_704L, g.parameterCount(), "parameters (DESIGN.md: G + D = 6.34M)");
        assertEquals(DCGAN64_G_REPR, g.toString());
        // z [2, 100, 1, 1] -> [2, 512, 4, 4] -> ... -> [2, 3, 64, 64], through Tanh.
        Tensor images = g.forward(Tensor.randn(new Generator(1), 2, Dcgan64.NZ, 1, 1));
        assertArrayEquals(new long[] {2, 3, Dcgan64.IMAGE_SIZE, Dcgan64.IMAGE_SIZE}, images.shape(), "images");
        assertInClosedUnitBall("Tanh output", images);
    }

    @Test
    void dcgan64DiscriminatorWithBatchNormMatchesThePyTorchExampleLessTheSigmoid() {
        Dcgan64.Discriminator d = Dcgan64.discriminator(true, OPTS);
        assertEquals(DCGAN64_D, keysAndShapes(d.stateDict()), "state dict");
        assertEquals(2_765_568L, d.parameterCount(), "parameters (DESIGN.md: G + D = 6.34M)");
        // Ends in the last conv: D gives raw logits, the losses apply the sigmoid.
        assertEquals("""
                Discriminator(
                  (main): Sequential(
                    (0): Conv2d(3, 64, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1), bias=False)
                    (1): LeakyReLU(negative_slope=0.2)
                    (2): Conv2d(64, 128, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1), bias=False)
                    (3): BatchNorm2d(128, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
                    (4): LeakyReLU(negative_slope=0.2)
                    (5): Conv2d(128, 256, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1), bias=False)
                    (6): BatchNorm2d(256, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
                    (7): LeakyReLU(negative_slope=0.2)
                    (8): Conv2d(256, 512, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1), bias=False)
                    (9): BatchNorm2d(512, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
                    (10): LeakyReLU(negative_slope=0.2)
                    (11): Conv2d(512, 1, kernel_size=(4, 4), stride=(1, 1), bias=False)
                  )
                )""", d.toString());
        // x [2, 3, 64, 64] -> [2, 64, 32, 32] -> ... -> [2, 512, 4, 4] -> logits [2, 1, 1, 1].
        Tensor logits = d.forward(Tensor.randn(new Generator(1), 2, 3, Dcgan64.IMAGE_SIZE, Dcgan64.IMAGE_SIZE));
        assertArrayEquals(new long[] {2, 1, 1, 1}, logits.shape(), "logits");
    }

    /** For gradient penalties: the same convs and slopes with no BatchNorm between them (so indices shift). */
    @Test
    void dcgan64DiscriminatorWithoutBatchNormHasOnlyConvsAndLeakyRelus() {
        Dcgan64.Discriminator d = Dcgan64.discriminator(false, OPTS);
        assertEquals(DCGAN64_D_NO_BN, keysAndShapes(d.stateDict()), "state dict");
        // The BatchNorm layers' weights and biases, 2 (128 + 256 + 512) = 1,792, are gone.
        assertEquals(2_765_568L - 1_792L, d.parameterCount(), "parameters");
        assertEquals("""
                Discriminator(
                  (main): Sequential(
                    (0): Conv2d(3, 64, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1), bias=False)
                    (1): LeakyReLU(negative_slope=0.2)
                    (2): Conv2d(64, 128, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1), bias=False)
                    (3): LeakyReLU(negative_slope=0.2)
                    (4): Conv2d(128, 256, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1), bias=False)
                    (5): LeakyReLU(negative_slope=0.2)
                    (6): Conv2d(256, 512, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1), bias=False)
                    (7): LeakyReLU(negative_slope=0.2)
                    (8): Conv2d(512, 1, kernel_size=(4, 4), stride=(1, 1), bias=False)
                  )
                )""", d.toString());
        Tensor logits = d.forward(Tensor.randn(new Generator(1), 3, 3, Dcgan64.IMAGE_SIZE, Dcgan64.IMAGE_SIZE));
        assertArrayEquals(new long[] {3, 1, 1, 1}, logits.shape(), "logits");
    }

    /** The public constructors take other widths: ngf = ndf = 2, nz = 5, one channel. */
    @Test
    void dcgan64ScalesWithItsWidths() {
        var g = new Dcgan64.Generator(5, 2, 1, OPTS);
        Map<String, Tensor> gState = g.stateDict();
        List<String> convs = new ArrayList<>();
        for (String key : List.of("main.0.weight", "main.3.weight", "main.6.weight", "main.9.weight",
                "main.12.weight")) {
            convs.add(key + " " + Arrays.toString(gState.get(key).shape()));
        }
        assertEquals(List.of("main.0.weight [5, 16, 4, 4]", "main.3.weight [16, 8, 4, 4]",
                "main.6.weight [8, 4, 4, 4]", "main.9.weight [4, 2, 4, 4]", "main.12.weight [2, 1, 4, 4]"), convs,
                "G's conv weights [in, out, kH, kW]");
        Tensor images = g.forward(Tensor.randn(new Generator(1), 2, 5, 1, 1));
        assertArrayEquals(new long[] {2, 1, 64, 64}, images.shape(), "images");
        var d = new Dcgan64.Discriminator(2, 1, false, OPTS);
        assertEquals(List.of("main.0.weight [2, 1, 4, 4]", "main.2.weight [4, 2, 4, 4]", "main.4.weight [8, 4, 4, 4]",
                "main.6.weight [16, 8, 4, 4]", "main.8.weight [1, 16, 4, 4]"), keysAndShapes(d.stateDict()));
        assertArrayEquals(new long[] {2, 1, 1, 1}, d.forward(images).shape(), "logits");
    }

    // ---- Mnist28 -------------------------------------------------------------------------------------------

    @Test
    void mnist28MatchesThePyTorchPeer() {
        Sequential g = Mnist28.generator(OPTS);
        assertEquals(MNIST28_G, keysAndShapes(g.stateDict()), "G state dict");
        Sequential d = Mnist28.discriminator(OPTS);
        assertEquals(MNIST28_D, keysAndShapes(d.stateDict()), "D state dict");
        assertEquals(MNIST28_D_REPR, d.toString(), "D");
        // z [3, 100] -> [3, 6272] -> [3, 128, 7, 7] -> [3, 64, 14, 14] -> images [3, 1, 28, 28] -> logits [3, 1].
        Tensor images = g.forward(Tensor.randn(new Generator(2), 3, Mnist28.NZ));
        assertArrayEquals(new long[] {3, 1, Mnist28.IMAGE_SIZE, Mnist28.IMAGE_SIZE}, images.shape(), "images");
        assertInClosedUnitBall("Tanh output", images);
        assertArrayEquals(new long[] {3, 1}, d.forward(images).shape(), "logits");
    }

    // ---- Mlp2d ---------------------------------------------------------------------------------------------

    /** Three hidden layers of width w: four Linears with biases, ReLU between them and none after the last. */
    @Test
    void mlp2dHasThreeHiddenReluLayers() {
        Sequential g = Mlp2d.generator(8, OPTS);
        assertEquals("""
                Sequential(
                  (0): Linear(in_features=2, out_features=8, bias=True)
                  (1): ReLU()
                  (2): Linear(in_features=8, out_features=8, bias=True)
                  (3): ReLU()
                  (4): Linear(in_features=8, out_features=8, bias=True)
                  (5): ReLU()
                  (6): Linear(in_features=8, out_features=2, bias=True)
                )""", g.toString(), "G");
        Sequential d = Mlp2d.discriminator(8, OPTS);
        assertEquals(List.of("0.weight [8, 2]", "0.bias [8]", "2.weight [8, 8]", "2.bias [8]", "4.weight [8, 8]",
                "4.bias [8]", "6.weight [1, 8]", "6.bias [1]"), keysAndShapes(d.stateDict()), "D state dict");
        // z [5, 2] -> points [5, 2] -> logits [5, 1]; no final activation, so G's points can leave [-1, 1].
        Tensor points = g.forward(Tensor.randn(new Generator(3), 5, Mlp2d.NZ));
        assertArrayEquals(new long[] {5, 2}, points.shape(), "points");
        assertArrayEquals(new long[] {5, 1}, d.forward(points).shape(), "logits");
        // The toy code's width: 2*512 + 512 + 2 (512*512 + 512) + 512*2 + 2 = 527,874 parameters in G.
        assertEquals(527_874L, Mlp2d.generator(Mlp2d.DEFAULT_WIDTH, OPTS).parameterCount(), "G at 512");
    }
}
