package io.gcgan.nn;

import io.gcgan.tensor.Tensor;
import java.util.List;

/**
 * Modules applied in order, registered as children "0", "1", ... (PyTorch's {@code nn.Sequential}), so their
 * state is named {@code 0.weight}, {@code 1.running_mean} and so on.
 */
public final class Sequential extends Module {

    private final List<Module> layers;

    public Sequential(Module... layers) {
        for (int i = 0; i < layers.length; i++) {
            registerModule(Integer.toString(i), layers[i]);
        }
        this.layers = List.of(layers);
    }

    /** The layers in order. */
    public List<Module> layers() {
        return layers;
    }

    public Module get(int index) {
        return layers.get(index);
    }

    public int size() {
        return layers.size();
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = x;
        for (int i = 0; i < layers.size(); i++) {
            try {
                y = layers.get(i).forward(y);
            } catch (IllegalArgumentException e) { // shapes and dtypes: say which layer
                String first = layers.get(i).toString().lines().findFirst().orElse(""); // a container's: "Name("
                String name = first.endsWith("(") ? first.substring(0, first.length() - 1) : first;
                throw new IllegalArgumentException("layer " + i + " of " + layers.size() + " (" + name + "): "
                        + e.getMessage(), e);
            }
        }
        return y;
    }
}
