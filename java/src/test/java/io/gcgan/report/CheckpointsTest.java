package io.gcgan.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.nn.SafeTensors;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint folders appear whole or not at all, whatever a reader or a failing writer does meanwhile. */
class CheckpointsTest {

    @TempDir
    Path tmp;

    /** A checkpoint of {@code step}: a 1 MB tensor filled with the step and a JSON file naming it. */
    private static Checkpoints.Contents contents(long step) {
        return dir -> {
            try (TensorScope s = TensorScope.open()) {
                SafeTensors.save(dir.resolve("w.safetensors"), Map.of("w", Tensor.full(step, 256, 1024)), null);
            }
            AtomicFiles.writeString(dir.resolve("trainer.json"), "{\"step\": " + step + "}\n");
        };
    }

    /** Reads a checkpoint folder completely and checks that its two files agree; returns the step. */
    private static long readWhole(Path dir) throws IOException {
        long step = Json.longField(Json.read(dir.resolve("trainer.json")), "step", dir.toString());
        try (TensorScope s = TensorScope.open()) {
            float[] w = SafeTensors.load(dir.resolve("w.safetensors")).tensors().get("w").toFloatArray();
            assertEquals(256 * 1024, w.length);
            for (float v : w) {
                if (v != step) {
                    throw new AssertionError(dir + ": tensor holds " + v + ", trainer.json says step " + step);
                }
            }
        }
        assertEquals(step, Checkpoints.stepOf(dir));
        return step;
    }

    @Test
    void aConcurrentReaderSeesOnlyCompleteCheckpoints() throws Exception {
        Checkpoints cps = new Checkpoints(tmp.resolve("checkpoints"));
        cps.write(0, 2, contents(0));
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicInteger reads = new AtomicInteger();
        Thread reader = new Thread(() -> {
            long last = 0;
            while (!done.get()) {
                try {
                    Optional<Path> latest = cps.latest();
                    long step = readWhole(latest.orElseThrow());
                    assertTrue(step >= last, "latest went back from " + last + " to " + step);
                    last = step;
                    reads.incrementAndGet();
                } catch (NoSuchFileException gone) {
                    // pruned between reading `latest` and opening its files: gone, never partial
                } catch (Throwable t) {
                    failure.set(t);
                    return;
                }
            }
        });
        reader.start();
        for (long step = 1; step <= 60; step++) {
            cps.write(step, 2, contents(step));
        }
        done.set(true);
        reader.join();
        if (failure.get() != null) {
            throw new AssertionError("the reader saw a partial checkpoint", failure.get());
        }
        assertTrue(reads.get() > 0);
        assertEquals(List.of(59L, 60L), cps.steps());
        assertEquals(60, readWhole(cps.latest().orElseThrow()));
    }

    @Test
    void aWriterThatFailsHalfwayLeavesThePreviousCheckpointAndNoTrace() throws Exception {
        Checkpoints cps = new Checkpoints(tmp.resolve("checkpoints"));
        cps.write(10, 2, contents(10));
        IOException boom = assertThrows(IOException.class, () -> cps.write(20, 2, dir -> {
            contents(20).writeTo(dir);
            throw new IOException("disk full");
        }));
        assertEquals("cannot write the checkpoint " + cps.dir().resolve("step-000020") + ": disk full",
                boom.getMessage(), "the error names the checkpoint");
        assertEquals(List.of(10L), cps.steps());
        assertEquals(10, readWhole(cps.latest().orElseThrow()));
        try (var s = Files.list(cps.dir())) {
            assertEquals(List.of("latest", "step-000010"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void leftoversOfAKilledWriterAreIgnoredAndCleanedUp() throws Exception {
        Checkpoints cps = new Checkpoints(tmp.resolve("checkpoints"));
        cps.write(5, 2, contents(5));
        // A writer killed while filling its temporary folder, and one killed after the rename but before
        // `latest` was replaced.
        Path tmpDir = Files.createDirectory(cps.dir().resolve(".tmp-step-000010-123"));
        Files.writeString(tmpDir.resolve("trainer.json"), "{\"st");
        cps.write(7, 2, contents(7));
        assertFalse(Files.exists(tmpDir), "the next write removes a dead writer's temporary folder");
        Files.delete(cps.dir().resolve(Checkpoints.LATEST));
        assertEquals(7, readWhole(cps.latest().orElseThrow()), "without `latest`, the newest folder");
        AtomicFiles.writeString(cps.dir().resolve(Checkpoints.LATEST), "step-000005\n");
        assertEquals(5, readWhole(cps.latest().orElseThrow()), "`latest` wins when it names a folder");
    }

    @Test
    void keepsTheNewestKAndReplacesAStaleCheckpointOfTheSameStep() throws Exception {
        Checkpoints cps = new Checkpoints(tmp.resolve("checkpoints"));
        for (long s = 1; s <= 5; s++) {
            cps.write(s, 3, contents(s));
        }
        assertEquals(List.of(3L, 4L, 5L), cps.steps());
        // Resumed from step 3 and reaching step 4 again: the stale 4 and 5 are replaced and dropped.
        AtomicFiles.writeString(cps.dir().resolve(Checkpoints.LATEST), "step-000003\n");
        cps.write(4, 3, contents(4));
        assertEquals(List.of(3L, 4L), cps.steps());
        assertEquals(4, readWhole(cps.latest().orElseThrow()));
        assertThrows(IllegalArgumentException.class, () -> cps.write(6, 0, contents(6)));
        assertThrows(NoSuchFileException.class, () -> cps.at(99));
    }
    /** An optimizer state written on its own and read back: buffers and every step count, so a resume is exact. */
    @Test
    void anOptimizerStateRoundTripsWithItsStepCounts() throws IOException {
        try (TensorScope scope = TensorScope.open()) {
            Tensor w = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).requiresGrad(true);
            Tensor b = Tensor.of(new float[] {5, 6}, 2).requiresGrad(true);
            io.gcgan.optim.Adam adam = new io.gcgan.optim.Adam(List.of(io.gcgan.optim.ParamGroup.builder(0.1)
                    .gc(io.gcgan.optim.GcMode.CONV_AND_FC).add("w", w).add("b", b).build()));
            for (int k = 0; k < 3; k++) {
                w.accumulateGrad(Tensor.of(new float[] {1, -2, 3, k}, 2, 2));
                if (k >= 1) {
                    b.accumulateGrad(Tensor.of(new float[] {k, 1}, 2)); // b has no gradient at first: 2 updates
                }
                adam.step();
                adam.zeroGrad();
            }
            Path file = tmp.resolve("adam.safetensors");
            adam.state().save(file);
            io.gcgan.optim.OptimizerState back = io.gcgan.optim.OptimizerState.load(file);
            assertEquals(3, back.steps());
            assertEquals(3, back.params().get("w").step());
            assertEquals(2, back.params().get("b").step(), "counted per parameter");
            assertEquals(adam.state().flatTensors().keySet(), back.flatTensors().keySet());
            for (var e : adam.state().flatTensors().entrySet()) {
                assertTrue(java.util.Arrays.equals(e.getValue().toFloatArray(),
                        back.flatTensors().get(e.getKey()).toFloatArray()), e.getKey());
            }
        }
    }
}
