package io.gcgan.gpu;

import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips each {@link GpuTest} test, with {@link Gpu#unavailableReason()} as the reason, where the CUDA backend cannot
 * run. The decision is made per test method rather than per class so that every test is reported as skipped with
 * the reason (a disabled class would hide its tests); class-level set-up in these tests therefore does no CUDA work.
 */
public final class CudaCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (context.getTestMethod().isEmpty()) {
            return ConditionEvaluationResult.enabled("test class: CUDA is checked for each test");
        }
        Optional<String> reason = Gpu.unavailableReason();
        return reason.map(ConditionEvaluationResult::disabled)
                .orElseGet(() -> ConditionEvaluationResult.enabled("CUDA backend available: " + Gpu.description()));
    }
}
