package io.gcgan.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Floating-point work done, in GFLOP (10^9 floating-point operations; a multiply-add counts as two). As an
 * {@link AuxCounters.Type#OPERATIONS} counter JMH divides it by the measured time, so in Throughput mode with
 * {@code @OutputTimeUnit(SECONDS)} the secondary result {@code :gflop} reads in GFLOP/s (JMH labels it
 * "ops/s").
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class GflopCounter {

    /** GFLOP done in the current iteration. */
    public double gflop;

    @Setup(Level.Iteration)
    public void reset() {
        gflop = 0;
    }
}
