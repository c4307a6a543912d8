package io.gcgan.backend;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.cpu.CpuBackend;
import io.gcgan.tensor.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ParamSlot}: the gradient and each state are like the weight (count, dtype, backend), refused with both
 * described; and {@link OptimizerGuard}: a guard of another backend, of another dtype or written by a slot is
 * refused. Mutation testing (PIT) found each of the three likeness checks, the guard's backend check and its loop
 * over the slots removable without a test of the backend package failing.
 */
class ParamSlotTest {

    private static final CpuBackend CPU = CpuBackend.instance();

    private static Storage f32(long numel) {
        return CPU.allocate(DType.FLOAT32, numel, Lifetime.AUTOMATIC);
    }

    @Test
    void gradientAndStatesAreLikeTheWeight() {
        Storage w = f32(4);
        Storage f64 = CPU.allocate(DType.FLOAT64, 4, Lifetime.AUTOMATIC);
        Storage foreign = new ProfilingBackend(CPU).allocate(DType.FLOAT32, 4, Lifetime.AUTOMATIC);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ParamSlot(w, f32(3), null, null, 1, CentringView.NONE));
        assertEquals("ParamSlot: grad (3 x float32 on cpu) does not match the weight (4 x float32 on cpu)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new ParamSlot(w, f32(4), f64, null, 1, CentringView.NONE));
        assertEquals("ParamSlot: state1 (4 x float64 on cpu) does not match the weight (4 x float32 on cpu)",
                e.getMessage());
        // another backend on the same device: the count and dtype agree, the backend does not
        e = assertThrows(IllegalArgumentException.class,
                () -> new ParamSlot(w, f32(4), f32(4), foreign, 1, CentringView.NONE));
        assertTrue(e.getMessage().startsWith("ParamSlot: state2 (4 x float32 on cpu) does not match the weight"),
                e.getMessage());
        ParamSlot ok = assertDoesNotThrow(() -> new ParamSlot(w, f32(4), f32(4), f32(4), 1, CentringView.NONE));
        assertEquals(ok.state1(), ok.state(0));
        assertEquals(ok.state2(), ok.state(1));
    }

    /** A guard from another backend instance is refused even on the same device (it reads the guard's memory). */
    @Test
    void aGuardOfAnotherBackendIsRefused() {
        ParamSlot slot = new ParamSlot(f32(4), f32(4), null, null, 1, CentringView.NONE);
        Storage foreign = new ProfilingBackend(CPU).allocate(DType.FLOAT32, 1, Lifetime.AUTOMATIC);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptimizerGuard.check(CPU, foreign, List.of(slot)));
        assertEquals("optimizerStep: the guard belongs to cpu (another backend instance), not to the cpu backend",
                e.getMessage());
        assertDoesNotThrow(() -> OptimizerGuard.check(CPU, f32(1), List.of(slot)));
    }

    /**
     * Every slot is checked against the guard, the later ones included: its dtype (a kernel reads the guard as the
     * slots' element type) and that no slot writes it. PIT found the loop over the slots removable.
     */
    @Test
    void theGuardIsCheckedAgainstEverySlot() {
        Storage state = f32(4);
        List<ParamSlot> slots = List.of(new ParamSlot(f32(4), f32(4), f32(4), null, 1, CentringView.NONE),
                new ParamSlot(f32(4), f32(4), state, null, 1, CentringView.NONE));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptimizerGuard.check(CPU, state, slots));
        assertEquals("optimizerStep: the guard is slot 1's weight or state, which the step writes", e.getMessage());
        Storage f64 = CPU.allocate(DType.FLOAT64, 1, Lifetime.AUTOMATIC);
        e = assertThrows(IllegalArgumentException.class, () -> OptimizerGuard.check(CPU, f64, slots));
        assertEquals("optimizerStep: the guard is float64 but slot 0 is float32 (a guard has the slots' dtype)",
                e.getMessage());
    }

    /** A guard whose scope closed is refused by name before the step reads it (the CPU would fail in FFM first). */
    @Test
    void aGuardUsedAfterItsScopeClosedIsRefused() {
        ParamSlot slot = new ParamSlot(f32(4), f32(4), null, null, 1, CentringView.NONE);
        ScopedLifetime scope = new ScopedLifetime();
        Storage guard = CPU.allocate(DType.FLOAT32, 1, scope);
        scope.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> OptimizerGuard.check(CPU, guard, List.of(slot)));
        assertEquals("optimizerStep: a 1 x float32 storage on cpu was used after its scope closed (the guard)",
                e.getMessage());
    }
}
