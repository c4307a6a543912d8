package io.gcgan.bench;

import io.gcgan.bindings.openblas.OpenBlas;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one FFM downcall costs, the floor under every backend call: a trivial C function (no arguments, returns an
 * int) called through a {@code static final} downcall handle, linked plainly (the thread transitions to native and
 * back, so it can be seen by a safepoint) or with {@code Linker.Option.critical(false)} (no transition; only for
 * short calls that neither block nor call back, which is how the bindings link their getters).
 *
 * <ul>
 *   <li>{@code getpidPlain}, {@code getpidCritical}: libc's {@code getpid} from
 *       {@code Linker.nativeLinker().defaultLookup()} (glibc answers it with a system call, about 50-100 ns; compare
 *       the two, not the absolute time);</li>
 *   <li>{@code openblasGetNumThreadsPlain}, {@code openblasGetNumThreadsCritical}: {@code openblas_get_num_threads}
 *       (reads a global), the plain handle linked here, the critical one the binding's own
 *       ({@code OpenBlas.openblas_get_num_threads()});</li>
 *   <li>{@code baseline}: returns a field, the harness's own floor.</li>
 * </ul>
 * Results in ns per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class FfmDowncallBenchmark {

    private static final FunctionDescriptor INT_VOID = FunctionDescriptor.of(ValueLayout.JAVA_INT);

    /** libc's getpid, both ways (a holder class, so only the forks that use it link it). */
    private static final class Libc {
        static final MemorySegment GETPID = Linker.nativeLinker().defaultLookup().find("getpid")
                .orElseThrow(() -> new UnsatisfiedLinkError("getpid not in the native linker's default lookup"));
        static final MethodHandle PLAIN = Linker.nativeLinker().downcallHandle(GETPID, INT_VOID);
        static final MethodHandle CRITICAL = Linker.nativeLinker().downcallHandle(GETPID, INT_VOID,
                Linker.Option.critical(false));
    }

    /** openblas_get_num_threads linked without the critical option (the binding links it critical). */
    private static final class Blas {
        static final MethodHandle PLAIN = Linker.nativeLinker().downcallHandle(
                OpenBlas.openblas_get_num_threads$address(), INT_VOID);
    }

    private int value = 1;

    @Benchmark
    public int baseline() {
        return value;
    }

    @Benchmark
    public int getpidPlain() throws Throwable {
        return (int) Libc.PLAIN.invokeExact();
    }

    @Benchmark
    public int getpidCritical() throws Throwable {
        return (int) Libc.CRITICAL.invokeExact();
    }

    @Benchmark
    public int openblasGetNumThreadsPlain() throws Throwable {
        return (int) Blas.PLAIN.invokeExact();
    }

    @Benchmark
    public int openblasGetNumThreadsCritical() {
        return OpenBlas.openblas_get_num_threads();
    }
}
