package io.gcgan.gpu;

import io.gcgan.autograd.Autograd;
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
import io.gcgan.optim.Adam;
import io.gcgan.optim.GcMode;
import io.gcgan.optim.Optimizer;
import io.gcgan.optim.ParamGroup;
import io.gcgan.random.Generator;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DESIGN.md's mnist28 workload built from io.gcgan.nn (the same Sequentials as pytorch_peer.py) and one training
 * iteration of it: a D update then a G update with the non-saturating loss written with logSigmoid, and Adam
 * (lr 2e-4, betas 0.5, 0.999, eps 1e-8, the DCGAN settings), optionally with gradient centralization.
 *
 * <pre>
 *   G: z [N, 100] -> Linear(100, 6272) + BN1d + ReLU -> [N, 128, 7, 7] -> ConvT(128, 64, 4, 2, 1) + BN2d + ReLU
 *      -> ConvT(64, 1, 4, 2, 1) + Tanh -> [N, 1, 28, 28]
 *   D: x [N, 1, 28, 28] -> Conv(1, 64, 4, 2, 1) + LReLU(0.2) -> Conv(64, 128, 4, 2, 1) + LReLU(0.2)
 *      -> Flatten -> Linear(6272, 1) -> logits [N, 1]
 *   lossD = -(mean log sigmoid(D(x)) + mean log sigmoid(-D(G(z))))      lossG = -mean log sigmoid(D(G(z)))
 * </pre>
 *
 * Models are built in the tensor scope that is current (keep one open for the model's life).
 */
final class Mnist28 {

    final Device device;
    final Sequential g;
    final Sequential d;
    final Optimizer optG;
    final Optimizer optD;

    /** Built with {@code seed}; with {@code copyFrom} the weights and buffers are then copied from that model. */
    Mnist28(Device device, long seed, GcMode gc, Mnist28 copyFrom) {
        this.device = device;
        ModuleOptions o = ModuleOptions.of(new Generator(seed)).withDevice(device);
        g = new Sequential(
                new Linear(100, 128 * 7 * 7, true, o), new BatchNorm1d(128 * 7 * 7, o), new ReLU(),
                new Reshape(128, 7, 7),
                new ConvTranspose2d(128, 64, 4, 2, 1, 0, true, o), new BatchNorm2d(64, o), new ReLU(),
                new ConvTranspose2d(64, 1, 4, 2, 1, 0, true, o), new Tanh());
        d = new Sequential(
                new Conv2d(1, 64, 4, 2, 1, true, o), new LeakyReLU(0.2),
                new Conv2d(64, 128, 4, 2, 1, true, o), new LeakyReLU(0.2),
                new Flatten(), new Linear(128 * 7 * 7, 1, true, o));
        if (copyFrom != null) {
            g.loadStateDict(copyFrom.g.stateDict());
            d.loadStateDict(copyFrom.d.stateDict());
        }
        optG = adam(g.namedParameters(), gc);
        optD = adam(d.namedParameters(), gc);
    }

    private static Optimizer adam(Map<String, Tensor> params, GcMode gc) {
        return new Adam(List.of(ParamGroup.builder(2e-4).addAll(params).gc(gc).build()), 0.5, 0.999, 1e-8);
    }

    /** Losses of one iteration, and (when asked) D's gradients right after its backward pass. */
    record Losses(double lossD, double lossG, Map<String, Tensor> dGrads) {
    }

    /**
     * One iteration on this model's device with {@code z} [N, 100] and {@code real} [N, 1, 28, 28] (any device;
     * copied here), reading the losses back. Call inside a tensor scope that frees the step's intermediates.
     * {@code keepDGrads}: copy D's gradients (as CPU tensors in the current scope) before its update.
     */
    Losses step(Tensor z, Tensor real, boolean keepDGrads) {
        Map<String, Tensor> grads = keepDGrads ? new LinkedHashMap<>() : null;
        Tensor[] losses = iterate(z, real, grads);
        return new Losses(losses[0].item(), losses[1].item(), grads);
    }

    /** One iteration without reading anything back to the host (no synchronization). */
    void stepNoRead(Tensor z, Tensor real) {
        iterate(z, real, null);
    }

    /** The iteration; returns {lossD, lossG} as device scalars; fills {@code dGrads} when not null. */
    private Tensor[] iterate(Tensor z, Tensor real, Map<String, Tensor> dGrads) {
        Tensor zd = z.to(device);
        Tensor xd = real.to(device);
        Tensor fake = g.forward(zd);

        optD.zeroGrad();
        Tensor lossD = d.forward(xd).logSigmoid().mean().add(d.forward(fake.detach()).neg().logSigmoid().mean()).neg();
        Autograd.backward(lossD);
        if (dGrads != null) {
            for (var e : d.namedParameters().entrySet()) {
                dGrads.put(e.getKey(), e.getValue().grad().detach().copy().to(Device.CPU));
            }
        }
        optD.step();

        optG.zeroGrad();
        Tensor lossG = d.forward(fake).logSigmoid().mean().neg();
        Autograd.backward(lossG);
        optG.step();
        return new Tensor[] {lossD, lossG};
    }

    /** Step {@code i}'s inputs, drawn on the CPU from a fixed Philox stream: z ~ N(0, 1), real ~ U(-1, 1). */
    static Tensor[] batch(int i, int n) {
        Generator gen = new Generator(1000 + i);
        Tensor z = Tensor.randn(gen, n, 100);
        Tensor real = Tensor.rand(gen, n, 1, 28, 28).mul(2).sub(1);
        return new Tensor[] {z, real};
    }
}
