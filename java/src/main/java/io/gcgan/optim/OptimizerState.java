package io.gcgan.optim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.gcgan.nn.SafeTensors;
import io.gcgan.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An optimizer's state, for checkpoints ({@link Optimizer#state()}, {@link Optimizer#loadState}).
 *
 * <p>Layout: {@code steps} is the number of {@link Optimizer#step()} calls taken (what learning-rate schedules
 * are evaluated at). {@code params} maps each parameter's name (its {@code Module.namedParameters()} name, or
 * {@code "<group>.<index>"} for unnamed ones), in parameter order, to its {@link ParamState}: the number of
 * updates that parameter received (Adam's bias-correction t; parameters without a gradient at a step are not
 * updated) and its buffers, each of the parameter's shape and dtype, named as in PyTorch's optimizer state:
 *
 * <pre>
 *   Sgd with momentum     momentum_buffer
 *   Adam                  exp_avg, exp_avg_sq
 *   RmsProp               square_avg  (+ momentum_buffer when momentum > 0)
 *   Sgd without momentum  (none)
 * </pre>
 *
 * Parameters that have not been updated yet have no entry. Learning rates and schedules are configuration, not
 * state: set them again after loading (a schedule is evaluated at the restored {@code steps}).
 *
 * <p>As a file: {@code optimizer.state().save(path)} and {@code optimizer.loadState(OptimizerState.load(path))}
 * (safetensors: the buffers under {@link #flatTensors()}' names, the step counts in its metadata).
 */
public record OptimizerState(long steps, Map<String, ParamState> params) {

    /** The metadata keys of the file: the optimizer's step count, and each parameter's as a JSON object. */
    private static final String META_STEPS = "steps";
    private static final String META_PARAM_STEPS = "param_steps";
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .build();

    public OptimizerState {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** One parameter's state. */
    public record ParamState(long step, Map<String, Tensor> buffers) {
        public ParamState {
            buffers = Collections.unmodifiableMap(new LinkedHashMap<>(buffers));
        }
    }

    /** Every buffer under {@code "<param name>.<buffer name>"}, the tensor names a safetensors checkpoint uses. */
    public Map<String, Tensor> flatTensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        params.forEach((name, p) -> p.buffers().forEach((buffer, t) -> out.put(name + "." + buffer, t)));
        return out;
    }

    /**
     * Writes this state as one safetensors file: its buffers under {@link #flatTensors()}' "PARAM.BUFFER" names, in
     * PyTorch's layout, and the step counts (the optimizer's and each parameter's) in the metadata. The file appears
     * atomically ({@link SafeTensors#save}). {@link #load} reads it back.
     */
    public void save(Path file) throws IOException {
        Map<String, Long> paramSteps = new LinkedHashMap<>();
        params.forEach((name, p) -> paramSteps.put(name, p.step()));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(META_STEPS, Long.toString(steps));
        try {
            meta.put(META_PARAM_STEPS, JSON.writeValueAsString(paramSteps));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a map of strings to longs always serializes
        }
        SafeTensors.save(file, flatTensors(), meta);
    }

    /**
     * A state file written by {@link #save}, read back for {@link Optimizer#loadState} (its tensors on the CPU, in
     * the current scope). A file without the step counts, with a step count that is not a whole number >= 0, or with a
     * tensor of no listed parameter, is refused by name.
     */
    public static OptimizerState load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "optimizer state file missing");
        }
        SafeTensors.Contents c = SafeTensors.load(file);
        String steps = c.metadata().get(META_STEPS);
        String paramStepsJson = c.metadata().get(META_PARAM_STEPS);
        if (steps == null || paramStepsJson == null) {
            throw new IOException(file + ": not a gcgan optimizer state (metadata '" + META_STEPS + "' and '"
                    + META_PARAM_STEPS + "' missing)");
        }
        Map<String, Object> paramSteps;
        try {
            paramSteps = JSON.readValue(paramStepsJson, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IOException(file + " metadata " + META_PARAM_STEPS + ": not a valid JSON object: "
                    + e.getOriginalMessage(), e);
        }
        if (paramSteps == null) {
            throw new IOException(file + " metadata " + META_PARAM_STEPS + ": expected a JSON object, found null");
        }
        Map<String, Map<String, Tensor>> buffers = new LinkedHashMap<>();
        for (String p : paramSteps.keySet()) {
            buffers.put(p, new LinkedHashMap<>());
        }
        for (var e : c.tensors().entrySet()) {
            String key = e.getKey();
            int dot = key.lastIndexOf('.');
            String param = dot < 0 ? null : key.substring(0, dot);
            if (param == null || !buffers.containsKey(param)) {
                throw new IOException(file + ": tensor '" + key + "' belongs to no parameter listed in "
                        + META_PARAM_STEPS);
            }
            buffers.get(param).put(key.substring(dot + 1), e.getValue());
        }
        Map<String, ParamState> params = new LinkedHashMap<>();
        for (var e : paramSteps.entrySet()) {
            // A JSON integer is a Long (the mapper refuses larger ones); 1.5 or 1e300 is a Double, not a count
            if (!(e.getValue() instanceof Long n) || n < 0) {
                throw new IOException(file + ": step count of '" + e.getKey() + "' in metadata '" + META_PARAM_STEPS
                        + "' must be a whole number >= 0, found " + e.getValue());
            }
            params.put(e.getKey(), new ParamState(n, buffers.get(e.getKey())));
        }
        long stepCount;
        try {
            stepCount = Long.parseLong(steps);
        } catch (NumberFormatException ex) {
            throw new IOException(file + ": metadata '" + META_STEPS + "' is not an integer: " + steps, ex);
        }
        if (stepCount < 0) {
            throw new IOException(file + ": metadata '" + META_STEPS + "' must be >= 0, found " + stepCount);
        }
        return new OptimizerState(stepCount, params);
    }
}
