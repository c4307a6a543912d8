package io.gcgan.cli;

import io.gcgan.backend.WeightDecayMode;
import io.gcgan.data.DataLoader;
import io.gcgan.data.Dataset;
import io.gcgan.data.GaussianMixture;
import io.gcgan.data.ImageDataset;
import io.gcgan.data.ImageFolder;
import io.gcgan.data.Mnist;
import io.gcgan.gan.loss.GanLoss;
import io.gcgan.gan.loss.GanLosses;
import io.gcgan.gan.loss.LossOutput;
import io.gcgan.gan.loss.PairDistance;
import io.gcgan.gan.model.Dcgan64;
import io.gcgan.gan.model.Mlp2d;
import io.gcgan.gan.model.Mnist28;
import io.gcgan.gan.penalty.CentredGradientPenalty;
import io.gcgan.gan.train.GeneratorNoise;
import io.gcgan.gan.train.RealData;
import io.gcgan.gan.train.Trainer;
import io.gcgan.gan.train.TrainerConfig;
import io.gcgan.nn.Init;
import io.gcgan.nn.Module;
import io.gcgan.nn.ModuleOptions;
import io.gcgan.optim.Adam;
import io.gcgan.optim.GcMode;
import io.gcgan.optim.Optimizer;
import io.gcgan.optim.ParamGroup;
import io.gcgan.optim.RmsProp;
import io.gcgan.optim.Sgd;
import io.gcgan.optim.TransposedConvCentring;
import io.gcgan.random.Generator;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Everything a training run is made of, built from {@link TrainSettings}: data, G and D, loss, penalty, the two
 * optimizers and the {@link Trainer}. Built the same way for a new run and for a resumed one (the checkpoint
 * then overwrites the weights, the optimizer state and the trainer state).
 *
 * <p>Random streams, all from the seed: model initialization ({@code seed ^ INIT_STREAM}, G first, then D), the
 * held-out split, the training and held-out batch orders, and the trainer's own noise, penalty and fixed-noise
 * streams.
 */
final class Experiment {

    static final List<String> MODELS = List.of("auto", "mnist28", "dcgan64", "mlp");
    static final List<String> DATA_NAMES = List.of("mnist", "8gaussians", "25gaussians");
    static final List<String> PENALTIES = List.of("none", "wgan-gp", "zero-centred", "r1", "r2");
    static final List<String> OPTIMIZERS = List.of("sgd", "adam", "rmsprop");
    static final List<String> GC_MODES = List.of("none", "gcc", "gc");

    /** Held-out images for the score gap when --held-out is 0 (auto): this many, at most a tenth of the data. */
    static final int DEFAULT_HELD_OUT = 1000;

    private static final long INIT_STREAM = 0x696E6974L;
    private static final long TRAIN_ORDER_STREAM = 0x747261696EL;
    private static final long HELD_OUT_ORDER_STREAM = 0x68656C64L;

    final TrainSettings settings;
    final Module generator;
    final Module discriminator;
    final long[] noiseShape;
    final RealData data;
    final GanLoss loss;
    final CentredGradientPenalty penalty;
    final Optimizer gOptimizer;
    final Optimizer dOptimizer;
    final Trainer trainer;
    /** The mixture of 2-D data, else null (image data). */
    final GaussianMixture mixture;
    /** Every image of the run's data (training and held-out), else null (2-D data). */
    final ImageDataset images;
    final String dataDescription;
    final int trainCount;
    final int heldOutCount;

    private Experiment(TrainSettings s, Device device, Loaded loaded) {
        this.settings = s;
        DType dtype = dtype(s.dtype());
        ModuleOptions o = new ModuleOptions(dtype, device, new Generator(s.seed() ^ INIT_STREAM));
        this.generator = generator(s, o);
        this.discriminator = discriminator(s, o);
        this.noiseShape = noiseShape(s.model());
        this.mixture = loaded.mixture;
        this.images = loaded.images;
        this.dataDescription = loaded.description;
        if (loaded.mixture != null) {
            this.data = RealData.of(loaded.mixture, s.batchSize(), s.seed());
            this.trainCount = -1;
            this.heldOutCount = -1;
        } else {
            Dataset.Split split = split(s, loaded.images, loaded.description);
            this.trainCount = split.train().size();
            this.heldOutCount = split.heldOut().size();
            if (trainCount < s.batchSize()) {
                throw new UsageException("--batch-size = " + s.batchSize() + " is out of range [1, " + trainCount
                        + "]: the training part of " + loaded.description + " has " + trainCount
                        + (trainCount == 1 ? " image" : " images"));
            }
            DataLoader train = DataLoader.shuffled(split.train(), s.batchSize(), s.seed() ^ TRAIN_ORDER_STREAM);
            DataLoader heldOutLoader = new DataLoader(split.heldOut(), s.batchSize(),
                    DataLoader.Shuffle.EVERY_EPOCH, false,
                    s.seed() ^ HELD_OUT_ORDER_STREAM);
            this.data = RealData.of(train, heldOutLoader);
        }
        this.loss = loss(s);
        this.penalty = penalty(s);
        this.gOptimizer = optimizer(s.g(), s, generator);
        this.dOptimizer = optimizer(s.d(), s, discriminator);
        TrainerConfig config = new TrainerConfig(s.batchSize(), s.nCritic(), s.wganSchedule(), s.diagnosticsEvery(),
                s.fixedSamples(), s.seed(), dtype, device, GeneratorNoise.fromName(s.generatorNoise()),
                s.capturedSteps());
        this.trainer = new Trainer(generator, discriminator, noiseShape, data, loss, penalty, gOptimizer, dOptimizer,
                config);
    }

    /**
     * The run's split of its images into training and held-out parts (--held-out of them, or 0: a tenth, at most
     * {@value #DEFAULT_HELD_OUT}; chosen with the run's seed): the same split on every call.
     */
    static Dataset.Split split(TrainSettings s, ImageDataset images, String description) {
        int n = images.size();
        int heldOut = s.heldOut() == 0 ? Math.max(1, Math.min(DEFAULT_HELD_OUT, n / 10)) : s.heldOut();
        if (n < 2) {
            throw new UsageException(description + " has " + n + " image" + (n == 1 ? "" : "s") + ": a run needs at"
                    + " least 2 (one is held out for scoring)");
        }
        if (heldOut < 1 || heldOut > n - 1) {
            throw new UsageException("--held-out = " + heldOut + " is out of range [1, " + (n - 1) + "]: "
                    + description + " has " + n + " images");
        }
        return images.split(heldOut, s.seed());
    }

    /** Builds a run; loads the data first (failing with the file or folder at fault). */
    static Experiment build(TrainSettings s, Device device) throws IOException {
        return new Experiment(s, device, load(s));
    }

    // ---- data --------------------------------------------------------------------------------------------

    private record Loaded(ImageDataset images, GaussianMixture mixture, String description) {
    }

    /** What kind of data a --data value names, without loading it. */
    enum DataKind { MNIST, POINTS, IMAGE_FOLDER }

    static DataKind dataKind(String data) {
        if (data.equals("mnist")) {
            return DataKind.MNIST;
        }
        if (data.equals("8gaussians") || data.equals("25gaussians")) {
            return DataKind.POINTS;
        }
        Path p = Path.of(data);
        if (Files.isRegularFile(p)) {
            return DataKind.MNIST; // an IDX file of images
        }
        if (Files.isDirectory(p)) {
            return looksLikeMnistFolder(p) ? DataKind.MNIST : DataKind.IMAGE_FOLDER;
        }
        throw new UsageException("--data: '" + data + "' is neither one of " + String.join(", ", DATA_NAMES)
                + " nor an existing file or folder (an IDX image file, a folder with MNIST's IDX files, or a folder"
                + " of PNG/JPEG images)");
    }

    private static boolean looksLikeMnistFolder(Path dir) {
        for (String name : List.of("train-images-idx3-ubyte", "train-images.idx3-ubyte")) {
            if (Files.isRegularFile(dir.resolve(name)) || Files.isRegularFile(dir.resolve(name + ".gz"))) {
                return true;
            }
        }
        return false;
    }

    /** The --data value as stored: a name, or the path made absolute. */
    static String canonicalData(String data) {
        String d = data.strip();
        if (d.isEmpty()) {
            throw new UsageException("--data is empty: give mnist, 8gaussians, 25gaussians, an IDX file, an MNIST IDX"
                    + " folder or an image folder");
        }
        String lower = d.toLowerCase(Locale.ROOT);
        if (DATA_NAMES.contains(lower)) {
            return lower;
        }
        dataKind(d);
        return Path.of(d).toAbsolutePath().normalize().toString();
    }

    /** The model that fits the data, for --model auto. */
    static String autoModel(String data) {
        return switch (dataKind(data)) {
            case MNIST -> "mnist28";
            case POINTS -> "mlp";
            case IMAGE_FOLDER -> "dcgan64";
        };
    }

    /** Refuses a model that cannot take the data. */
    static void checkModelFitsData(String model, String data) {
        DataKind kind = dataKind(data);
        boolean ok = switch (model) {
            case "mlp" -> kind == DataKind.POINTS;
            case "mnist28" -> kind == DataKind.MNIST || kind == DataKind.IMAGE_FOLDER;
            case "dcgan64" -> kind == DataKind.IMAGE_FOLDER;
            default -> false;
        };
        if (!ok) {
            String need = switch (model) {
                case "mlp" -> "2-D points (--data 8gaussians or 25gaussians)";
                case "mnist28" -> "1x28x28 images (--data mnist, an IDX file or folder, or an image folder)";
                default -> "3x64x64 images (--data FOLDER of PNG/JPEG images)";
            };
            throw new UsageException("--model " + model + " needs " + need + "; --data " + data + " is "
                    + switch (kind) {
                        case MNIST -> "MNIST (1x28x28): use --model mnist28";
                        case POINTS -> "2-D points: use --model mlp";
                        case IMAGE_FOLDER -> "an image folder: use --model mnist28 or dcgan64";
                    });
        }
    }

    private static Loaded load(TrainSettings s) throws IOException {
        return load(s.data(), s.model());
    }

    /**
     * The images that {@code --data data} names for {@code model} (mnist28 or dcgan64), checked against the model's
     * geometry: what a run trained on, for scoring its samples against.
     */
    static ImageDataset images(String data, String model) throws IOException {
        Loaded l = load(data, model);
        if (l.images == null) {
            throw new UsageException("--data " + data + " holds 2-D points, not " + model + " images");
        }
        return l.images;
    }

    /** The mixture a 2-D run ({@code --data 8gaussians|25gaussians}) trained on. */
    static GaussianMixture mixture(String data) {
        return switch (data) {
            case "8gaussians" -> GaussianMixture.eightOnRing();
            case "25gaussians" -> GaussianMixture.twentyFiveOnGrid();
            default -> throw new UsageException("--data " + data + " is not a 2-D mixture (8gaussians, 25gaussians)");
        };
    }

    private static Loaded load(String data, String model) throws IOException {
        switch (data) {
            case "mnist":
                // checked too: score --reference mnist of a dcgan64 run would compare digits with 3x64x64 samples
                checkGeometry(Mnist.embedded(), data, model);
                return new Loaded(Mnist.embedded(), null, "embedded MNIST (" + Mnist.EMBEDDED_COUNT + " digits)");
            case "8gaussians":
                return new Loaded(null, mixture(data), "8 Gaussians on a ring");
            case "25gaussians":
                return new Loaded(null, mixture(data), "25 Gaussians on a grid");
            default:
                break;
        }
        Path p = Path.of(data);
        ImageDataset images;
        if (Files.isRegularFile(p)) {
            images = Mnist.loadImages(p);
        } else if (looksLikeMnistFolder(p)) {
            images = Mnist.loadFolder(p, false);
        } else {
            long[] geometry = imageGeometry(model);
            images = ImageFolder.load(p, (int) geometry[0], (int) geometry[1], (int) geometry[2]);
        }
        checkGeometry(images, data, model);
        return new Loaded(images, null, images.toString());
    }

    private static void checkGeometry(ImageDataset images, String data, String model) {
        long[] want = imageGeometry(model);
        long[] have = images.itemShape();
        if (!java.util.Arrays.equals(want, have)) {
            throw new UsageException(model + " images are " + java.util.Arrays.toString(want) + " but " + data
                    + " holds " + java.util.Arrays.toString(have));
        }
    }

    /** [C, H, W] of the images a model takes. */
    static long[] imageGeometry(String model) {
        return switch (model) {
            case "mnist28" -> new long[] {1, Mnist28.IMAGE_SIZE, Mnist28.IMAGE_SIZE};
            case "dcgan64" -> new long[] {3, Dcgan64.IMAGE_SIZE, Dcgan64.IMAGE_SIZE};
            default -> throw new IllegalArgumentException("model " + model + " takes no images");
        };
    }

    // ---- models ------------------------------------------------------------------------------------------

    static long[] noiseShape(String model) {
        return switch (model) {
            case "mnist28" -> new long[] {Mnist28.NZ};
            case "dcgan64" -> new long[] {Dcgan64.NZ, 1, 1};
            case "mlp" -> new long[] {Mlp2d.NZ};
            default -> throw new IllegalArgumentException("unknown model " + model);
        };
    }

    /** G, initialised from {@code o}'s generator (DCGAN initialization for the conv models). */
    static Module generator(TrainSettings s, ModuleOptions o) {
        return switch (s.model()) {
            case "mnist28" -> Init.dcgan(Mnist28.generator(o), o.generator());
            case "dcgan64" -> Init.dcgan(Dcgan64.generator(o), o.generator());
            case "mlp" -> Mlp2d.generator(s.mlpWidth(), o);
            default -> throw new IllegalArgumentException("unknown model " + s.model());
        };
    }

    static Module discriminator(TrainSettings s, ModuleOptions o) {
        return switch (s.model()) {
            case "mnist28" -> Init.dcgan(Mnist28.discriminator(o), o.generator());
            case "dcgan64" -> Init.dcgan(Dcgan64.discriminator(s.dBatchNorm(), o), o.generator());
            case "mlp" -> Mlp2d.discriminator(s.mlpWidth(), o);
            default -> throw new IllegalArgumentException("unknown model " + s.model());
        };
    }

    /** G alone, as {@link #build} makes it (for sampling from a checkpoint). */
    static Module generatorOnly(TrainSettings s, Device device) {
        return generator(s, new ModuleOptions(dtype(s.dtype()), device, new Generator(s.seed() ^ INIT_STREAM)));
    }

    static DType dtype(String name) {
        return name.equals("float64") ? DType.FLOAT64 : DType.FLOAT32;
    }

    // ---- loss, penalty, optimizers -----------------------------------------------------------------------

    static GanLoss loss(TrainSettings s) {
        double[] t = s.lsganTargets();
        GanLosses.Options o = GanLosses.Options.defaults().withClip(s.clip()).withNu(s.nu()).withGamma(s.lsGamma())
                .withLambda(s.lsLambda()).withTau(s.lsTau())
                .withPairDistance(PairDistance.valueOf(s.lsDistance().toUpperCase(Locale.ROOT).replace('-', '_')))
                .withLossOutput(LossOutput.valueOf(s.lsOutput().toUpperCase(Locale.ROOT)))
                .withLeastSquaresTargets(t[0], t[1], t[2]);
        try {
            return GanLosses.byName(s.loss(), o);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--loss " + s.loss() + ": " + e.getMessage(), e);
        }
    }

    static CentredGradientPenalty penalty(TrainSettings s) {
        CentredGradientPenalty p = switch (s.penalty()) {
            case "none" -> null;
            case "wgan-gp" -> CentredGradientPenalty.wganGp(s.penaltyWeight());
            case "zero-centred" -> CentredGradientPenalty.zeroCentred(s.penaltyWeight());
            case "r1" -> CentredGradientPenalty.r1(s.penaltyWeight());
            case "r2" -> CentredGradientPenalty.r2(s.penaltyWeight());
            default -> throw new UsageException("--penalty: unknown value '" + s.penalty() + "'; valid values: "
                    + String.join(", ", PENALTIES));
        };
        return p != null && s.oneSided() ? p.oneSided(true) : p;
    }

    /**
     * The default weight of a penalty: lambda 10 for wgan-gp (Gulrajani et al.) and zero-centred (Thanh-Tung et
     * al.'s 0-GP); gamma 1 for r1 and r2 (on MNIST gamma 10 held D back so much that G learned slowly).
     */
    static double defaultPenaltyWeight(String penalty) {
        return switch (penalty) {
            case "none" -> 0.0;
            case "r1", "r2" -> 1.0;
            default -> 10.0;
        };
    }

    static GcMode gcMode(String gc) {
        try {
            return GcMode.parse(gc);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }

    static Optimizer optimizer(TrainSettings.NetOptimizer n, TrainSettings s, Module model) {
        ParamGroup.Builder b = ParamGroup.builder(n.lr())
                .addModule(model)
                .gc(gcMode(n.gc()))
                .transposedConvCentring(s.gcTconv().equals("output-filter")
                        ? TransposedConvCentring.OUTPUT_FILTER : TransposedConvCentring.INPUT_CHANNEL);
        if (n.weightDecay() > 0) {
            b.weightDecay(n.weightDecay(), s.weightDecayMode().equals("decoupled")
                    ? WeightDecayMode.DECOUPLED : WeightDecayMode.COUPLED);
        }
        List<ParamGroup> groups = List.of(b.build());
        return switch (n.algorithm()) {
            case "adam" -> new Adam(groups, n.beta1(), n.beta2(), 1e-8);
            case "rmsprop" -> new RmsProp(groups, 0.99, 1e-8, n.momentum());
            case "sgd" -> {
                if (n.momentum() == 0) {
                    yield new Sgd(groups);
                }
                yield s.sgdForm().equals("thesis") ? Sgd.thesisMomentum(groups, n.momentum())
                        : new Sgd(groups, n.momentum());
            }
            default -> throw new UsageException("unknown optimizer '" + n.algorithm() + "'; valid values: "
                    + String.join(", ", OPTIMIZERS));
        };
    }
}
