package io.gcgan.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Memory traffic, in GB (10^9 bytes), as an {@link AuxCounters.Type#OPERATIONS} counter: in Throughput mode with
 * {@code @OutputTimeUnit(SECONDS)} JMH divides it by the measured time, so the secondary result {@code :gb} reads
 * in GB/s (JMH labels it "ops/s"). Each benchmark says which bytes it counts (the minimum its operation must move,
 * not what the hardware happened to move).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class ByteCounter {

    /** GB moved in the current iteration. */
    public double gb;

    @Setup(Level.Iteration)
    public void reset() {
        gb = 0;
    }
}
