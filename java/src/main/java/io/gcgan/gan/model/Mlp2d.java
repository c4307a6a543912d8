package io.gcgan.gan.model;

import io.gcgan.nn.Linear;
import io.gcgan.nn.Module;
import io.gcgan.nn.ModuleOptions;
import io.gcgan.nn.ReLU;
import io.gcgan.nn.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * The MLPs of the WGAN-GP toy experiments (8 and 25 Gaussians): G maps 2-D noise to 2-D points, D maps points
 * to a logit; three hidden layers of {@code width} ReLU units each (512 in the toy code).
 *
 * <pre>
 *   G: z [N, 2] -> Linear(2, w) ReLU -> Linear(w, w) ReLU -> Linear(w, w) ReLU -> Linear(w, 2) -> [N, 2]
 *   D: x [N, 2] -> Linear(2, w) ReLU -> Linear(w, w) ReLU -> Linear(w, w) ReLU -> Linear(w, 1) -> [N, 1]
 * </pre>
 */
public final class Mlp2d {

    public static final int NZ = 2;
    public static final int DEFAULT_WIDTH = 512;

    private Mlp2d() {
    }

    public static Sequential generator(int width, ModuleOptions o) {
        return mlp(NZ, width, 2, o);
    }

    public static Sequential discriminator(int width, ModuleOptions o) {
        return mlp(2, width, 1, o);
    }

    private static Sequential mlp(int in, int width, int out, ModuleOptions o) {
        List<Module> layers = new ArrayList<>();
        layers.add(new Linear(in, width, true, o));
        layers.add(new ReLU());
        for (int i = 0; i < 2; i++) {
            layers.add(new Linear(width, width, true, o));
            layers.add(new ReLU());
        }
        layers.add(new Linear(width, out, true, o));
        return new Sequential(layers.toArray(Module[]::new));
    }
}
