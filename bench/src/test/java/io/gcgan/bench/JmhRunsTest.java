package io.gcgan.bench;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks' command lines ({@link JmhRuns}, {@link BenchMain}): a {@code -p} whose name no benchmark declares
 * is refused before anything runs, where JMH alone would ignore it and run every value of the parameter meant.
 */
class JmhRunsTest {

    @Test
    void theParameterNamesAreThoseOfTheBenchmarks() {
        Set<String> names = JmhRuns.parameterNames();
        for (String n : new String[] {"implementation", "backend", "gc", "algorithm", "workload", "tconvCentring",
            "layer", "pass", "convImplementation", "math", "sizeMiB"}) {
            assertTrue(names.contains(n), n + " in " + names);
        }
    }

    @Test
    void aMisspeltParameterNameIsRefusedWithTheNamesThereAre() {
        var e = assertThrows(IllegalArgumentException.class, () -> JmhRuns.requireKnownParameters(
                new String[] {"OptimizerStep", "-p", "implementaton=cpu", "-f", "1"}));
        assertTrue(e.getMessage().startsWith("-p implementaton=cpu: no benchmark has a parameter 'implementaton'"),
                e.getMessage());
        assertTrue(e.getMessage().contains("implementation, "), e.getMessage());
        // the attached form JMH's option parser takes too
        assertThrows(IllegalArgumentException.class, () -> JmhRuns.requireKnownParameters(
                new String[] {"-pbakend=cpu"}));
    }

    @Test
    void knownNamesAndOtherOptionsPass() {
        // A name that only some selected benchmarks declare is allowed (the GPU check's one -p list).
        assertDoesNotThrow(() -> JmhRuns.requireKnownParameters(new String[] {"OptimizerStep|GcOverhead", "-p",
            "implementation=cpu", "-p", "backend=cpu", "-pgc=none,gc", "-prof", "gc", "-f", "1", "-p"}));
    }

    @Test
    void theMainRefusesAMisspeltNameBeforeRunningAnything() {
        // Without the check this ran OptimizerStep for every implementation (CUDA's failing in @Setup) and returned.
        assertThrows(IllegalArgumentException.class, () -> JmhRuns.run(new String[] {"-p", "implementaton=cpu",
            "-p", "algorithm=sgdm", "-p", "gc=none", "-f", "0", "-wi", "0", "-i", "1", "-r", "10ms"},
                OptimizerStepBenchmark.class));
    }

    @Test
    void theJarsEntryPointRefusesAMisspeltName() {
        assertFalse(BenchMain.parametersKnown(new String[] {"GcOverhead", "-p", "algorithim=adam"}));
        assertTrue(BenchMain.parametersKnown(new String[] {"GcOverhead", "-p", "algorithm=adam"}));
    }
}
