package io.gcgan.tensor;

import java.util.List;

/**
 * The recorded origin of a non-leaf tensor: the operation's name, its tensor inputs and its derivative rule.
 * Rules are written in differentiable tensor operations, so running them while recording gives second
 * derivatives (autograd's {@code createGraph}).
 */
public final class GradFn {

    /** Maps the gradient of the output to the gradients of the inputs (null where an input needs none). */
    @FunctionalInterface
    public interface Rule {
        Tensor[] apply(Tensor gradOutput);
    }

    private final String name;
    private final List<Tensor> inputs;
    private final Rule rule;

    GradFn(String name, List<Tensor> inputs, Rule rule) {
        this.name = name;
        this.inputs = inputs;
        this.rule = rule;
    }

    public String name() {
        return name;
    }

    /** The inputs, in the order of the gradients the rule returns (entries may be null for non-tensors). */
    public List<Tensor> inputs() {
        return inputs;
    }

    /** Gradients of the inputs given the output's gradient; an entry is null when that input needs none. */
    public Tensor[] apply(Tensor gradOutput) {
        Tensor[] grads = rule.apply(gradOutput);
        if (grads.length != inputs.size()) {
            throw new IllegalStateException(name + ": derivative rule returned " + grads.length
                    + " gradients for " + inputs.size() + " inputs");
        }
        return grads;
    }

    @Override
    public String toString() {
        return name + "Backward";
    }
}
