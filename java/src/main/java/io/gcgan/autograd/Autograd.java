package io.gcgan.autograd;

import io.gcgan.tensor.GradFn;
import io.gcgan.tensor.GradMode;
import io.gcgan.tensor.Shapes;
import io.gcgan.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reverse-mode engine over the graph that tensor operations record (define-by-run).
 *
 * <ul>
 *   <li>{@link #backward(Tensor)} accumulates d(loss)/d(leaf) into every leaf that requires grad
 *       ({@link Tensor#grad()}), as training needs;</li>
 *   <li>{@link #grad(List, List, List, boolean)} returns d(outputs)/d(inputs) without touching any leaf's
 *       gradient; with {@code createGraph} the results are recorded too, so they can be differentiated again
 *       (gradient penalties differentiate the norm of d D(x) / dx with respect to D's parameters).</li>
 * </ul>
 *
 * Each recorded node's rule runs once, after the gradients of all its consumers are summed (reverse
 * topological order), and only for nodes on a path to a requested input.
 */
public final class Autograd {

    private Autograd() {
    }

    /**
     * backward of a scalar (one-element) loss with seed gradient 1. Gradients accumulate: calling it twice on the same
     * graph adds the gradients twice (PyTorch would refuse the second call unless the graph was retained; here the
     * graph lives until its {@link io.gcgan.tensor.TensorScope} closes). Clear them between updates with the
     * optimizer's {@code zeroGrad()}.
     */
    public static void backward(Tensor loss) {
        java.util.Objects.requireNonNull(loss, "backward: loss");
        if (loss.numel() != 1) {
            throw new IllegalArgumentException("backward: the output has shape " + Shapes.toString(loss.shape())
                    + "; give a gradient for non-scalar outputs");
        }
        backward(loss, Tensor.ones(loss.dtype(), loss.device(), loss.shape()));
    }

    /**
     * Accumulates the gradient of {@code output} (seeded with {@code gradOutput}; null for a one-element output: 1)
     * into the leaves.
     */
    public static void backward(Tensor output, Tensor gradOutput) {
        java.util.Objects.requireNonNull(output, "backward: output");
        if (gradOutput == null) {
            backward(output);
            return;
        }
        requireGraph("backward", output);
        if (output.isLeaf()) {
            // d(leaf)/d(leaf) = identity: the seed itself is the leaf's gradient.
            try (GradMode.Guard ignored = GradMode.noGrad()) {
                output.accumulateGrad(gradOutput.detach());
            }
            return;
        }
        List<Tensor> order = topologicalOrder(List.of(output));
        List<Tensor> leaves = new ArrayList<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Tensor t : order) {
            for (Tensor in : t.gradFn().inputs()) {
                if (in != null && in.isLeaf() && in.requiresGrad() && seen.add(in)) {
                    leaves.add(in);
                }
            }
        }
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            // Each leaf's terms, unsummed: the leaf adds them, the last one straight into its gradient's storage.
            Map<Tensor, List<Tensor>> terms = new IdentityHashMap<>();
            propagate(order, List.of(output), List.of(gradOutput), leaves, terms);
            for (Tensor leaf : leaves) {
                List<Tensor> t = terms.get(leaf);
                if (t != null) {
                    leaf.accumulateGrad(t);
                }
            }
        }
    }

    /** d(output)/d(input) for one scalar output. */
    public static Tensor grad(Tensor output, Tensor input, boolean createGraph) {
        java.util.Objects.requireNonNull(output, "grad: output");
        java.util.Objects.requireNonNull(input, "grad: input");
        if (output.numel() != 1) {
            throw new IllegalArgumentException("grad: the output has shape " + Shapes.toString(output.shape())
                    + "; give a gradient for non-scalar outputs");
        }
        return grad(List.of(output), List.of(input),
                List.of(Tensor.ones(output.dtype(), output.device(), output.shape())), createGraph).get(0);
    }

    /**
     * The vector-Jacobian products sum_i gradOutputs[i] * d outputs[i] / d inputs[j], one per input
     * ({@code gradOutputs} null: ones, for one-element outputs). Every input must lie on a recorded path from an
     * output. With {@code createGraph} the result is recorded (so
     * differentiable); otherwise nothing is recorded and the result requires no grad.
     */
    public static List<Tensor> grad(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> gradOutputs,
                                    boolean createGraph) {
        java.util.Objects.requireNonNull(outputs, "grad: outputs");
        java.util.Objects.requireNonNull(inputs, "grad: inputs");
        if (gradOutputs == null) { // as for backward(loss): every output must have one element, seeded with 1
            List<Tensor> ones = new ArrayList<>();
            for (Tensor out : outputs) {
                if (out.numel() != 1) {
                    throw new IllegalArgumentException("grad: no output gradients given, and an output has shape "
                            + Shapes.toString(out.shape()) + "; give them for outputs of more than one element");
                }
                ones.add(Tensor.ones(out.dtype(), out.device(), out.shape()));
            }
            gradOutputs = ones;
        }
        if (outputs.size() != gradOutputs.size()) {
            throw new IllegalArgumentException("grad: " + outputs.size() + " outputs but " + gradOutputs.size()
                    + " output gradients");
        }
        for (Tensor out : outputs) {
            requireGraph("grad", out);
        }
        for (Tensor in : inputs) {
            if (!in.requiresGrad()) {
                throw new IllegalArgumentException("grad: an input of shape " + Shapes.toString(in.shape())
                        + " does not require grad");
            }
        }
        List<Tensor> order = topologicalOrder(outputs);
        Map<Tensor, Tensor> grads;
        try (GradMode.Guard ignored = GradMode.set(createGraph)) {
            grads = propagate(order, outputs, gradOutputs, inputs, null);
        }
        List<Tensor> result = new ArrayList<>(inputs.size());
        for (Tensor in : inputs) {
            Tensor g = grads.get(in);
            if (g == null) {
                throw new IllegalArgumentException("grad: an input of shape " + Shapes.toString(in.shape())
                        + " is not used to compute the outputs");
            }
            // Without createGraph the result must not carry a graph, even where a rule passed the caller's
            // output gradient through unchanged.
            result.add(createGraph ? g : g.detach());
        }
        return result;
    }

    private static void requireGraph(String op, Tensor output) {
        if (!output.requiresGrad()) {
            throw new IllegalArgumentException(op + ": the output (shape " + Shapes.toString(output.shape())
                    + ") does not require grad: nothing it was computed from requires grad, or it was computed"
                    + " under GradMode.noGrad()");
        }
    }

    /**
     * Non-leaf tensors reachable from {@code outputs}, each after every tensor it was computed from
     * (iterative depth-first post-order, so deep graphs do not overflow the stack).
     */
    private static List<Tensor> topologicalOrder(List<Tensor> outputs) {
        List<Tensor> order = new ArrayList<>();
        Set<Tensor> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object[]> stack = new ArrayDeque<>(); // {tensor, next input index}
        for (Tensor out : outputs) {
            if (out.gradFn() == null || !visited.add(out)) {
                continue;
            }
            stack.push(new Object[] {out, 0});
            while (!stack.isEmpty()) {
                Object[] frame = stack.peek();
                Tensor t = (Tensor) frame[0];
                List<Tensor> inputs = t.gradFn().inputs();
                int next = (Integer) frame[1];
                if (next < inputs.size()) {
                    frame[1] = next + 1;
                    Tensor in = inputs.get(next);
                    if (in != null && in.gradFn() != null && visited.add(in)) {
                        stack.push(new Object[] {in, 0});
                    }
                } else {
                    stack.pop();
                    order.add(t);
                }
            }
        }
        return order;
    }

    /**
     * Runs the rules from the outputs back to the targets. Returns the summed gradient of every target (and of
     * the other tensors it passed through). Only nodes from which a target is reachable run their rules. With
     * {@code leafTerms} (not null), the gradient terms of targets that are leaves are listed there, in the order they
     * arrive, instead of summed.
     */
    private static Map<Tensor, Tensor> propagate(List<Tensor> order, List<Tensor> outputs, List<Tensor> gradOutputs,
                                                 List<Tensor> targets, Map<Tensor, List<Tensor>> leafTerms) {
        Set<Tensor> targetSet = Collections.newSetFromMap(new IdentityHashMap<>());
        targetSet.addAll(targets);
        // needed(t): t is a target or one of its recorded inputs is needed. `order` lists inputs first.
        Set<Tensor> needed = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Tensor t : order) {
            boolean need = targetSet.contains(t);
            for (Tensor in : t.gradFn().inputs()) {
                need |= in != null && (needed.contains(in) || targetSet.contains(in));
            }
            if (need) {
                needed.add(t);
            }
        }
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        for (int i = 0; i < outputs.size(); i++) {
            Tensor out = outputs.get(i);
            Tensor g = gradOutputs.get(i);
            if (!Arrays.equals(out.shape(), g.shape()) || out.dtype() != g.dtype()) {
                throw new IllegalArgumentException("grad: output gradient " + Shapes.toString(g.shape()) + " "
                        + g.dtype().displayName() + " does not match output " + Shapes.toString(out.shape()) + " "
                        + out.dtype().displayName());
            }
            accumulate(grads, out, g);
        }
        for (int i = order.size() - 1; i >= 0; i--) {
            Tensor t = order.get(i);
            if (!needed.contains(t)) {
                continue;
            }
            Tensor g = targetSet.contains(t) ? grads.get(t) : grads.remove(t);
            if (g == null) {
                continue; // no consumer on a differentiated path
            }
            GradFn fn = t.gradFn();
            Tensor[] inputGrads = fn.apply(g);
            List<Tensor> inputs = fn.inputs();
            for (int j = 0; j < inputGrads.length; j++) {
                Tensor in = inputs.get(j);
                Tensor gi = inputGrads[j];
                if (gi == null || in == null || !(needed.contains(in) || targetSet.contains(in))) {
                    continue;
                }
                if (!Arrays.equals(gi.shape(), in.shape())) {
                    throw new IllegalStateException(fn.name() + ": derivative rule returned a gradient of shape "
                            + Shapes.toString(gi.shape()) + " for input " + j + " of shape " + Shapes.toString(in.shape()));
                }
                if (leafTerms != null && in.isLeaf()) {
                    leafTerms.computeIfAbsent(in, k -> new ArrayList<>()).add(gi);
                } else {
                    accumulate(grads, in, gi);
                }
            }
        }
        return grads;
    }

    private static void accumulate(Map<Tensor, Tensor> grads, Tensor t, Tensor g) {
        Tensor previous = grads.get(t);
        grads.put(t, previous == null ? g : previous.add(g));
    }
}
