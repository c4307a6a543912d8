package io.gcgan.optim;

import io.gcgan.backend.Backend;
import io.gcgan.backend.CentringView;
import io.gcgan.backend.OptimizerHyper;
import io.gcgan.backend.ParamSlot;
import io.gcgan.backend.Storage;
import io.gcgan.tensor.GradMode;
import io.gcgan.tensor.Shapes;
import io.gcgan.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An optimizer over parameter groups, with gradient centralization as an option of every group. Subclasses
 * ({@link Sgd}, {@link Adam}, {@link RmsProp}) only say which update rule and hyper-parameters to use.
 *
 * <p>{@link #step()} reads each parameter's {@link Tensor#grad()} (parameters whose gradient is null are
 * skipped, as in PyTorch) and hands each group to its backend's fused {@link Backend#optimizerStep} in one call:
 * on the CPU a per-tensor loop, on a GPU one multi-tensor kernel. The optimizer state (moments) is allocated
 * on a parameter's first update, zero-filled, in the parameter's own lifetime, so it lives as long as the
 * parameter. Gradients are not modified.
 *
 * <p>Gradients computed outside gcgan's autograd (a caller that keeps its own): give each parameter its gradient with
 * {@code p.zeroGrad(); p.accumulateGrad(g)} ({@code g} of p's shape, dtype and device, made for example with
 * {@link Tensor#fromHost}; once p has a gradient, {@code p.grad().copyFromHost(segment)} refreshes it in place) before
 * {@link #step()}. The parameters themselves need not require grad; {@link Tensor#wrap} lets them be the caller's own
 * memory on the CPU, updated in place.
 *
 * <p>An optimizer is not thread-safe: step it, and write the gradients it reads, from one thread at a time.
 */
public abstract class Optimizer {

    private final List<ParamGroup> groups;
    private final List<List<Entry>> entries = new ArrayList<>();
    private final Map<String, Entry> byName = new LinkedHashMap<>();
    private final LearningRateSchedule[] schedules;
    private long steps;

    /** One parameter and its optimizer state. */
    private static final class Entry {
        final String name;
        final Tensor param;
        final CentringView centring;
        long step;           // updates received
        Storage[] state;     // null until the first update

        Entry(String name, Tensor param, CentringView centring) {
            this.name = name;
            this.param = param;
            this.centring = centring;
        }
    }

    /**
     * Sets up the parameters of {@code groups} (copied), naming unnamed ones {@code "<group>.<index>"}, each group at
     * a constant schedule of its {@link ParamGroup#learningRate()}; no state is allocated yet. Throws an
     * {@link IllegalArgumentException} when there is no group, when a tensor appears more than once (in one group or
     * in several), or when two parameters have the same name.
     */
    protected Optimizer(List<ParamGroup> groups) {
        if (groups.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": no parameter groups");
        }
        this.groups = List.copyOf(groups);
        this.schedules = new LearningRateSchedule[groups.size()];
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int gi = 0; gi < this.groups.size(); gi++) {
            ParamGroup g = this.groups.get(gi);
            schedules[gi] = LearningRateSchedule.constant(g.learningRate());
            List<Entry> list = new ArrayList<>();
            for (int pi = 0; pi < g.params().size(); pi++) {
                Param p = g.params().get(pi);
                String name = p.name() != null ? p.name() : gi + "." + pi;
                if (!seen.add(p.tensor())) {
                    throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter "
                            + (p.name() != null ? "'" + name + "'" : pi + " of group " + gi) + " (shape "
                            + Shapes.toString(p.tensor().shape()) + ") appears more than once (in one group or in"
                            + " several)");
                }
                CentringView view = GradientCentralization.view(g.gcMode(), p.kind(), g.transposedConvCentring(),
                        p.tensor().shape());
                Entry e = new Entry(name, p.tensor(), view);
                if (byName.put(name, e) != null) {
                    throw new IllegalArgumentException(getClass().getSimpleName() + ": two parameters are named '"
                            + name + "'");
                }
                list.add(e);
            }
            entries.add(list);
        }
        if (byName.isEmpty()) { // as PyTorch's "optimizer got an empty parameter list": a step would do nothing
            throw new IllegalArgumentException(getClass().getSimpleName() + ": no parameters in its " + groups.size()
                    + (groups.size() == 1 ? " group" : " groups") + " (add a module's or tensors to a ParamGroup)");
        }
    }

    /**
     * Validates the hyper-parameters of every group; subclasses call it last in their constructor, so that a bad
     * combination fails when the optimizer is made rather than on its first step.
     */
    protected final void validate() {
        for (ParamGroup g : groups) {
            OptimizerHyper h = hyper(g, g.learningRate());
            if (h.stateCount() != stateNames().size()) {
                throw new IllegalStateException(getClass().getSimpleName() + ": " + h.stateCount()
                        + " state buffers but names " + stateNames());
            }
        }
    }

    /** The fused step's hyper-parameters for {@code group} at learning rate {@code lr}. */
    protected abstract OptimizerHyper hyper(ParamGroup group, double lr);

    /** The checkpoint names of the state buffers (state1, state2), PyTorch's; see {@link OptimizerState}. */
    protected abstract List<String> stateNames();

    // ---- stepping -----------------------------------------------------------------------------------------

    /** One update of every parameter that has a gradient, each group at its current learning rate. */
    public void step() {
        step(null);
    }

    /**
     * {@link #step()} under a guard: when any element of {@code guard} is NaN or infinite the update changes no
     * weight and no moment ({@link Backend#optimizerStep(OptimizerHyper, List, Storage)}). The guard is read where
     * the step runs, so on a GPU the host need not wait for the values: a training loop passes the step's losses
     * and gradient norms and reads them afterwards. The step counts either way ({@link #steps()} and each
     * parameter's step count advance), since the host does not know whether it was skipped: after a skipped step,
     * continue from a checkpoint for an exact run. null: no guard.
     *
     * @param guard a tensor on the parameters' device, in their dtype, or null (a guarded step needs every parameter
     *              in that one dtype: a group mixing float32 and float64 parameters can only be stepped unguarded)
     */
    public void step(Tensor guard) {
        int nState = stateNames().size();
        Storage guardStorage = guard == null ? null : guard.storage();
        // Checked before anything changes (step counts, state), so that a caller who catches the error can go on.
        double[] lrs = new double[groups.size()];
        for (int gi = 0; gi < groups.size(); gi++) {
            lrs[gi] = learningRate(gi);
            if (!(lrs[gi] >= 0) || !Double.isFinite(lrs[gi])) {
                throw new IllegalStateException(getClass().getSimpleName() + ".step: group " + gi + "'s learning-rate"
                        + " schedule gave " + lrs[gi] + " at step " + steps + "; a rate must be finite and >= 0");
            }
        }
        for (List<Entry> list : entries) {
            for (Entry e : list) {
                if (e.param.grad() != null) {
                    requireAlive(e);
                }
            }
        }
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            for (int gi = 0; gi < groups.size(); gi++) {
                OptimizerHyper hyper = hyper(groups.get(gi), lrs[gi]);
                // Normally one backend per group; a group spread over devices gets one call per device.
                Map<Backend, List<ParamSlot>> slots = new LinkedHashMap<>();
                List<Tensor> stepped = new ArrayList<>();
                for (Entry e : entries.get(gi)) {
                    Tensor grad = e.param.grad();
                    if (grad == null) {
                        continue;
                    }
                    if (e.state == null) {
                        e.state = allocateState(e.param, nState);
                    }
                    e.step++;
                    Storage s1 = nState > 0 ? e.state[0] : null;
                    Storage s2 = nState > 1 ? e.state[1] : null;
                    slots.computeIfAbsent(e.param.backend(), b -> new ArrayList<>())
                            .add(new ParamSlot(e.param.storage(), grad.storage(), s1, s2, e.step, e.centring));
                    stepped.add(e.param);
                }
                slots.forEach((backend, list) -> backend.optimizerStep(hyper, list, guardStorage));
                for (Tensor p : stepped) {
                    p.noteWrittenInPlace("an optimizer step");
                }
            }
        }
        steps++;
    }

    /** Sets every parameter's gradient to zero, keeping its memory (see {@link Tensor#zeroGrad}). */
    public void zeroGrad() {
        for (List<Entry> list : entries) {
            for (Entry e : list) {
                e.param.zeroGrad();
            }
        }
    }

    /**
     * The parameter's memory (and its state's) still exists: a model made inside a {@link io.gcgan.tensor.TensorScope}
     * that has closed would otherwise fail deep in the backend without naming the parameter.
     */
    private void requireAlive(Entry e) {
        boolean alive = e.param.storage().segment().scope().isAlive();
        if (alive && e.state != null) {
            for (Storage s : e.state) {
                alive &= s.segment().scope().isAlive();
            }
        }
        if (!alive) {
            throw new IllegalStateException(getClass().getSimpleName() + ".step: parameter '" + e.name
                    + "' was used after the scope it was made in closed; make the model and its optimizer outside"
                    + " the scopes of the training steps");
        }
    }

    private static Storage[] allocateState(Tensor param, int n) {
        Storage[] state = new Storage[n];
        for (int i = 0; i < n; i++) {
            Storage w = param.storage();
            state[i] = param.backend().allocate(w.dtype(), w.numel(), w.lifetime());
            param.backend().fill(state[i], 0.0);
        }
        return state;
    }

    // ---- groups and learning rates ------------------------------------------------------------------------

    /** The parameter groups, as given (an unmodifiable copy); their learning rates are the initial ones. */
    public List<ParamGroup> groups() {
        return groups;
    }

    /**
     * The number of steps taken: calls of {@link #step()} and {@link #step(Tensor)} (skipped guarded steps
     * included), counted on from the step count {@link #loadState} restored, if it was called.
     */
    public long steps() {
        return steps;
    }

    /** The learning rate group {@code group}'s next step uses. */
    public double learningRate(int group) {
        return schedule(group).learningRate(steps);
    }

    /** Sets group {@code group}'s learning rate from the next step on (replacing its schedule by a constant). */
    public void setLearningRate(int group, double lr) {
        checkGroup(group);
        if (!(lr >= 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".setLearningRate: group " + group
                    + "'s learning rate must be finite and >= 0, got " + lr);
        }
        setSchedule(group, LearningRateSchedule.constant(lr));
    }

    /**
     * Group {@code group}'s learning rate follows {@code schedule}, evaluated at {@link #steps()} before each step; a
     * step whose schedule gives a rate that is negative or not finite is refused, naming the group, before any group
     * is updated.
     */
    public void setSchedule(int group, LearningRateSchedule schedule) {
        checkGroup(group);
        schedules[group] = Objects.requireNonNull(schedule, "schedule");
    }

    /**
     * Group {@code group}'s learning-rate schedule (a constant of its initial rate unless {@link #setSchedule} or
     * {@link #setLearningRate} replaced it); an {@link IndexOutOfBoundsException} for a group that does not exist.
     */
    public LearningRateSchedule schedule(int group) {
        checkGroup(group);
        return schedules[group];
    }

    private void checkGroup(int group) {
        if (group < 0 || group >= groups.size()) {
            throw new IndexOutOfBoundsException(getClass().getSimpleName() + " has " + groups.size()
                    + " parameter group(s), not group " + group);
        }
    }

    // ---- state (checkpoints) ------------------------------------------------------------------------------

    /**
     * The optimizer's state in the layout {@link OptimizerState} documents. The buffers are the live state (they
     * share storage with it, as PyTorch's {@code state_dict()} does): copy them to keep a snapshot across steps.
     */
    public OptimizerState state() {
        Map<String, OptimizerState.ParamState> params = new LinkedHashMap<>();
        List<String> names = stateNames();
        for (Entry e : byName.values()) {
            if (e.state == null) {
                continue;
            }
            Map<String, Tensor> buffers = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                buffers.put(names.get(i), Tensor.wrap(e.state[i], e.param.shape()));
            }
            params.put(e.name, new OptimizerState.ParamState(e.step, buffers));
        }
        return new OptimizerState(steps, params);
    }

    /**
     * Replaces the optimizer's state with a copy of {@code state} (from {@link #state()} of an optimizer of the
     * same kind over parameters of the same names and shapes). Parameters it has no entry for start afresh.
     */
    public void loadState(OptimizerState state) {
        List<String> names = stateNames();
        for (var item : state.params().entrySet()) {
            Entry e = byName.get(item.getKey());
            if (e == null) {
                throw new IllegalArgumentException("loadState: no parameter named '" + item.getKey() + "'; this "
                        + getClass().getSimpleName() + " has " + byName.keySet());
            }
            OptimizerState.ParamState ps = item.getValue();
            if (!ps.buffers().keySet().equals(new HashSet<>(names))) {
                throw new IllegalArgumentException("loadState: parameter '" + e.name + "' has buffers "
                        + ps.buffers().keySet() + ", " + getClass().getSimpleName() + " keeps " + names);
            }
            if (ps.step() < 0) {
                throw new IllegalArgumentException("loadState: parameter '" + e.name + "' has step " + ps.step());
            }
            for (String n : names) {
                Tensor src = ps.buffers().get(n);
                if (!Arrays.equals(src.shape(), e.param.shape())) {
                    throw new IllegalArgumentException("loadState: buffer '" + n + "' of parameter '" + e.name
                            + "' has shape " + Shapes.toString(src.shape()) + ", the parameter "
                            + Shapes.toString(e.param.shape()));
                }
            }
        }
        if (state.steps() < 0) {
            throw new IllegalArgumentException("loadState: steps " + state.steps() + " < 0");
        }
        // Checked; now copy.
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            for (Entry e : byName.values()) {
                OptimizerState.ParamState ps = state.params().get(e.name);
                if (ps == null) {
                    e.step = 0;
                    e.state = null;
                    continue;
                }
                Storage[] fresh = e.state != null ? e.state : allocateState(e.param, names.size());
                for (int i = 0; i < names.size(); i++) {
                    Tensor.wrap(fresh[i], e.param.shape()).assign(ps.buffers().get(names.get(i)).to(e.param.device()));
                }
                e.state = fresh;
                e.step = ps.step();
            }
        }
        steps = state.steps();
    }

    /** The class name with the number of groups, parameters and steps. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + groups.size() + " group(s), " + byName.size() + " params, "
                + steps + " steps)";
    }
}
