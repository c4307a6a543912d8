package io.gcgan.nn;

import io.gcgan.tensor.Tensor;

/**
 * The reference models, built here only to test names and shapes (the product's model classes belong to the
 * GAN layer). DCGAN-64 follows PyTorch's DCGAN example (classes Generator and Discriminator holding a
 * Sequential called {@code main}, every conv without bias); mnist28 follows the plain Sequentials of the
 * PyTorch benchmark peer (pytorch_peer.py), so its keys have no prefix.
 */
final class ReferenceModels {

    private ReferenceModels() {
    }

    /** PyTorch's DCGAN example: {@code self.main = nn.Sequential(...)}; forward is main(x). */
    static final class Generator extends Module {
        final Sequential main;

        Generator(int nz, int ngf, int nc, ModuleOptions o) {
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

    static final class Discriminator extends Module {
        final Sequential main;

        Discriminator(int ndf, int nc, ModuleOptions o) {
            main = registerModule("main", new Sequential(
                    new Conv2d(nc, ndf, 4, 2, 1, false, o), new LeakyReLU(0.2),
                    new Conv2d(ndf, ndf * 2, 4, 2, 1, false, o), new BatchNorm2d(ndf * 2, o), new LeakyReLU(0.2),
                    new Conv2d(ndf * 2, ndf * 4, 4, 2, 1, false, o), new BatchNorm2d(ndf * 4, o), new LeakyReLU(0.2),
                    new Conv2d(ndf * 4, ndf * 8, 4, 2, 1, false, o), new BatchNorm2d(ndf * 8, o), new LeakyReLU(0.2),
                    new Conv2d(ndf * 8, 1, 4, 1, 0, false, o), new Sigmoid()));
        }

        @Override
        public Tensor forward(Tensor x) {
            return main.forward(x);
        }
    }

    static Generator dcgan64G(ModuleOptions o) {
        return new Generator(100, 64, 3, o);
    }

    static Discriminator dcgan64D(ModuleOptions o) {
        return new Discriminator(64, 3, o);
    }

    static Sequential mnist28G(ModuleOptions o) {
        return new Sequential(
                new Linear(100, 128 * 7 * 7, true, o), new BatchNorm1d(128 * 7 * 7, o), new ReLU(),
                new Reshape(128, 7, 7),
                new ConvTranspose2d(128, 64, 4, 2, 1, 0, true, o), new BatchNorm2d(64, o), new ReLU(),
                new ConvTranspose2d(64, 1, 4, 2, 1, 0, true, o), new Tanh());
    }

    static Sequential mnist28D(ModuleOptions o) {
        return new Sequential(
                new Conv2d(1, 64, 4, 2, 1, true, o), new LeakyReLU(0.2),
                new Conv2d(64, 128, 4, 2, 1, true, o), new LeakyReLU(0.2),
                new Flatten(), new Linear(128 * 7 * 7, 1, true, o));
    }
}
