package io.gcgan.bench;

import io.gcgan.gan.loss.GanLoss;
import io.gcgan.gan.loss.GanLosses;
import io.gcgan.gan.model.Dcgan64;
import io.gcgan.gan.model.Mnist28;
import io.gcgan.gan.penalty.CentredGradientPenalty;
import io.gcgan.gan.train.RealData;
import io.gcgan.gan.train.Trainer;
import io.gcgan.gan.train.GeneratorNoise;
import io.gcgan.gan.train.TrainerConfig;
import io.gcgan.nn.BatchNorm;
import io.gcgan.nn.ConvTranspose2d;
import io.gcgan.nn.Init;
import io.gcgan.nn.Module;
import io.gcgan.nn.ModuleOptions;
import io.gcgan.optim.Adam;
import io.gcgan.optim.GcMode;
import io.gcgan.optim.Optimizer;
import io.gcgan.optim.ParamGroup;
import io.gcgan.random.Generator;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The training workload of {@link TrainingIterationBenchmark} and {@code io.gcgan.bench.gpu.TrainingProfile}: a
 * {@link Trainer} for one model and recipe, batch 64, float32, with diagnostics only at step 0.
 *
 * <ul>
 *   <li>model {@code mnist28} ({@link Mnist28}) or {@code dcgan64} ({@link Dcgan64}, BatchNorm in D except with the
 *       gradient penalty, which BatchNorm's batch coupling would make meaningless);</li>
 *   <li>recipe {@code nsgan-adam}: the non-saturating loss, Adam (lr 2e-4, betas 0.5, 0.999) for both networks, no
 *       GC; {@code wgan-0gp-adam-gc}: the WGAN loss without clipping plus the zero-centred gradient penalty at
 *       interpolates ({@link CentredGradientPenalty#zeroCentred}(10), a double backward pass), Adam with gradient
 *       centralization ({@link GcMode#CONV_AND_FC}) for both.</li>
 * </ul>
 *
 * The real batch is made once ({@link RealData#fixed}), so a step allocates only what the step itself allocates.
 * {@link #create} allocates the weights, the batch and the fixed noise in the current tensor scope.
 */
public record TrainingWorkload(String model, String recipe, Trainer trainer, int gParameters, int dParameters) {

    public static final int BATCH = 64;
    public static final long SEED = 20261126L;

    /** The models and recipes {@link #create} knows. */
    public static final List<String> MODELS = List.of("mnist28", "dcgan64");
    public static final List<String> RECIPES = List.of("nsgan-adam", "wgan-0gp-adam-gc");

    /** Builds the workload on {@code device}, same seed every time (so two builds train identically). */
    public static TrainingWorkload create(String model, String recipe, Device device) {
        return create(model, recipe, device, "fused");
    }

    /**
     * {@link #create(String, String, Device)} with BatchNorm's batch statistics {@code fused} (one backend call
     * each way, the default) or {@code composed} (the reference made of tensor operations).
     */
    public static TrainingWorkload create(String model, String recipe, Device device, String batchNorm) {
        return create(model, recipe, device, batchNorm, GeneratorNoise.FRESH);
    }

    /**
     * {@link #create(String, String, Device, String)} with the G update's noise: {@link GeneratorNoise#FRESH} (the
     * trainer's default; G runs forward twice per step) or {@link GeneratorNoise#REUSE} (the D update's samples, as
     * the PyTorch peer's step).
     */
    public static TrainingWorkload create(String model, String recipe, Device device, String batchNorm,
                                          GeneratorNoise generatorNoise) {
        return create(model, recipe, device, batchNorm, generatorNoise, "written");
    }

    /**
     * {@link #create(String, String, Device, String, GeneratorNoise)} with the steps {@code written} (every op queued
     * by its Java code) or {@code captured} (recorded once and replayed: CUDA graphs, {@link TrainerConfig#capturedSteps}).
     */
    public static TrainingWorkload create(String model, String recipe, Device device, String batchNorm,
                                          GeneratorNoise generatorNoise, String steps) {
        boolean captured = switch (steps) {
            case "written" -> false;
            case "captured" -> true;
            default -> throw new IllegalArgumentException("steps must be written or captured, got '" + steps + "'");
        };
        boolean fusedBatchNorm = switch (batchNorm) {
            case "fused" -> true;
            case "composed" -> false;
            default -> throw new IllegalArgumentException("batchNorm must be fused or composed, got '" + batchNorm
                    + "'");
        };
        boolean wgan = switch (recipe) {
            case "nsgan-adam" -> false;
            case "wgan-0gp-adam-gc" -> true;
            default -> throw new IllegalArgumentException("recipe must be nsgan-adam or wgan-0gp-adam-gc, got '"
                    + recipe + "'");
        };
        ModuleOptions o = new ModuleOptions(DType.FLOAT32, device, new Generator(SEED));
        Module g;
        Module d;
        long[] noiseShape;
        long[] imageShape;
        switch (model) {
            case "mnist28" -> {
                g = Init.dcgan(Mnist28.generator(o), o.generator());
                d = Init.dcgan(Mnist28.discriminator(o), o.generator());
                noiseShape = new long[] {Mnist28.NZ};
                imageShape = new long[] {BATCH, 1, Mnist28.IMAGE_SIZE, Mnist28.IMAGE_SIZE};
            }
            case "dcgan64" -> {
                g = Init.dcgan(Dcgan64.generator(o), o.generator());
                d = Init.dcgan(Dcgan64.discriminator(!wgan, o), o.generator());
                noiseShape = new long[] {Dcgan64.NZ, 1, 1};
                imageShape = new long[] {BATCH, 3, Dcgan64.IMAGE_SIZE, Dcgan64.IMAGE_SIZE};
            }
            default -> throw new IllegalArgumentException("model must be mnist28 or dcgan64, got '" + model + "'");
        }
        for (Module m : List.of(g, d)) {
            for (Module sub : m.namedModules().values()) {
                if (sub instanceof BatchNorm bn) {
                    bn.useFusedKernel(fusedBatchNorm);
                }
            }
        }
        GanLoss loss = wgan
                ? GanLosses.byName(GanLosses.WGAN, GanLosses.Options.defaults().withClip(0))
                : GanLosses.byName(GanLosses.NSGAN);
        CentredGradientPenalty penalty = wgan ? CentredGradientPenalty.zeroCentred(10) : null;
        GcMode gc = wgan ? GcMode.CONV_AND_FC : GcMode.NONE;
        Tensor real = Tensor.randn(new Generator(SEED + 1), DType.FLOAT32, device, imageShape).clamp(-1, 1);
        TrainerConfig config = new TrainerConfig(BATCH, 1, false, Integer.MAX_VALUE, 1, SEED, DType.FLOAT32, device,
                generatorNoise, captured);
        Trainer trainer = new Trainer(g, d, noiseShape, RealData.fixed(real), loss, penalty, adam(g, gc), adam(d, gc),
                config);
        return new TrainingWorkload(model, recipe, trainer, g.parameters().size(), d.parameters().size());
    }

    /** E.g. "dcgan64 nsgan-adam, batch 64, 12 G and 11 D parameter tensors". */
    public String describe() {
        return model + " " + recipe + ", batch " + BATCH + ", " + gParameters + " G and " + dParameters
                + " D parameter tensors";
    }

    /** Adam as the DCGAN example sets it (lr 2e-4, betas 0.5, 0.999) over all of a model's parameters. */
    private static Optimizer adam(Module model, GcMode gc) {
        Set<Tensor> transposed = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Module m : model.namedModules().values()) {
            if (m instanceof ConvTranspose2d c) {
                transposed.add(c.weight());
            }
        }
        Map<String, Tensor> params = model.namedParameters();
        ParamGroup group = ParamGroup.builder(2e-4)
                .addAll(params, name -> transposed.contains(params.get(name)))
                .gc(gc)
                .build();
        return new Adam(List.of(group), 0.5, 0.999, 1e-8);
    }
}
