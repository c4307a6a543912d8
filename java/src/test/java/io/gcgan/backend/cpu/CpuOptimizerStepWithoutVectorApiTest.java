package io.gcgan.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The CPU optimizer in a JVM started without {@code --add-modules jdk.incubator.vector}, as an embedding
 * application or the {@code gcgan} launcher starts it: a child JVM ({@link OptimizerStepWithoutVectorApiMain}) runs
 * centred steps through the public API, must not link {@link VectorSums}, says so in the backend's description, and
 * computes the bits this JVM computes with the lane sums chosen explicitly.
 */
class CpuOptimizerStepWithoutVectorApiTest {

    @Test
    void aJvmWithoutTheModuleTakesTheLaneSumsAndGetsTheirBits() throws IOException, InterruptedException {
        String out = ChildJvm.run(OptimizerStepWithoutVectorApiMain.class, 120, "-Xmx1g");
        assertTrue(out.contains("GC sums without the Vector API"), out);
        long here = OptimizerStepWithoutVectorApiMain.checksum(slots -> CpuOptimizerStep.run(CpuBackend.instance(),
                OptimizerStepWithoutVectorApiMain.HYPER, slots, null, false));
        assertTrue(out.contains("checksum " + here + System.lineSeparator()),
                "this JVM's lane-sum checksum " + here + ", child:\n" + out);
    }
}
