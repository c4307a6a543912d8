package io.gcgan.gan.model;

import io.gcgan.nn.BatchNorm2d;
import io.gcgan.nn.Conv2d;
import io.gcgan.nn.ConvTranspose2d;
import io.gcgan.nn.LeakyReLU;
import io.gcgan.nn.Module;
import io.gcgan.nn.ModuleOptions;
import io.gcgan.nn.ReLU;
import io.gcgan.nn.Sequential;
import io.gcgan.nn.Tanh;
import io.gcgan.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The PyTorch DCGAN example at 64 x 64 (nz = 100, ngf = ndf = 64, nc = 3; every conv without bias), with the
 * example's parameter names ({@code main.0.weight}, ...) so weights move between gcgan and PyTorch.
 *
 * <pre>
 *   G: z [N, nz, 1, 1] -> ConvT(nz, 8ngf, 4, 1, 0) BN ReLU -> [N, 512, 4, 4] -> ConvT(.., 4, 2, 1) BN ReLU x3
 *      -> [N, 64, 32, 32] -> ConvT(ngf, nc, 4, 2, 1) Tanh -> [N, 3, 64, 64]
 *   D: x [N, 3, 64, 64] -> Conv(nc, ndf, 4, 2, 1) LReLU(0.2) -> Conv(.., 4, 2, 1) [BN] LReLU x3 -> [N, 512, 4, 4]
 *      -> Conv(8ndf, 1, 4, 1, 0) -> logits [N, 1, 1, 1]
 * </pre>
 *
 * D returns raw logits: the example's final Sigmoid is folded into the losses, which work on logits for
 * numerical stability (it has no parameters, so the names are unchanged). With {@code batchNorm = false}, D has
 * no BatchNorm layers (required with gradient penalties, whose per-sample input gradients BatchNorm couples);
 * its indices then differ from the example's.
 */
public final class Dcgan64 {

    public static final int NZ = 100;
    public static final int IMAGE_SIZE = 64;

    private Dcgan64() {
    }

    /** The generator: z [N, nz, 1, 1] -> images [N, nc, 64, 64] in [-1, 1]. */
    public static final class Generator extends Module {
        private final Sequential main;

        public Generator(int nz, int ngf, int nc, ModuleOptions o) {
            main = registerModule("main", new Sequential(
                    new ConvTranspose2d(nz, ngf * 8, 4, 1, 0, 0, false, o), new BatchNorm2d(ngf * 8, o), new ReLU(),
                    new ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, 0, false, o), new BatchNorm2d(ngf * 4, o),
                    new ReLU(),
                    new ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, 0, false, o), new BatchNorm2d(ngf * 2, o),
                    new ReLU(),
                    new ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, 0, false, o), new BatchNorm2d(ngf, o), new ReLU(),
                    new ConvTranspose2d(ngf, nc, 4, 2, 1, 0, false, o), new Tanh()));
        }

        @Override
        public Tensor forward(Tensor z) {
            return main.forward(z);
        }
    }

    /** The discriminator: images [N, nc, 64, 64] -> logits [N, 1, 1, 1]. */
    public static final class Discriminator extends Module {
        private final Sequential main;

        public Discriminator(int ndf, int nc, boolean batchNorm, ModuleOptions o) {
            List<Module> layers = new ArrayList<>();
            layers.add(new Conv2d(nc, ndf, 4, 2, 1, false, o));
            layers.add(new LeakyReLU(0.2));
            for (int mult = 1; mult < 8; mult *= 2) {
                layers.add(new Conv2d(ndf * mult, ndf * mult * 2, 4, 2, 1, false, o));
                if (batchNorm) {
                    layers.add(new BatchNorm2d(ndf * mult * 2, o));
                }
                layers.add(new LeakyReLU(0.2));
            }
            layers.add(new Conv2d(ndf * 8, 1, 4, 1, 0, false, o));
            main = registerModule("main", new Sequential(layers.toArray(Module[]::new)));
        }

        @Override
        public Tensor forward(Tensor x) {
            return main.forward(x);
        }
    }

    public static Generator generator(ModuleOptions o) {
        return new Generator(NZ, 64, 3, o);
    }

    public static Discriminator discriminator(boolean batchNorm, ModuleOptions o) {
        return new Discriminator(64, 3, batchNorm, o);
    }
}
