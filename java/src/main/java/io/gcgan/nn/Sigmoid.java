package io.gcgan.nn;

import io.gcgan.tensor.Tensor;

/** Elementwise 1 / (1 + exp(-x)) (PyTorch's {@code nn.Sigmoid}). */
public final class Sigmoid extends Module {

    @Override
    public Tensor forward(Tensor x) {
        return x.sigmoid();
    }
}
