package io.gcgan.gpu;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class (or method) that needs the CUDA backend: JUnit tag {@code gpu}, and {@link CudaCondition},
 * which skips every test with the reason where CUDA or the CUDA backend is missing (DESIGN.md, "Testing").
 *
 * <p>Run only these: {@code mvn -pl java -am test -Dtest='io.gcgan.gpu.**' -Dsurefire.failIfNoSpecifiedTests=false};
 * leave them out: {@code -Dgcgan.test.excludedGroups=gpu}. On the GPU machine {@code bench/gpu-check.sh} runs them
 * with the JUnit console launcher.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("gpu")
@ExtendWith(CudaCondition.class)
public @interface GpuTest {
}
