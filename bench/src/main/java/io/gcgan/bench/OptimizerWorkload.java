package io.gcgan.bench;

import io.gcgan.backend.Backend;
import io.gcgan.backend.CentringView;
import io.gcgan.backend.MomentumStart;
import io.gcgan.backend.OptimizerHyper;
import io.gcgan.backend.ParamSlot;
import io.gcgan.backend.ScopedLifetime;
import io.gcgan.backend.Storage;
import io.gcgan.backend.WeightDecayMode;
import io.gcgan.optim.Adam;
import io.gcgan.optim.GcMode;
import io.gcgan.optim.GradientCentralization;
import io.gcgan.optim.Optimizer;
import io.gcgan.optim.ParamGroup;
import io.gcgan.optim.ParamKind;
import io.gcgan.optim.Sgd;
import io.gcgan.optim.TransposedConvCentring;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * What the optimizer benchmarks step: an {@code opt-*} workload's parameters (float32, normal values) on a backend,
 * each with a gradient (normal values) that stays for the whole trial, either as an {@link Optimizer} over one
 * parameter group ({@link #build}) or as bare storages for {@link Backend#optimizerStep} ({@link #storages}; the same
 * seeds, so the same values). {@code sgdm} is SGD with momentum 0.9 and lr 1e-3; {@code adam} is Adam with DCGAN's
 * betas (0.5, 0.999), eps 1e-8 and lr 2e-4; neither has weight decay.
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

    /** The hyper-parameters {@link #build}'s optimizers hand to the backend. */
    static OptimizerHyper hyper(boolean adam) {
        return adam
                ? OptimizerHyper.adam(ADAM_LR, 0.5, 0.999, 1e-8, 0, WeightDecayMode.NONE)
                : OptimizerHyper.sgdMomentum(SGD_LR, 0.9, 0, false, MomentumStart.FIRST_GRADIENT, 0,
                        WeightDecayMode.NONE);
    }

    /** The centring view GC gives tensor {@code s} of a workload. */
    static CentringView view(GcMode mode, TransposedConvCentring centring, Dcgan64Parameters.ParamShape s) {
        return GradientCentralization.view(mode,
                s.transposedConv() ? ParamKind.TRANSPOSED_CONV_WEIGHT : ParamKind.DEFAULT, centring, s.shape());
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

    /**
     * A workload's storages for {@link Backend#optimizerStep}: tensor i's weight, gradient and zeroed state (one
     * buffer for SGD-momentum, two for Adam), as {@link #build}'s optimizer would hold them.
     */
    record Storages(List<Dcgan64Parameters.ParamShape> shapes, List<Storage> weights, List<Storage> grads,
                    List<Storage> states1, List<Storage> states2) {

        /**
         * The slots of one {@link Backend#optimizerStep} over every tensor at step count {@code step}, each centred
         * as {@code mode} and {@code centring} say. Slot lists of different modes share the storages.
         */
        List<ParamSlot> slots(GcMode mode, TransposedConvCentring centring, long step) {
            List<ParamSlot> out = new ArrayList<>();
            for (int i = 0; i < shapes.size(); i++) {
                out.add(slot(i, view(mode, centring, shapes.get(i)), step));
            }
            return out;
        }

        /** Tensor i's slot at step count {@code step}, centred by {@code view}. */
        ParamSlot slot(int i, CentringView view, long step) {
            return new ParamSlot(weights.get(i), grads.get(i), states1.get(i),
                    states2.isEmpty() ? null : states2.get(i), step, view);
        }
    }

    /** {@link Storages} for {@code shapes}, allocated in {@code lifetime}. */
    static Storages storages(Backend backend, ScopedLifetime lifetime, List<Dcgan64Parameters.ParamShape> shapes,
                             boolean adam) {
        List<Storage> w = new ArrayList<>();
        List<Storage> g = new ArrayList<>();
        List<Storage> s1 = new ArrayList<>();
        List<Storage> s2 = new ArrayList<>();
        for (int i = 0; i < shapes.size(); i++) {
            long n = shapes.get(i).numel();
            w.add(backend.allocate(DType.FLOAT32, n, lifetime));
            g.add(backend.allocate(DType.FLOAT32, n, lifetime));
            backend.randomNormal(w.get(i), weightSeed(i), 0);
            backend.randomNormal(g.get(i), weightSeed(i) + 1, 0);
            s1.add(backend.allocate(DType.FLOAT32, n, lifetime));
            backend.fill(s1.get(i), 0);
            if (adam) {
                s2.add(backend.allocate(DType.FLOAT32, n, lifetime));
                backend.fill(s2.get(i), 0);
            }
        }
        return new Storages(List.copyOf(shapes), w, g, s1, s2);
    }
}
