package io.gcgan.optim;

import io.gcgan.tensor.Tensor;
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
 * <p>As a file: {@code io.gcgan.report.Checkpoint.writeOptimizerState(path, optimizer.state())} and
 * {@code optimizer.loadState(Checkpoint.readOptimizerState(path))} (safetensors, the step counts in its metadata;
 * {@link #flatTensors()} alone leaves them out).
 */
public record OptimizerState(long steps, Map<String, ParamState> params) {

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
}
