package io.gcgan.gan.model;

import io.gcgan.nn.BatchNorm1d;
import io.gcgan.nn.BatchNorm2d;
import io.gcgan.nn.Conv2d;
import io.gcgan.nn.ConvTranspose2d;
import io.gcgan.nn.Flatten;
import io.gcgan.nn.LeakyReLU;
import io.gcgan.nn.Linear;
import io.gcgan.nn.ModuleOptions;
import io.gcgan.nn.ReLU;
import io.gcgan.nn.Reshape;
import io.gcgan.nn.Sequential;
import io.gcgan.nn.Tanh;
import io.gcgan.tensor.Tensor;

/**
 * The 28 x 28 MNIST models of DESIGN.md (the same as the PyTorch peer's, plain Sequentials, so parameter names
 * are {@code 0.weight}, {@code 1.running_mean}, ...).
 *
 * <pre>
 *   G: z [N, 100] -> Linear(100, 6272) BN1d ReLU -> reshape [N, 128, 7, 7] -> ConvT(128, 64, 4, 2, 1) BN ReLU
 *      -> [N, 64, 14, 14] -> ConvT(64, 1, 4, 2, 1) Tanh -> [N, 1, 28, 28]
 *   D: x [N, 1, 28, 28] -> Conv(1, 64, 4, 2, 1) LReLU(0.2) -> Conv(64, 128, 4, 2, 1) LReLU(0.2)
 *      -> flatten [N, 6272] -> Linear(6272, 1) -> logits [N, 1]
 * </pre>
 */
public final class Mnist28 {

    public static final int NZ = 100;
    public static final int IMAGE_SIZE = 28;

    private Mnist28() {
    }

    public static Sequential generator(ModuleOptions o) {
        return new Sequential(
                new Linear(NZ, 128 * 7 * 7, true, o), new BatchNorm1d(128 * 7 * 7, o), new ReLU(),
                new Reshape(128, 7, 7),
                new ConvTranspose2d(128, 64, 4, 2, 1, 0, true, o), new BatchNorm2d(64, o), new ReLU(),
                new ConvTranspose2d(64, 1, 4, 2, 1, 0, true, o), new Tanh());
    }

    /** The discriminator: images [N, 1, 28, 28] -> logits [N, 1]. */
    public static Sequential discriminator(ModuleOptions o) {
        return new Sequential(
                new Conv2d(1, 64, 4, 2, 1, true, o), new LeakyReLU(0.2),
                new Conv2d(64, 128, 4, 2, 1, true, o), new LeakyReLU(0.2),
                new Flatten(), new Linear(128 * 7 * 7, 1, true, o));
    }
}
