package io.gcgan.tensor;

import io.gcgan.backend.Storage;
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
    // The in-place write counts of the inputs and of the output when the operation ran: a rule computes with the
    // values its tensors hold when it runs, so it must find the ones the operation saw.
    private final int[] inputWrites;
    private final Tensor.Version output;
    private final int outputWrites;
    // The result's memory: a rule that reads the result (exp, tanh, sigmoid) fails once its scope has closed.
    private final Storage outputStorage;

    GradFn(String name, List<Tensor> inputs, Rule rule, Tensor.Version output, Storage outputStorage) {
        this.name = name;
        this.inputs = inputs;
        this.rule = rule;
        this.inputWrites = new int[inputs.size()];
        for (int i = 0; i < inputWrites.length; i++) {
            Tensor in = inputs.get(i);
            inputWrites[i] = in == null ? 0 : in.version.count();
        }
        this.output = output;
        this.outputWrites = output.count();
        this.outputStorage = outputStorage;
    }

    public String name() {
        return name;
    }

    /** The inputs, in the order of the gradients the rule returns (entries may be null for non-tensors). */
    public List<Tensor> inputs() {
        return inputs;
    }

    /**
     * Gradients of the inputs given the output's gradient; an entry is null when that input needs none. Refused when
     * an input or the output has been written in place since the operation ran (an optimizer step, assign, ...): the
     * rule would compute with the new values, a wrong gradient (PyTorch refuses this too). A rule that fails because
     * a tensor it reads was freed with its {@link TensorScope} (a backward pass after the forward pass's scope closed)
     * names the operation and that tensor.
     */
    public Tensor[] apply(Tensor gradOutput) {
        for (int i = 0; i < inputWrites.length; i++) {
            Tensor in = inputs.get(i);
            if (in != null && in.version.count() != inputWrites[i]) {
                throw modified("its input " + i + " (shape " + Shapes.toString(in.shape) + ")", in.version);
            }
        }
        if (output.count() != outputWrites) {
            throw modified("its result", output);
        }
        Tensor[] grads;
        try {
            grads = rule.apply(gradOutput);
        } catch (IllegalStateException e) {
            String freed = freedOperand();
            if (freed == null) {
                throw e;
            }
            throw new IllegalStateException("the derivative of " + name + " needs " + freed + ", whose TensorScope"
                    + " has closed: run backward (or Autograd.grad) before closing the scope the forward pass ran in,"
                    + " or keep() what the derivative needs", e);
        }
        if (grads.length != inputs.size()) {
            throw new IllegalStateException(name + ": derivative rule returned " + grads.length
                    + " gradients for " + inputs.size() + " inputs");
        }
        return grads;
    }

    /** The first input, or the result, whose memory has been freed with its scope; null when none. */
    private String freedOperand() {
        for (int i = 0; i < inputs.size(); i++) {
            Tensor in = inputs.get(i);
            if (in != null && !in.storage.segment().scope().isAlive()) {
                return "its input " + i + " (shape " + Shapes.toString(in.shape) + ")";
            }
        }
        return outputStorage.segment().scope().isAlive() ? null : "its result";
    }

    private IllegalStateException modified(String what, Tensor.Version v) {
        return new IllegalStateException("the derivative of " + name + " needs " + what + " as the operation saw it,"
                + " but it was written in place since (by " + v.lastWrite() + "): compute again after the change"
                + " (for example the loss after an optimizer step), or change a copy");
    }

    @Override
    public String toString() {
        return name + "Backward";
    }
}
