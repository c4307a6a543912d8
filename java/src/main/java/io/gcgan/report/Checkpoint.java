package io.gcgan.report;

import io.gcgan.gan.train.Trainer;
import io.gcgan.nn.Module;
import io.gcgan.nn.SafeTensors;
import io.gcgan.optim.Optimizer;
import io.gcgan.optim.OptimizerState;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of one checkpoint folder and how they are written and read:
 *
 * <pre>
 *   generator.safetensors       G's state dict (parameters and BatchNorm buffers, PyTorch's names)
 *   discriminator.safetensors   D's state dict
 *   optimizer-g.safetensors     G's optimizer buffers as "&lt;param&gt;.&lt;buffer&gt;" (exp_avg, exp_avg_sq,
 *                               momentum_buffer, square_avg); __metadata__: steps and per-parameter step counts
 *   optimizer-d.safetensors     the same for D
 *   trainer.json                Trainer.State (step, noise and penalty stream offsets, data position), the
 *                               optimizer step counts, the hash of the options that define the run and the
 *                               options themselves, the gcgan version and the time
 * </pre>
 *
 * {@link Checkpoints#write} makes the folder appear atomically; this class only fills it and reads it back.
 */
public final class Checkpoint {

    public static final int FORMAT = 1;
    public static final String GENERATOR = "generator.safetensors";
    public static final String DISCRIMINATOR = "discriminator.safetensors";
    public static final String OPTIMIZER_G = "optimizer-g.safetensors";
    public static final String OPTIMIZER_D = "optimizer-d.safetensors";
    public static final String TRAINER = "trainer.json";
    private static final int DATA_POSITION_LENGTH = 2;

    private Checkpoint() {
    }

    /** What trainer.json holds besides the tensors. */
    public record Info(Trainer.State state, long gOptimizerSteps, long dOptimizerSteps, String configHash,
                       Map<String, Object> options, String version) {
    }

    /** Writes every file of a checkpoint into {@code folder}. */
    public static void write(Path folder, Module g, Module d, Optimizer gOpt, Optimizer dOpt, Trainer.State state,
                             String configHash, Map<String, Object> options, String version) throws IOException {
        Map<String, String> meta = Map.of("format", "gcgan-checkpoint-" + FORMAT, "step", Long.toString(state.step()));
        g.saveWeights(folder.resolve(GENERATOR), meta);
        d.saveWeights(folder.resolve(DISCRIMINATOR), meta);
        gOpt.state().save(folder.resolve(OPTIMIZER_G));
        dOpt.state().save(folder.resolve(OPTIMIZER_D));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", FORMAT);
        json.put("step", state.step());
        json.put("noise_offset", state.noiseOffset());
        json.put("penalty_offset", state.penaltyOffset());
        List<Long> position = new ArrayList<>();
        for (long p : state.dataPosition()) {
            position.add(p);
        }
        json.put("data_position", position);
        json.put("optimizer_g_steps", gOpt.steps());
        json.put("optimizer_d_steps", dOpt.steps());
        json.put("config_hash", configHash);
        json.put("options", options);
        json.put("gcgan_version", version);
        json.put("time", Instant.now().toString());
        AtomicFiles.writeString(folder.resolve(TRAINER), Json.write(json));
    }

    /** Reads trainer.json of a checkpoint folder. */
    public static Info readInfo(Path folder) throws IOException {
        Path file = folder.resolve(TRAINER);
        Map<String, Object> m = Json.read(file);
        String src = file.toString();
        long format = Json.longField(m, "format", src);
        if (format != FORMAT) {
            throw new IOException(src + ": checkpoint format " + format + ", this gcgan reads format " + FORMAT);
        }
        long[] position = dataPosition(m.get("data_position"), src);
        for (String counter : List.of("step", "noise_offset", "penalty_offset", "optimizer_g_steps",
                "optimizer_d_steps")) {
            long v = Json.longField(m, counter, src);
            if (v < 0) {
                throw new IOException(src + ": field '" + counter + "' must be >= 0, found " + v);
            }
        }
        Trainer.State state = new Trainer.State(Json.longField(m, "step", src), Json.longField(m, "noise_offset", src),
                Json.longField(m, "penalty_offset", src), position);
        Object version = m.get("gcgan_version");
        return new Info(state, Json.longField(m, "optimizer_g_steps", src), Json.longField(m, "optimizer_d_steps", src),
                Json.stringField(m, "config_hash", src), Json.objectField(m, "options", src),
                version == null ? "unknown" : version.toString());
    }

    /** The trainer's data position: {training position, held-out position}, as {@code RealData} keeps it. */
    private static long[] dataPosition(Object pos, String src) throws IOException {
        if (!(pos instanceof List<?> list)) {
            throw new IOException(src + ": field 'data_position' must be a list of integers, found " + pos);
        }
        long[] position = new long[list.size()];
        boolean valid = position.length == DATA_POSITION_LENGTH;
        for (int i = 0; i < position.length; i++) {
            if (!(list.get(i) instanceof Number n)) {
                throw new IOException(src + ": data_position[" + i + "] is not an integer: " + list.get(i));
            }
            valid &= Json.isExactLong(n) && n.longValue() >= 0;
            position[i] = n.longValue();
        }
        if (!valid) { // RealData.setPosition would fail on a short list, or cut a long one
            throw new IOException(src + ": field 'data_position' must be a list of " + DATA_POSITION_LENGTH
                    + " integers >= 0 (the training and held-out positions), found " + pos);
        }
        return position;
    }

    /** Loads the weights and optimizer states of a checkpoint folder into the given models and optimizers. */
    public static void load(Path folder, Module g, Module d, Optimizer gOpt, Optimizer dOpt) throws IOException {
        g.loadWeights(folder.resolve(GENERATOR));
        d.loadWeights(folder.resolve(DISCRIMINATOR));
        // Training on from NaN or infinite weights would only report a divergence at the first step: say which.
        String advice = "resume from an earlier checkpoint (--from-step)";
        requireFinite(folder.resolve(GENERATOR), "G", g, advice);
        requireFinite(folder.resolve(DISCRIMINATOR), "D", d, advice);
        loadOptimizer(folder.resolve(OPTIMIZER_G), gOpt);
        loadOptimizer(folder.resolve(OPTIMIZER_D), dOpt);
    }

    /** Loads only G's weights (for sampling). */
    public static void loadGenerator(Path folder, Module g) throws IOException {
        Path file = folder.resolve(GENERATOR);
        g.loadWeights(file);
        // Samples of a G with NaN or infinite weights are NaN images or points: say so instead of scoring them.
        requireFinite(file, "G", g, "sample or score an earlier checkpoint (--step)");
    }

    /** Throws naming {@code file}, the parameter and its value when a weight of {@code net} is NaN or infinite. */
    private static void requireFinite(Path file, String net, Module m, String advice) throws IOException {
        for (var e : m.namedParameters().entrySet()) {
            double[] w = e.getValue().toDoubleArray();
            for (double v : w) {
                if (!Double.isFinite(v)) {
                    throw new IOException(file + ": " + net + "'s " + e.getKey() + " holds " + v + " (the run diverged"
                            + " before this checkpoint); " + advice);
                }
            }
        }
    }

    /** Loads an optimizer state file into {@code opt}; one that does not fit it is refused by name, opt unchanged. */
    private static void loadOptimizer(Path file, Optimizer opt) throws IOException {
        try (TensorScope scope = TensorScope.open()) {
            OptimizerState state = OptimizerState.load(file);
            try {
                opt.loadState(state);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": " + e.getMessage(), e);
            }
        }
    }
}
