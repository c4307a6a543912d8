package io.gcgan.nn;

import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.GradMode;
import io.gcgan.tensor.Shapes;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A layer or a model: a function {@link #forward} of one tensor, with named parameters, buffers and child
 * modules, as in PyTorch's {@code torch.nn.Module}.
 *
 * <p><b>Names.</b> A subclass registers its state in its constructor, in the order PyTorch would:
 * {@link #registerParameter}, {@link #registerBuffer}, {@link #registerCounter} and {@link #registerModule}.
 * Qualified names join the path of child names with dots, so a model built like PyTorch's has PyTorch's
 * {@code state_dict} keys ({@code main.0.weight}, {@code main.1.running_mean}, ...), in PyTorch's order: a
 * module's own parameters, then its own buffers, then each child's entries in registration order.
 *
 * <p><b>Parameters</b> are leaf tensors with {@code requiresGrad(true)}. They are allocated in the
 * {@link TensorScope} that is current when the module is built: build models outside any step scope (or in
 * a long-lived scope of their own), never inside the scope of a training step, or the parameters die with
 * it. Optimizers, {@link #loadWeights} and the initializers in {@link Init} update them in place, so a
 * parameter tensor keeps its identity for the life of the module. A forward through a layer whose parameters
 * or buffers were freed that way throws, naming the layer and the entry ({@link #requireStateAlive}).
 *
 * <p><b>Buffers</b> are state that is saved but not trained (BatchNorm's running statistics). A
 * <i>counter</i> is an integer buffer kept as a Java {@code long} (BatchNorm's {@code num_batches_tracked}):
 * it costs no device traffic, is exact over the whole int64 range, and is written to safetensors files as an
 * {@code I64} scalar, as PyTorch stores it. Where a map of tensors is asked for ({@link #namedBuffers},
 * {@link #stateDict}) a counter appears as a <em>snapshot</em>: a fresh float64 CPU scalar holding its value;
 * writing to that snapshot does not change the module (use {@link #loadStateDict}).
 *
 * <p><b>Modes.</b> A module starts in training mode; {@link #train(boolean)} and {@link #eval()} set the mode
 * of the whole tree. Only BatchNorm behaves differently in the two modes here.
 */
public abstract class Module {

    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Object> buffers = new LinkedHashMap<>(); // a Tensor or a Counter
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;
    // Where this module was first registered as a child (null: never), only to name it in error messages.
    private Module parent;
    private String nameInParent;

    protected Module() {
    }

    /** The module's function. Intermediates are allocated in the current {@link TensorScope}. */
    public abstract Tensor forward(Tensor x);

    // ==== registration =====================================================================================

    /**
     * Registers {@code p} (a leaf tensor) as a parameter called {@code name} and marks it as requiring grad.
     * Returns {@code p}. A PyTorch parameter that is {@code None} (a layer built without bias) is simply not
     * registered, as PyTorch leaves it out of the state dict.
     */
    protected final Tensor registerParameter(String name, Tensor p) {
        checkNewName(name);
        Objects.requireNonNull(p, () -> "parameter '" + name + "' is null");
        if (!p.isLeaf()) {
            throw new IllegalArgumentException("parameter '" + name + "' must be a leaf tensor, got the result of "
                    + p.gradFn().name() + "; use detach()");
        }
        p.requiresGrad(true);
        parameters.put(name, p);
        return p;
    }

    /** Registers {@code b} as a buffer called {@code name} (saved, not trained); returns it. */
    protected final Tensor registerBuffer(String name, Tensor b) {
        checkNewName(name);
        Objects.requireNonNull(b, () -> "buffer '" + name + "' is null");
        buffers.put(name, b);
        return b;
    }

    /** Registers a new integer buffer, starting at 0, called {@code name} (saved as an I64 scalar). */
    protected final Counter registerCounter(String name) {
        checkNewName(name);
        Counter c = new Counter();
        buffers.put(name, c);
        return c;
    }

    /** Registers {@code child} as the submodule {@code name}; returns it. */
    protected final <M extends Module> M registerModule(String name, M child) {
        checkNewName(name);
        Objects.requireNonNull(child, () -> "module '" + name + "' is null");
        if (child == this) {
            throw new IllegalArgumentException("module '" + name + "': a module cannot contain itself");
        }
        children.put(name, child);
        Module c = child; // (a type variable's members exclude the private fields)
        if (c.parent == null) { // a shared module is named by its first registration, as in namedModules
            c.parent = this;
            c.nameInParent = name;
        }
        return child;
    }

    private void checkNewName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("bad name '" + name + "': names are non-empty and contain no '.'");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " already has an attribute named '"
                    + name + "'");
        }
    }

    /**
     * Throws unless every parameter and tensor buffer of this module (not its children's) is still allocated: one
     * that was freed with the {@link TensorScope} it was made in (a model built inside a step's scope) is named
     * with this module's qualified name, instead of failing in the backend with an anonymous storage. Reads a
     * field per tensor and calls no backend, so a layer with state calls it first in {@link #forward}, before it
     * changes anything (a running statistic, a counter).
     *
     * @throws IllegalStateException naming the module, the entry and the cause
     */
    protected final void requireStateAlive() {
        for (var p : parameters.entrySet()) {
            requireAlive("parameter", p.getKey(), p.getValue());
        }
        for (var b : buffers.entrySet()) {
            if (b.getValue() instanceof Tensor t) {
                requireAlive("buffer", b.getKey(), t);
            }
        }
    }

    private void requireAlive(String kind, String name, Tensor t) {
        if (!t.storage().segment().scope().isAlive()) {
            String path = qualifiedName();
            throw new IllegalStateException(name() + (path.isEmpty() ? "" : " '" + path + "'") + ": " + kind + " '"
                    + name + "' (shape " + Shapes.toString(t.shape()) + ") was freed with the TensorScope it was"
                    + " made in; make a model outside the scopes of its steps");
        }
    }

    /**
     * This module's name in the outermost module it belongs to ({@code features.0}; "" for a module that no other
     * contains), each module under the name of its first registration.
     */
    private String qualifiedName() {
        String path = "";
        Set<Module> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Module m = this; m.parent != null && seen.add(m); m = m.parent) {
            path = path.isEmpty() ? m.nameInParent : m.nameInParent + "." + path;
        }
        return path;
    }

    /** An integer buffer held as a Java long (see the class comment). */
    public static final class Counter {
        private long value;

        Counter() {
        }

        public long get() {
            return value;
        }

        public void set(long value) {
            this.value = value;
        }

        @Override
        public String toString() {
            return Long.toString(value);
        }

        /** Adds one; returns the new value. */
        public long increment() {
            return ++value;
        }
    }

    // ==== traversal ========================================================================================

    /** Direct children in registration order. */
    public final Map<String, Module> namedChildren() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(children));
    }

    /** This module ("" ) and every descendant, in pre-order, each once (a shared submodule under its first name). */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", this, out, Collections.newSetFromMap(new IdentityHashMap<>()));
        return out;
    }

    private static void collectModules(String prefix, Module m, Map<String, Module> out, Set<Module> seen) {
        if (!seen.add(m)) {
            return;
        }
        out.put(prefix, m);
        for (var e : m.children.entrySet()) {
            collectModules(join(prefix, e.getKey()), e.getValue(), out, seen);
        }
    }

    /** Every parameter by qualified name, each tensor once (under its first name), in PyTorch's order. */
    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (var m : namedModules().entrySet()) {
            for (var p : m.getValue().parameters.entrySet()) {
                if (seen.add(p.getValue())) {
                    out.put(join(m.getKey(), p.getKey()), p.getValue());
                }
            }
        }
        return out;
    }

    /** The parameters, in {@link #namedParameters()} order: what an optimizer updates. */
    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** The total number of parameter elements. */
    public final long parameterCount() {
        long n = 0;
        for (Tensor p : parameters()) {
            n += p.numel();
        }
        return n;
    }

    /**
     * Every buffer by qualified name: the live tensors, and a float64 CPU snapshot for each counter (see the
     * class comment).
     */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var m : namedModules().entrySet()) {
            for (var b : m.getValue().buffers.entrySet()) {
                out.put(join(m.getKey(), b.getKey()), asTensor(b.getValue()));
            }
        }
        return out;
    }

    /**
     * Every counter by qualified name, live (each distinct counter once): what code that replays recorded backend
     * calls ({@code io.gcgan.tensor.Capture}) must advance itself, since a replay runs no Java code.
     */
    public final Map<String, Counter> namedCounters() {
        Map<String, Counter> out = new LinkedHashMap<>();
        Set<Counter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (StateEntry e : stateEntries()) {
            if (e.counter() != null && seen.add(e.counter())) {
                out.put(e.name(), e.counter());
            }
        }
        return out;
    }

    /**
     * Parameters and buffers by qualified name in PyTorch's {@code state_dict} order. Parameters appear
     * detached (sharing storage with the module, recording nothing), buffers live, counters as snapshots.
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (StateEntry e : stateEntries()) {
            out.put(e.name(), e.counter() != null ? snapshot(e.counter()) : e.isParameter() ? e.tensor().detach()
                    : e.tensor());
        }
        return out;
    }

    /** One entry of the state dict, as {@link #saveWeights} and {@link #loadWeights} walk it. */
    record StateEntry(String name, Tensor tensor, Counter counter, boolean isParameter) {
        /** The shape the entry has in a state dict ({@code []} for a counter). */
        long[] shape() {
            return counter != null ? new long[0] : tensor.shape();
        }
    }

    /** The state dict's entries (no dedup: a shared module appears under each of its names, as in PyTorch). */
    final List<StateEntry> stateEntries() {
        List<StateEntry> out = new ArrayList<>();
        collectState("", this, out);
        return out;
    }

    private static void collectState(String prefix, Module m, List<StateEntry> out) {
        for (var p : m.parameters.entrySet()) {
            out.add(new StateEntry(join(prefix, p.getKey()), p.getValue(), null, true));
        }
        for (var b : m.buffers.entrySet()) {
            Object v = b.getValue();
            out.add(v instanceof Counter c
                    ? new StateEntry(join(prefix, b.getKey()), null, c, false)
                    : new StateEntry(join(prefix, b.getKey()), (Tensor) v, null, false));
        }
        for (var c : m.children.entrySet()) {
            collectState(join(prefix, c.getKey()), c.getValue(), out);
        }
    }

    private static Tensor asTensor(Object buffer) {
        return buffer instanceof Counter c ? snapshot(c) : (Tensor) buffer;
    }

    private static Tensor snapshot(Counter c) {
        return Tensor.scalar(c.get(), DType.FLOAT64, Device.CPU);
    }

    private static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    // ==== modes and gradients ==============================================================================

    /** Sets training mode ({@code true}) or evaluation mode on this module and all its descendants. */
    public Module train(boolean mode) {
        for (Module m : namedModules().values()) {
            m.training = mode;
        }
        return this;
    }

    /** Training mode for the whole tree. */
    public Module train() {
        return train(true);
    }

    /** Evaluation mode for the whole tree (BatchNorm uses its running statistics). */
    public Module eval() {
        return train(false);
    }

    public final boolean isTraining() {
        return training;
    }

    /** Sets every parameter's accumulated gradient to zero, keeping its memory (see {@link Tensor#zeroGrad}). */
    public void zeroGrad() {
        for (Tensor p : parameters()) {
            p.zeroGrad();
        }
    }

    /** Drops every parameter's gradient and its memory (PyTorch's {@code zero_grad(set_to_none=True)}). */
    public void clearGrad() {
        for (Tensor p : parameters()) {
            p.clearGrad();
        }
    }

    // ==== state dict in and out ============================================================================

    /**
     * Copies {@code state} into this module's parameters, buffers and counters. Strict: the names must be
     * exactly the module's, each tensor must have the entry's dtype and shape (a counter takes a scalar of
     * any dtype holding a non-negative integer); the device may differ. Everything is checked before anything
     * is written, so a failure leaves the module unchanged.
     *
     * @throws IllegalArgumentException listing the missing and unexpected names, or the mismatches
     */
    public void loadStateDict(Map<String, Tensor> state) {
        List<StateEntry> entries = stateEntries();
        List<String> problems = new ArrayList<>(nameProblems(entries, state.keySet()));
        long[] counterValues = new long[entries.size()];
        if (problems.isEmpty()) {
            for (int i = 0; i < entries.size(); i++) {
                StateEntry e = entries.get(i);
                Tensor src = state.get(e.name());
                if (e.counter() != null) {
                    double v = src.numel() == 1 && src.rank() == 0 ? src.item() : Double.NaN;
                    if (!(v >= 0 && v < 0x1p63 && v == Math.rint(v))) {
                        problems.add("'" + e.name() + "' is a counter and needs a scalar holding a non-negative"
                                + " integer, got " + src);
                    } else {
                        counterValues[i] = (long) v;
                    }
                } else if (src.dtype() != e.tensor().dtype() || !Arrays.equals(src.shape(), e.tensor().shape())) {
                    problems.add("'" + e.name() + "' is " + src.dtype().displayName() + " "
                            + Shapes.toString(src.shape()) + ", the module's is " + e.tensor().dtype().displayName()
                            + " " + Shapes.toString(e.tensor().shape()));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("loadStateDict: " + String.join("; ", problems));
        }
        try (TensorScope scope = TensorScope.open(); GradMode.Guard g = GradMode.noGrad()) {
            for (int i = 0; i < entries.size(); i++) {
                StateEntry e = entries.get(i);
                if (e.counter() != null) {
                    e.counter().set(counterValues[i]);
                } else {
                    Tensor src = state.get(e.name());
                    if (src.storage() != e.tensor().storage()) {
                        e.tensor().assign(src.detach().to(e.tensor().device()));
                    }
                }
            }
        }
    }

    /** "missing [..]" and "unexpected [..]" for the names of {@code entries} against {@code given}. */
    static List<String> nameProblems(List<StateEntry> entries, Set<String> given) {
        Set<String> expected = new LinkedHashSet<>();
        for (StateEntry e : entries) {
            expected.add(e.name());
        }
        List<String> missing = new ArrayList<>();
        for (String n : expected) {
            if (!given.contains(n)) {
                missing.add(n);
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String n : given) {
            if (!expected.contains(n)) {
                unexpected.add(n);
            }
        }
        List<String> out = new ArrayList<>();
        if (!missing.isEmpty()) {
            out.add("missing " + missing);
        }
        if (!unexpected.isEmpty()) {
            out.add("unexpected " + unexpected);
        }
        return out;
    }

    /** Writes {@link #stateDict()} to a safetensors file, atomically; see {@link SafeTensors}. */
    public void saveWeights(Path file) throws IOException {
        saveWeights(file, Map.of());
    }

    /** As {@link #saveWeights(Path)}, with free-form text metadata in the header's {@code __metadata__}. */
    public void saveWeights(Path file, Map<String, String> metadata) throws IOException {
        SafeTensors.saveModule(file, stateEntries(), metadata);
    }

    /**
     * Reads a safetensors file written by {@link #saveWeights} (or by PyTorch's safetensors for the same
     * architecture) into this module. The whole file is read and checked first (format, names exactly the
     * module's, dtype and shape of each entry, num_batches_tracked as an I64 scalar), so a truncated, corrupt
     * or mismatched file throws and leaves the module as it was.
     *
     * @throws SafeTensorsException naming the file and the problem
     * @throws IOException if the file cannot be read
     */
    public void loadWeights(Path file) throws IOException {
        SafeTensors.loadModule(file, stateEntries());
    }

    // ==== printing =========================================================================================

    /** The name printed by {@link #toString()}: the class's simple name, as PyTorch prints its class name. */
    protected String name() {
        String s = getClass().getSimpleName();
        return s.isEmpty() ? getClass().getName() : s;
    }

    /** The layer's settings as PyTorch's {@code extra_repr} prints them ("" for none). */
    protected String extraRepr() {
        return "";
    }

    /** PyTorch's module repr: {@code Name(extra)} or, with children, one indented {@code (name): child} per line. */
    @Override
    public String toString() {
        String extra = extraRepr();
        List<String> extraLines = extra.isEmpty() ? List.of() : List.of(extra.split("\n", -1));
        List<String> childLines = new ArrayList<>();
        for (var c : children.entrySet()) {
            childLines.add("(" + c.getKey() + "): " + c.getValue().toString().replace("\n", "\n  "));
        }
        StringBuilder sb = new StringBuilder(name()).append('(');
        if (extraLines.size() == 1 && childLines.isEmpty()) {
            sb.append(extraLines.get(0));
        } else if (!extraLines.isEmpty() || !childLines.isEmpty()) {
            List<String> lines = new ArrayList<>(extraLines);
            lines.addAll(childLines);
            sb.append("\n  ").append(String.join("\n  ", lines)).append('\n');
        }
        return sb.append(')').toString();
    }
}
