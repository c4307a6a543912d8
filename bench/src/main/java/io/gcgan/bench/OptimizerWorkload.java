package io.gcgan.bench;

import io.gcgan.backend.Backend;
import io.gcgan.backend.ScopedLifetime;
import io.gcgan.backend.Storage;
import io.gcgan.optim.Adam;
import io.gcgan.optim.GcMode;
import io.gcgan.optim.Optimizer;
import io.gcgan.optim.ParamGroup;
import io.gcgan.optim.Sgd;
import io.gcgan.optim.TransposedConvCentring;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Tensor;
import java.util.List;

/**
 * The optimizers the optimizer benchmarks step: an {@code opt-*} workload's parameters (float32, normal values) on a
 * backend, each with a gradient (normal values) that stays for the whole trial, in one parameter group.
 * {@code sgdm} is SGD with momentum 0.9 and lr 1e-3; {@code adam} is Adam with DCGAN's betas (0.5, 0.999), eps
 * 1e-8 and lr 2e-4; neither has weight decay.
 */
final class OptimizerWorkload {

    static final double SGD_LR = 1e-3;
    static final double ADAM_LR = 2e-4;

    private OptimizerWorkload() {
    }

    /** "sgdm" or "adam" as whether the optimizer is Adam. */
    static boolean isAdam(String algorithm) {
        return switch (algorithm) {
            case "sgdm" -> false;
            case "adam" -> true;
            default -> throw new IllegalArgumentException("algorithm must be sgdm or adam, got '" + algorithm + "'");
        };
    }

    /** "input-channel" or "output-filter": how GC centres a ConvTranspose weight (OptimizerStepBenchmark). */
    static TransposedConvCentring centring(String name) {
        return switch (name) {
            case "input-channel" -> TransposedConvCentring.INPUT_CHANNEL;
            case "output-filter" -> TransposedConvCentring.OUTPUT_FILTER;
            default -> throw new IllegalArgumentException("tconvCentring must be input-channel or output-filter, got '"
                    + name + "'");
        };
    }

    /** The seed of the weight of tensor {@code index} of a workload; its gradient's is the next one. */
    static long weightSeed(int index) {
        return 2L * index + 1;
    }

    /**
     * An optimizer over {@code shapes}: the weights and gradients live in {@code lifetime}; the moments are
     * allocated by the optimizer's first step.
     */
    static Optimizer build(Backend backend, ScopedLifetime lifetime, List<Dcgan64Parameters.ParamShape> shapes,
                           boolean adam, GcMode mode, TransposedConvCentring centring) {
        ParamGroup.Builder group = ParamGroup.builder(adam ? ADAM_LR : SGD_LR).gc(mode)
                .transposedConvCentring(centring);
        for (int i = 0; i < shapes.size(); i++) {
            Dcgan64Parameters.ParamShape s = shapes.get(i);
            Storage w = backend.allocate(DType.FLOAT32, s.numel(), lifetime);
            Storage g = backend.allocate(DType.FLOAT32, s.numel(), lifetime);
            backend.randomNormal(w, weightSeed(i), 0);
            backend.randomNormal(g, weightSeed(i) + 1, 0);
            Tensor p = Tensor.wrap(w, s.shape()).requiresGrad(true);
            p.accumulateGrad(Tensor.wrap(g, s.shape())); // the gradient lives in the trial's lifetime too
            if (s.transposedConv()) {
                group.addTransposedConvWeight(s.name(), p);
            } else {
                group.add(s.name(), p);
            }
        }
        List<ParamGroup> groups = List.of(group.build());
        return adam ? new Adam(groups, 0.5, 0.999, 1e-8) : new Sgd(groups, 0.9);
    }
}
