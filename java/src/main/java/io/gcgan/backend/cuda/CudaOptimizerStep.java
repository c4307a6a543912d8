package io.gcgan.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.gcgan.backend.CentringView;
import io.gcgan.backend.MomentumStart;
import io.gcgan.backend.OptimizerHyper;
import io.gcgan.backend.ParamSlot;
import io.gcgan.backend.Storage;
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
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

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

    private CudaOptimizerStep() {
    }

    private static long hyper(String member) {
        return HYPER.byteOffset(PathElement.groupElement(member));
    }

    private static long tensor(String member) {
        return TENSOR.byteOffset(PathElement.groupElement(member));
    }

    static void run(CudaBackend backend, OptimizerHyper h, List<ParamSlot> slots) {
        check(backend, h, slots);
        for (DType dtype : DType.values()) {
            List<ParamSlot> group = new ArrayList<>();
            for (ParamSlot slot : slots) {
                if (slot.weight().dtype() == dtype && slot.weight().numel() > 0) {
                    group.add(slot);
                }
            }
            if (!group.isEmpty()) {
                launch(backend, h, dtype, group);
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

    private static void launch(CudaBackend backend, OptimizerHyper h, DType dtype, List<ParamSlot> slots) {
        int states = h.stateCount();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment hyper = arena.allocate(HYPER);
            hyper.set(JAVA_INT, hyper("algorithm"), algorithm(h.algorithm()));
            hyper.set(JAVA_INT, hyper("nesterov"), h.nesterov() ? 1 : 0);
            hyper.set(JAVA_DOUBLE, hyper("momentum"), h.momentum());
            hyper.set(JAVA_DOUBLE, hyper("dampening"), h.dampening());
            hyper.set(JAVA_DOUBLE, hyper("beta1"), h.beta1());
            hyper.set(JAVA_DOUBLE, hyper("beta2"), h.beta2());
            hyper.set(JAVA_DOUBLE, hyper("alpha"), h.alpha());
            hyper.set(JAVA_DOUBLE, hyper("eps"), h.eps());
            hyper.set(JAVA_DOUBLE, hyper("coupled_decay"),
                    h.decayMode() == WeightDecayMode.COUPLED ? h.weightDecay() : 0.0);
            hyper.set(JAVA_DOUBLE, hyper("weight_scale"),
                    h.decayMode() == WeightDecayMode.DECOUPLED ? 1.0 - h.lr() * h.weightDecay() : 1.0);

            MemorySegment table = arena.allocate(TENSOR, slots.size());
            for (int i = 0; i < slots.size(); i++) {
                ParamSlot slot = slots.get(i);
                MemorySegment e = table.asSlice(i * TENSOR.byteSize(), TENSOR.byteSize());
                e.set(ADDRESS, tensor("weight"), CudaBackend.pointer(slot.weight()));
                e.set(ADDRESS, tensor("grad"), CudaBackend.pointer(slot.grad()));
                e.set(ADDRESS, tensor("state1"), states > 0 ? CudaBackend.pointer(slot.state1()) : MemorySegment.NULL);
                e.set(ADDRESS, tensor("state2"), states > 1 ? CudaBackend.pointer(slot.state2()) : MemorySegment.NULL);
                e.set(JAVA_LONG, tensor("numel"), slot.weight().numel());
                CentringView v = slot.centring();
                boolean centred = v.centred();
                e.set(JAVA_LONG, tensor("outer"), centred ? v.outer() : 0);
                e.set(JAVA_LONG, tensor("slices"), centred ? v.slices() : 0);
                e.set(JAVA_LONG, tensor("inner"), centred ? v.inner() : 0);
                // OptimizerMath.coefficients, the same doubles as the CPU reference.
                double stepSize = h.lr();
                double bc2Sqrt = 1.0;
                if (h.algorithm() == OptimizerHyper.Algorithm.ADAM) {
                    stepSize = h.lr() / (1.0 - Math.pow(h.beta1(), slot.step()));
                    bc2Sqrt = Math.sqrt(1.0 - Math.pow(h.beta2(), slot.step()));
                }
                e.set(JAVA_DOUBLE, tensor("step_size"), stepSize);
                e.set(JAVA_DOUBLE, tensor("bc2_sqrt"), bc2Sqrt);
                e.set(JAVA_INT, tensor("first_step"),
                        slot.step() == 1 && h.momentumStart() == MomentumStart.FIRST_GRADIENT ? 1 : 0);
                e.set(JAVA_INT, tensor("reserved"), 0);
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
        }
    }

    /** The CPU reference's checks (CpuOptimizerStep.check), for this backend. */
    private static void check(CudaBackend backend, OptimizerHyper hyper, List<ParamSlot> slots) {
        Map<Storage, Integer> written = new IdentityHashMap<>();
        int states = hyper.stateCount();
        for (int i = 0; i < slots.size(); i++) {
            ParamSlot slot = slots.get(i);
            if (slot.weight().backend() != backend) {
                throw new IllegalArgumentException("optimizerStep: slot " + i + " belongs to "
                        + slot.weight().backend().device() + ", not to " + backend.device());
            }
            for (int k = 0; k < states; k++) {
                if (slot.state(k) == null) {
                    throw new IllegalArgumentException("optimizerStep: " + hyper.algorithm() + " needs " + states
                            + " state storage(s), slot " + i + " has no state" + (k + 1));
                }
            }
            for (Storage s : new Storage[] {slot.weight(), slot.state1(), slot.state2()}) {
                if (s == null) {
                    continue;
                }
                Integer previous = written.put(s, i);
                if (previous != null) {
                    throw new IllegalArgumentException("optimizerStep: slots " + previous + " and " + i
                            + " share a weight or state storage");
                }
            }
        }
    }
}
