package io.gcgan.optim;

import io.gcgan.backend.WeightDecayMode;
import io.gcgan.nn.ConvTranspose2d;
import io.gcgan.nn.Module;
import io.gcgan.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Parameters that share a learning rate, a weight decay and a GC mode (PyTorch's param group). Immutable; the
 * learning rate given here is the group's initial one, which the optimizer may change between steps
 * ({@link Optimizer#setLearningRate}, {@link Optimizer#setSchedule}).
 *
 * <pre>{@code
 * ParamGroup g = ParamGroup.builder(2e-4)
 *         .addAll(generator.namedParameters(), name -> transposedConvNames.contains(name))
 *         .gc(GcMode.CONV_ONLY)
 *         .weightDecay(1e-4, WeightDecayMode.COUPLED)
 *         .build();
 * }</pre>
 *
 * Defaults: GC {@link GcMode#NONE}, no weight decay, transposed-conv weights centred along dimension 0
 * ({@link TransposedConvCentring#INPUT_CHANNEL}, the official behaviour).
 */
public final class ParamGroup {

    private final List<Param> params;
    private final double learningRate;
    private final GcMode gcMode;
    private final double weightDecay;
    private final WeightDecayMode decayMode;
    private final TransposedConvCentring transposedConvCentring;

    private ParamGroup(Builder b) {
        this.params = List.copyOf(b.params);
        this.learningRate = b.learningRate;
        this.gcMode = b.gcMode;
        this.weightDecay = b.weightDecay;
        this.decayMode = b.decayMode;
        this.transposedConvCentring = b.transposedConvCentring;
    }

    /** A builder of a group with initial learning rate {@code learningRate} (checked by {@link Builder#build()}). */
    public static Builder builder(double learningRate) {
        return new Builder(learningRate);
    }

    /** A group with the defaults over unnamed parameters (the optimizer names them "group.index"). */
    public static ParamGroup of(double learningRate, List<Tensor> params) {
        return builder(learningRate).addAll(params).build();
    }

    /** A group with the defaults over named parameters, none of them a transposed-conv weight. */
    public static ParamGroup of(double learningRate, Map<String, Tensor> namedParams) {
        return builder(learningRate).addAll(namedParams).build();
    }

    /** The parameters, in the order they were added (an unmodifiable list). */
    public List<Param> params() {
        return params;
    }

    /** The initial learning rate. */
    public double learningRate() {
        return learningRate;
    }

    /** Which of the group's parameters gradient centralization centres, by rank. */
    public GcMode gcMode() {
        return gcMode;
    }

    /** The weight-decay factor {@code lambda} (0 when the mode is {@link WeightDecayMode#NONE}). */
    public double weightDecay() {
        return weightDecay;
    }

    /** How {@link #weightDecay()} is applied. */
    public WeightDecayMode decayMode() {
        return decayMode;
    }

    /** How gradient centralization slices the group's transposed-conv weights. */
    public TransposedConvCentring transposedConvCentring() {
        return transposedConvCentring;
    }

    /** The parameter count and the options, for logs. */
    @Override
    public String toString() {
        return "ParamGroup(" + params.size() + " params, lr=" + learningRate + ", gc=" + gcMode + ", weightDecay="
                + weightDecay + " " + decayMode + ", transposedConv=" + transposedConvCentring + ")";
    }

    /** Collects parameters and options; {@link #build()} checks them. */
    public static final class Builder {
        private final List<Param> params = new ArrayList<>();
        private final double learningRate;
        private GcMode gcMode = GcMode.NONE;
        private double weightDecay;
        private WeightDecayMode decayMode = WeightDecayMode.NONE;
        private TransposedConvCentring transposedConvCentring = TransposedConvCentring.INPUT_CHANNEL;

        private Builder(double learningRate) {
            this.learningRate = learningRate;
        }

        /** Adds {@code param} (not null). */
        public Builder add(Param param) {
            params.add(Objects.requireNonNull(param, "param"));
            return this;
        }

        /** An unnamed parameter of the default kind. */
        public Builder add(Tensor param) {
            return add(Param.of(null, param));
        }

        /** A named parameter of the default kind; {@code param} must be a leaf ({@link Param}). */
        public Builder add(String name, Tensor param) {
            return add(Param.of(name, param));
        }

        /** A ConvTranspose weight {@code [in, out, kh, kw]} (see {@link TransposedConvCentring}). */
        public Builder addTransposedConvWeight(String name, Tensor param) {
            return add(Param.transposedConvWeight(name, param));
        }

        /** Unnamed parameters of the default kind, in list order. */
        public Builder addAll(List<Tensor> unnamed) {
            unnamed.forEach(this::add);
            return this;
        }

        /** Named parameters of the default kind, in map order (none of them a transposed-conv weight). */
        public Builder addAll(Map<String, Tensor> named) {
            return addAll(named, name -> false);
        }

        /** Named parameters, in map order; those whose name passes {@code isTransposedConvWeight} are ConvT weights. */
        public Builder addAll(Map<String, Tensor> named, Predicate<String> isTransposedConvWeight) {
            named.forEach((name, t) -> add(isTransposedConvWeight.test(name)
                    ? Param.transposedConvWeight(name, t) : Param.of(name, t)));
            return this;
        }

        /**
         * Every parameter of {@code model} under its state-dict name, the weights of its {@link ConvTranspose2d} layers
         * marked as transposed-conv weights ([in, out, kh, kw], which GC centres per {@link TransposedConvCentring}).
         */
        public Builder addModule(Module model) {
            Set<Tensor> transposed = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Module m : model.namedModules().values()) {
                if (m instanceof ConvTranspose2d c) {
                    transposed.add(c.weight());
                }
            }
            Map<String, Tensor> params = model.namedParameters();
            return addAll(params, name -> transposed.contains(params.get(name)));
        }

        /** Sets the GC mode (default {@link GcMode#NONE}). */
        public Builder gc(GcMode mode) {
            this.gcMode = Objects.requireNonNull(mode, "gc mode");
            return this;
        }

        /** Weight decay {@code lambda} applied the {@code mode} way ({@link WeightDecayMode}). */
        public Builder weightDecay(double lambda, WeightDecayMode mode) {
            this.weightDecay = lambda;
            this.decayMode = Objects.requireNonNull(mode, "decay mode");
            return this;
        }

        /** Sets how GC slices transposed-conv weights (default {@link TransposedConvCentring#INPUT_CHANNEL}). */
        public Builder transposedConvCentring(TransposedConvCentring centring) {
            this.transposedConvCentring = Objects.requireNonNull(centring, "transposed-conv centring");
            return this;
        }

        /**
         * The group; an {@link IllegalArgumentException} when the learning rate or the weight decay is negative or not
         * finite, or when a non-zero weight decay has mode {@link WeightDecayMode#NONE}.
         */
        public ParamGroup build() {
            if (!(learningRate >= 0) || !Double.isFinite(learningRate)) {
                throw new IllegalArgumentException("ParamGroup: learning rate must be finite and >= 0, got "
                        + learningRate);
            }
            if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
                throw new IllegalArgumentException("ParamGroup: weight decay must be finite and >= 0, got "
                        + weightDecay);
            }
            if (decayMode == WeightDecayMode.NONE && weightDecay != 0) {
                throw new IllegalArgumentException("ParamGroup: weight decay " + weightDecay
                        + " with mode NONE; use COUPLED or DECOUPLED");
            }
            return new ParamGroup(this);
        }
    }
}
