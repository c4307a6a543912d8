package io.gcgan.bench;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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

    /**
     * The backend line a fork prints from its {@code @Setup} (after JMH's {@code Iteration   1: } on the same line,
     * parentheses nested) and a failure with its parameter set and the exception's first line.
     */
    @Test
    void theTranscriptReadsBackendLinesAndFailures() {
        JmhRuns.Transcript t = new JmhRuns.Transcript();
        t.line("# Parameters: (algorithm = sgdm, backend = cpu, gc = gc, workload = dcgan64)");
        t.line("# Warmup Iteration   1: # cpu (2 cores; OpenBLAS 0.3.31 (Haswell, 1 thread), one OpenBLAS thread per"
                + " Java worker; GC sums with the Vector API); dcgan64: 24 tensors, 6342272 floats; sgdm");
        t.line("# Parameters: (algorithm = sgdm, backend = cuda, gc = gc, workload = dcgan64)");
        t.line("# Warmup Iteration   1: <failure>");
        t.line("");
        t.line("java.lang.IllegalStateException: this CUDA benchmark cannot run here: CUDA unavailable: no driver");
        t.line("\tat io.gcgan.bench.CudaBench.cuda(CudaBench.java:32)");
        t.line("Iteration   1: # cuda:0 (NVIDIA H200, driver for CUDA 13.0, ...); 50m: 200 tensors");
        t.line("Iteration   1: # cpu (2 cores; OpenBLAS 0.3.31 (Haswell, 1 thread), one OpenBLAS thread per Java"
                + " worker; GC sums with the Vector API); mnist28: 16 tensors");
        assertEquals(List.of("cpu (2 cores; OpenBLAS 0.3.31 (Haswell, 1 thread), one OpenBLAS thread per Java worker;"
                + " GC sums with the Vector API)", "cuda:0 (NVIDIA H200, driver for CUDA 13.0, ...)"),
                List.copyOf(t.backends()));
        assertEquals(List.of("(algorithm = sgdm, backend = cuda, gc = gc, workload = dcgan64): java.lang"
                + ".IllegalStateException: this CUDA benchmark cannot run here: CUDA unavailable: no driver"),
                t.failures());
    }

    /**
     * A run's outcome names the backend its forks ran on (which centring sums, on the CPU) and each parameter set
     * that failed, which has no result: the summary of a benchmark's main would otherwise leave it out silently.
     */
    @Test
    void aRunsOutcomeHasItsBackendLineAndItsFailures() throws Exception {
        JmhRuns.Outcome o = JmhRuns.run(new String[] {"-p", "backend=cpu", "-p", "algorithm=sgdm,adamw", "-p",
            "gc=none", "-p", "workload=mnist28", "-f", "0", "-wi", "0", "-i", "1", "-r", "20ms"},
                GcOverheadBenchmark.class);
        assertEquals(1, o.results().size());
        assertEquals(1, o.backends().size(), o.backends().toString());
        assertTrue(o.backends().get(0).startsWith("cpu (") && o.backends().get(0).contains("; GC sums "),
                o.backends().get(0));
        assertEquals(List.of("(algorithm = adamw, backend = cpu, gc = none, workload = mnist28): java.lang"
                + ".IllegalArgumentException: algorithm must be sgdm or adam, got 'adamw'"), o.failures());
        List<String> context = o.context();
        assertEquals("  backend: " + o.backends().get(0), context.get(0));
        assertTrue(context.get(1).startsWith("  failed, so not above (1; "), context.toString());
    }
}
