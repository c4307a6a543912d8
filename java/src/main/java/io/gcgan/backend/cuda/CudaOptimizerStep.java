package io.gcgan.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.gcgan.backend.CentringView;
import io.gcgan.backend.MomentumStart;
import io.gcgan.backend.OptimizerGuard;
import io.gcgan.backend.OptimizerHyper;
import io.gcgan.backend.ParamSlot;
import io.gcgan.backend.Storage;
import io.gcgan.backend.StorageChecks;
import io.gcgan.backend.WeightDecayMode;
import io.gcgan.bindings.kernels.GcganKernelException;
import io.gcgan.bindings.kernels.GcganKernels;
import io.gcgan.tensor.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link CudaBackend#optimizerStep}: fills the C structs {@code gcgan_optimizer_hyper} and a table of
 * {@code gcgan_optimizer_tensor} (gcgan_kernels.h) and makes ONE {@code gcgan_optimizer_step_*} call per dtype
 * present (one in practice), which updates up to 256 tensors per kernel launch (the table travels in the kernel's
 * parameters), computing each row's centring mean in the same kernel. float32 is computed in float32 on the GPU.
 *
 * <p>The per-slot constants are computed here exactly as the CPU reference computes them (OptimizerMath.coefficients:
 * Adam's {@code lr / (1 - beta1^t)} and {@code sqrt(1 - beta2^t)} with Java's Math.pow and Math.sqrt), so both
 * backends start from the same doubles.
 */
final class CudaOptimizerStep {

    private static final StructLayout HYPER = GcganKernels.gcgan_optimizer_hyper$layout();
    private static final StructLayout TENSOR = GcganKernels.gcgan_optimizer_tensor$layout();

    // Member offsets, resolved once (a layout path lookup per field and call cost ~20 us per tensor).
    private static final long H_ALGORITHM = hyper("algorithm");
    private static final long H_NESTEROV = hyper("nesterov");
    private static final long H_MOMENTUM = hyper("momentum");
    private static final long H_DAMPENING = hyper("dampening");
    private static final long H_BETA1 = hyper("beta1");
    private static final long H_BETA2 = hyper("beta2");
    private static final long H_ALPHA = hyper("alpha");
    private static final long H_EPS = hyper("eps");
    private static final long H_COUPLED_DECAY = hyper("coupled_decay");
    private static final long H_WEIGHT_SCALE = hyper("weight_scale");
    private static final long H_GUARD = hyper("guard");
    private static final long H_GUARD_COUNT = hyper("guard_count");
    private static final long T_WEIGHT = tensor("weight");
    private static final long T_GRAD = tensor("grad");
    private static final long T_STATE1 = tensor("state1");
    private static final long T_STATE2 = tensor("state2");
    private static final long T_NUMEL = tensor("numel");
    private static final long T_OUTER = tensor("outer");
    private static final long T_SLICES = tensor("slices");
    private static final long T_INNER = tensor("inner");
    private static final long T_STEP_SIZE = tensor("step_size");
    private static final long T_BC2_SQRT = tensor("bc2_sqrt");
    private static final long T_FIRST_STEP = tensor("first_step");
    private static final long T_RESERVED = tensor("reserved");

    /**
     * Per-thread host memory for the structs of one call (read by the C function during the call only), grown when a
     * call has more tensors; an automatic arena, so a thread's buffer goes when the thread does.
     */
    private static final ThreadLocal<MemorySegment[]> SCRATCH = ThreadLocal.withInitial(() -> new MemorySegment[1]);

    private CudaOptimizerStep() {
    }

    private static long hyper(String member) {
        return HYPER.byteOffset(PathElement.groupElement(member));
    }

    private static long tensor(String member) {
        return TENSOR.byteOffset(PathElement.groupElement(member));
    }

    /** This thread's scratch segment with room for the hyper struct and a table of {@code count} tensors. */
    private static MemorySegment scratch(int count) {
        MemorySegment[] holder = SCRATCH.get();
        long bytes = tableOffset() + count * TENSOR.byteSize();
        if (holder[0] == null || holder[0].byteSize() < bytes) {
            holder[0] = Arena.ofAuto().allocate(Math.max(bytes, 2 * (holder[0] == null ? 0 : holder[0].byteSize())),
                    Math.max(HYPER.byteAlignment(), TENSOR.byteAlignment()));
        }
        return holder[0];
    }

    /** Where the table starts in the scratch segment: after the hyper struct, aligned for the tensor struct. */
    private static long tableOffset() {
        long a = TENSOR.byteAlignment();
        return (HYPER.byteSize() + a - 1) / a * a;
    }

    /** guard: null, or a device storage in the slots' dtype that the kernel reads and obeys (gcgan_kernels.h). */
    static void run(CudaBackend backend, OptimizerHyper h, List<ParamSlot> slots, Storage guard) {
        StorageChecks.optimizerSlots(backend, h, slots);
        if (guard != null) {
            OptimizerGuard.check(backend, guard, slots);
        }
        for (DType dtype : DType.values()) {
            List<ParamSlot> group = new ArrayList<>();
            for (ParamSlot slot : slots) {
                if (slot.weight().dtype() == dtype && slot.weight().numel() > 0) {
                    group.add(slot);
                }
            }
            if (!group.isEmpty()) {
                launch(backend, h, dtype, group, guard);
            }
        }
    }

    private static int algorithm(OptimizerHyper.Algorithm a) {
        return switch (a) {
            case SGD -> GcganKernels.GCGAN_OPTIMIZER_SGD;
            case SGD_MOMENTUM -> GcganKernels.GCGAN_OPTIMIZER_SGD_MOMENTUM;
            case ADAM -> GcganKernels.GCGAN_OPTIMIZER_ADAM;
            case RMSPROP -> GcganKernels.GCGAN_OPTIMIZER_RMSPROP;
        };
    }

    private static void launch(CudaBackend backend, OptimizerHyper h, DType dtype, List<ParamSlot> slots,
                               Storage guard) {
        int states = h.stateCount();
        try {
            MemorySegment scratch = scratch(slots.size());
            MemorySegment hyper = scratch.asSlice(0, HYPER.byteSize());
            hyper.fill((byte) 0);
            hyper.set(JAVA_INT, H_ALGORITHM, algorithm(h.algorithm()));
            hyper.set(JAVA_INT, H_NESTEROV, h.nesterov() ? 1 : 0);
            hyper.set(JAVA_DOUBLE, H_MOMENTUM, h.momentum());
            hyper.set(JAVA_DOUBLE, H_DAMPENING, h.dampening());
            hyper.set(JAVA_DOUBLE, H_BETA1, h.beta1());
            hyper.set(JAVA_DOUBLE, H_BETA2, h.beta2());
            hyper.set(JAVA_DOUBLE, H_ALPHA, h.alpha());
            hyper.set(JAVA_DOUBLE, H_EPS, h.eps());
            hyper.set(JAVA_DOUBLE, H_COUPLED_DECAY, h.decayMode() == WeightDecayMode.COUPLED ? h.weightDecay() : 0.0);
            hyper.set(JAVA_DOUBLE, H_WEIGHT_SCALE,
                    h.decayMode() == WeightDecayMode.DECOUPLED ? 1.0 - h.lr() * h.weightDecay() : 1.0);
            hyper.set(ADDRESS, H_GUARD, guard == null ? MemorySegment.NULL : CudaBackend.pointer(guard));
            hyper.set(JAVA_LONG, H_GUARD_COUNT, guard == null ? 0 : guard.numel());

            MemorySegment table = scratch.asSlice(tableOffset(), slots.size() * TENSOR.byteSize());
            // The Adam constants depend only on the step count: computed once per distinct count.
            long lastStep = -1;
            double stepSize = h.lr();
            double bc2Sqrt = 1.0;
            for (int i = 0; i < slots.size(); i++) {
                ParamSlot slot = slots.get(i);
                long base = i * TENSOR.byteSize();
                table.set(ADDRESS, base + T_WEIGHT, CudaBackend.pointer(slot.weight()));
                table.set(ADDRESS, base + T_GRAD, CudaBackend.pointer(slot.grad()));
                MemorySegment none = MemorySegment.NULL;
                table.set(ADDRESS, base + T_STATE1, states > 0 ? CudaBackend.pointer(slot.state1()) : none);
                table.set(ADDRESS, base + T_STATE2, states > 1 ? CudaBackend.pointer(slot.state2()) : none);
                table.set(JAVA_LONG, base + T_NUMEL, slot.weight().numel());
                CentringView v = slot.centring();
                boolean centred = v.centred();
                table.set(JAVA_LONG, base + T_OUTER, centred ? v.outer() : 0);
                table.set(JAVA_LONG, base + T_SLICES, centred ? v.slices() : 0);
                table.set(JAVA_LONG, base + T_INNER, centred ? v.inner() : 0);
                if (h.algorithm() == OptimizerHyper.Algorithm.ADAM && slot.step() != lastStep) {
                    // OptimizerMath.coefficients, the same doubles as the CPU reference.
                    stepSize = h.lr() / (1.0 - Math.pow(h.beta1(), slot.step()));
                    bc2Sqrt = Math.sqrt(1.0 - Math.pow(h.beta2(), slot.step()));
                    lastStep = slot.step();
                }
                table.set(JAVA_DOUBLE, base + T_STEP_SIZE, stepSize);
                table.set(JAVA_DOUBLE, base + T_BC2_SQRT, bc2Sqrt);
                table.set(JAVA_INT, base + T_FIRST_STEP,
                        slot.step() == 1 && h.momentumStart() == MomentumStart.FIRST_GRADIENT ? 1 : 0);
                table.set(JAVA_INT, base + T_RESERVED, 0);
            }
            backend.cudaDevice().makeCurrent();
            MemorySegment stream = backend.cudaDevice().stream();
            int status = dtype == DType.FLOAT32
                    ? GcganKernels.gcgan_optimizer_step_f32(hyper, table, slots.size(), stream)
                    : GcganKernels.gcgan_optimizer_step_f64(hyper, table, slots.size(), stream);
            GcganKernelException.check(status, "gcgan_optimizer_step_" + (dtype == DType.FLOAT32 ? "f32" : "f64")
                    + "(" + h.algorithm() + ", " + slots.size() + " tensors)");
        } finally {
            // The table holds bare addresses: keep the storages (and their memory) alive until the launch is queued.
            Reference.reachabilityFence(slots);
            Reference.reachabilityFence(guard);
        }
    }
}
