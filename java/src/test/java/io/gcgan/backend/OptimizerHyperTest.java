package io.gcgan.backend;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gcgan.backend.OptimizerHyper.Algorithm;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The fused step's hyper-parameter checks, at their bounds. Mutation testing (PIT, profile {@code mutation})
 * found every bound movable by one ({@code <} for {@code <=}) and every finiteness check removable without a
 * test failing: a NaN passes {@code x < 0} and {@code x > 1} alike, so only the finiteness check stops it.
 */
class OptimizerHyperTest {

    private static final WeightDecayMode NONE = WeightDecayMode.NONE;
    private static final MomentumStart FIRST = MomentumStart.FIRST_GRADIENT;

    /** Every field, NaN and infinite, in an algorithm whose range checks a NaN would pass; the message names it. */
    @Test
    void everyFieldMustBeFinite() {
        List<String> fields = List.of("lr", "momentum", "dampening", "beta1", "beta2", "alpha", "eps", "weightDecay");
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
            for (String field : fields) {
                double[] v = {0.1, 0.5, 0.0, 0.9, 0.999, 0.99, 1e-8, 0.0};
                v[fields.indexOf(field)] = bad;
                // momentum, dampening and betas would be range-checked by their algorithms too; SGD checks none
                Algorithm a = Algorithm.SGD;
                WeightDecayMode mode = field.equals("weightDecay") ? WeightDecayMode.COUPLED : NONE;
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> new OptimizerHyper(a, v[0], v[1], v[2], false, FIRST, v[3], v[4], v[5], v[6], v[7],
                                mode), field + " = " + bad);
                assertEquals("OptimizerHyper: " + field + " must be finite, got " + bad, e.getMessage());
            }
        }
    }

    /** The closed ends of every range are allowed. */
    @Test
    void boundsThatAreAllowed() {
        List<Executable> ok = List.of(
                () -> OptimizerHyper.sgd(0.0, 0.0, NONE),
                () -> OptimizerHyper.sgdMomentum(0.1, 0.0, 0.0, false, FIRST, 0, NONE),
                () -> OptimizerHyper.sgdMomentum(0.1, 0.9, 1.0, false, FIRST, 0, NONE),
                () -> OptimizerHyper.adam(0.1, 0.0, 0.0, 0.0, 0, NONE),
                () -> OptimizerHyper.rmsprop(0.1, 0.0, 0.0, 0.0, 0, NONE),
                () -> OptimizerHyper.rmsprop(0.1, 1.0, 1e-8, 0.0, 0, NONE));
        for (int i = 0; i < ok.size(); i++) {
            assertDoesNotThrow(ok.get(i), "case " + i);
        }
    }

    /** Just past (or at the open end of) every range is refused. */
    @Test
    void boundsThatAreRefused() {
        List<Executable> bad = List.of(
                () -> OptimizerHyper.sgd(-1e-9, 0.0, NONE),
                () -> OptimizerHyper.sgdMomentum(0.1, -1e-9, 0.0, false, FIRST, 0, NONE),
                () -> OptimizerHyper.sgdMomentum(0.1, 0.9, -1e-9, false, FIRST, 0, NONE),
                () -> OptimizerHyper.sgdMomentum(0.1, 0.9, 1.0 + 1e-9, false, FIRST, 0, NONE),
                // Nesterov needs momentum > 0: exactly 0 is refused
                () -> OptimizerHyper.sgdMomentum(0.1, 0.0, 0.0, true, FIRST, 0, NONE),
                () -> OptimizerHyper.adam(0.1, 1.0, 0.999, 1e-8, 0, NONE),
                () -> OptimizerHyper.adam(0.1, 0.9, 1.0, 1e-8, 0, NONE),
                () -> OptimizerHyper.adam(0.1, -1e-9, 0.999, 1e-8, 0, NONE),
                () -> OptimizerHyper.adam(0.1, 0.9, -1e-9, 1e-8, 0, NONE),
                () -> OptimizerHyper.adam(0.1, 0.9, 0.999, -1e-9, 0, NONE),
                () -> OptimizerHyper.rmsprop(0.1, -1e-9, 1e-8, 0.0, 0, NONE),
                () -> OptimizerHyper.rmsprop(0.1, 1.0 + 1e-9, 1e-8, 0.0, 0, NONE),
                () -> OptimizerHyper.rmsprop(0.1, 0.99, 1e-8, -1e-9, 0, NONE));
        for (int i = 0; i < bad.size(); i++) {
            assertThrows(IllegalArgumentException.class, bad.get(i), "case " + i);
        }
    }

    /**
     * The state storages each slot needs: RMSprop keeps its momentum buffer only with a momentum above 0 (PIT found
     * the bound movable to {@code >= 0}, which would make every RMSprop slot without momentum carry a buffer).
     */
    @Test
    void stateCountPerAlgorithm() {
        assertEquals(0, OptimizerHyper.sgd(0.1, 0, NONE).stateCount(), "SGD");
        assertEquals(1, OptimizerHyper.sgdMomentum(0.1, 0.9, 0, false, FIRST, 0, NONE).stateCount(), "SGD momentum");
        assertEquals(2, OptimizerHyper.adam(0.1, 0.9, 0.999, 1e-8, 0, NONE).stateCount(), "Adam");
        assertEquals(1, OptimizerHyper.rmsprop(0.1, 0.99, 1e-8, 0.0, 0, NONE).stateCount(), "RMSprop, momentum 0");
        assertEquals(2, OptimizerHyper.rmsprop(0.1, 0.99, 1e-8, 1e-3, 0, NONE).stateCount(), "RMSprop, momentum");
    }

    /** withLr changes the learning rate and nothing else. */
    @Test
    void withLrKeepsTheRest() {
        OptimizerHyper h = OptimizerHyper.rmsprop(0.1, 0.9, 1e-6, 0.5, 0.01, WeightDecayMode.DECOUPLED);
        assertEquals(OptimizerHyper.rmsprop(0.25, 0.9, 1e-6, 0.5, 0.01, WeightDecayMode.DECOUPLED), h.withLr(0.25));
    }
}
