package io.gcgan.autograd;

import static io.gcgan.autograd.Fixtures.randn;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * GradCheck itself: it passes correct derivatives and fails wrong ones (a detach() hides a path from autograd
 * while the finite differences still see it), naming the op, input, element, analytic and numeric values.
 */
class GradCheckSelfTest {

    private static void assertMessage(AssertionFailedError e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message lacks '" + p + "':\n" + e.getMessage());
        }
    }

    @Test
    void gradcheckPassesCorrectDerivatives() {
        GradCheck.gradcheck(in -> in.get(0).mul(in.get(1)).tanh(), List.of(randn(1, 2, 3), randn(2, 3)),
                1e-6, 1e-5, 1e-4);
    }

    @Test
    void gradcheckFailsWhenAPathIsMissing() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> GradCheck.gradcheck(
                "x * detach(x)", in -> in.get(0).detach().mul(in.get(0)), randn(3, 2, 3)));
        assertMessage(e, "gradcheck x * detach(x)", "input 0 [2, 3]", "element 0 [0, 0]", "analytic", "numeric",
                "6 of 6");
    }

    @Test
    void gradcheckNamesTheWrongInputAndCoversEveryOutputElement() {
        // Only the last output element is wrong (its path through b is hidden): input 1, element 1.
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> GradCheck.gradcheck(
                "cat(a, b*c, b.detach()*c)", in -> Tensor.cat(0, in.get(0), in.get(1).mul(in.get(2)),
                        in.get(1).detach().mul(in.get(2)).slice(0, 1, 2)),
                randn(4, 2), randn(5, 2), Fixtures.awayFromZero(6, 0.5, 2)));
        assertMessage(e, "input 1 [2] element 1 [1]", "1 of 6");
    }

    @Test
    void gradgradcheckPassesCorrectSecondDerivatives() {
        GradCheck.gradgradcheck(in -> in.get(0).mul(in.get(1)).tanh(), List.of(randn(7, 2, 3), randn(8, 3)),
                1e-6, 1e-5, 1e-4);
    }

    @Test
    void gradgradcheckFailsWhenTheFirstDerivativeIsNotDifferentiable() {
        // y = x * c with c = detach(x): autograd's first derivative W * c is a constant in x, but computed at a
        // moved x it moves, so the finite differences of the first derivative see W * V.
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> GradCheck.gradgradcheck(
                "x * detach(x)", in -> in.get(0).mul(in.get(0).detach()), randn(9, 3)));
        // "3 of 6": the 3 elements of x and the 3 of the cotangent W are all compared; only x's are wrong.
        assertMessage(e, "gradgradcheck x * detach(x)", "input 0 [3]", "analytic 0", "numeric", "3 of 6");
    }

    @Test
    void gradcheckRejectsAnOutputThatRecordsNothing() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> GradCheck.gradcheck(
                "detach", in -> in.get(0).detach().exp(), randn(11, 2)));
        assertMessage(e, "detach", "does not require grad");
    }
}
