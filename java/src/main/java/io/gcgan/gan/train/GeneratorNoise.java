package io.gcgan.gan.train;

import java.util.Locale;

/** Which samples the generator update of a training step is computed at. */
public enum GeneratorNoise {
    /**
     * A new noise batch for the G update (Algorithm 1 of the WGAN paper): G runs forward for the D updates
     * without recording, and again for the G update.
     */
    FRESH,
    /**
     * The G update reuses the last D update's noise batch and samples, whose forward pass was recorded for it
     * (PyTorch's DCGAN example): one G forward per step, and G's activations held through the D update.
     */
    REUSE;

    /** "fresh" or "reuse", as the command line spells it. */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The value named {@code name} ("fresh" or "reuse"). */
    public static GeneratorNoise fromName(String name) {
        for (GeneratorNoise g : values()) {
            if (g.optionName().equals(name)) {
                return g;
            }
        }
        throw new IllegalArgumentException("generator noise must be fresh or reuse, got '" + name + "'");
    }
}
