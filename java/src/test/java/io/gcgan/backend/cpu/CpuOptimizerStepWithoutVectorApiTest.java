package io.gcgan.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("gcgan."))
                .forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
        cmd.add("-cp");
        cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        cmd.add(OptimizerStepWithoutVectorApiMain.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
        }
        assertTrue(done, "child JVM timed out:\n" + out);
        assertEquals(0, p.exitValue(), "child JVM:\n" + out);
        assertTrue(out.contains("GC sums without the Vector API"), out);
        long here = OptimizerStepWithoutVectorApiMain.checksum(slots -> CpuOptimizerStep.run(CpuBackend.instance(),
                OptimizerStepWithoutVectorApiMain.HYPER, slots, false));
        assertTrue(out.contains("checksum " + here + System.lineSeparator()),
                "this JVM's lane-sum checksum " + here + ", child:\n" + out);
    }
}
