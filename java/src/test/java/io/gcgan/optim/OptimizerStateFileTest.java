package io.gcgan.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link OptimizerState#save} and {@link OptimizerState#load}: the optimizer state's file, and bad files. */
class OptimizerStateFileTest {

    @TempDir
    Path tmp;

    @Test
    void aFileWithoutItsMetadataOrWithAStrayTensorIsRefusedByName() throws Exception {
        Path file = tmp.resolve("optimizer-g.safetensors");
        NoSuchFileException missing = assertThrows(NoSuchFileException.class,
                () -> OptimizerState.load(file));
        assertEquals(file.toString(), missing.getFile());
        try (TensorScope s = TensorScope.open()) {
            io.gcgan.nn.SafeTensors.save(file, Map.of("w.exp_avg", Tensor.full(1, 2)), Map.of("steps", "1"));
            IOException e = assertThrows(IOException.class, () -> OptimizerState.load(file));
            assertTrue(e.getMessage().startsWith(file + ": not a gcgan optimizer state"), e.getMessage());
            io.gcgan.nn.SafeTensors.save(file, Map.of("v.exp_avg", Tensor.full(1, 2)),
                    Map.of("steps", "1", "param_steps", "{\"w\": 1}"));
            e = assertThrows(IOException.class, () -> OptimizerState.load(file));
            assertTrue(e.getMessage().contains("tensor 'v.exp_avg' belongs to no parameter"), e.getMessage());
            io.gcgan.nn.SafeTensors.save(file, Map.of("w.exp_avg", Tensor.full(1, 2)),
                    Map.of("steps", "x", "param_steps", "{\"w\": 1}"));
            e = assertThrows(IOException.class, () -> OptimizerState.load(file));
            assertTrue(e.getMessage().endsWith("metadata 'steps' is not an integer: x"), e.getMessage());
            io.gcgan.nn.SafeTensors.save(file, Map.of("w.exp_avg", Tensor.full(1, 2)),
                    Map.of("steps", "4", "param_steps", "{\"w\": 3}"));
            OptimizerState back = OptimizerState.load(file);
            assertEquals(4, back.steps());
            assertEquals(3, back.params().get("w").step());
            assertArrayEquals(new float[] {1, 1}, back.params().get("w").buffers().get("exp_avg").toFloatArray());
        }
    }

    @Test
    void theStepCountsAreMetadataThatPyTorchNamedBuffersLeaveOut() throws Exception {
        try (TensorScope s = TensorScope.open()) {
            OptimizerState state = new OptimizerState(7, Map.of("w", new OptimizerState.ParamState(5,
                    Map.of("exp_avg", Tensor.full(0.25, 3), "exp_avg_sq", Tensor.full(0.5, 3)))));
            Path file = tmp.resolve("adam.safetensors");
            state.save(file);
            io.gcgan.nn.SafeTensors.Contents raw = io.gcgan.nn.SafeTensors.load(file);
            assertEquals(java.util.Set.of("w.exp_avg", "w.exp_avg_sq"), raw.tensors().keySet());
            assertEquals("7", raw.metadata().get("steps"));
            assertEquals(5L, ((Number) new com.fasterxml.jackson.databind.ObjectMapper()
                    .readValue(raw.metadata().get("param_steps"), Map.class).get("w")).longValue());
            OptimizerState back = OptimizerState.load(file);
            assertEquals(7, back.steps());
            assertEquals(5, back.params().get("w").step());
            assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f},
                    back.params().get("w").buffers().get("exp_avg_sq").toFloatArray());
        }
    }
}
