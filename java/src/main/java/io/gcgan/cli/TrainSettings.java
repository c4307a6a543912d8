package io.gcgan.cli;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every option of {@code gcgan train} after defaults are applied and values checked: what config.json records,
 * what a checkpoint compares on resume. Keys of {@link #toOptions()} are the long option names without dashes.
 *
 * <p>The options that define the run (everything but {@link #RUN_CONTROL}) are hashed into the checkpoint; a
 * resume refuses a difference in any of them.
 *
 * @param data         "mnist", "8gaussians", "25gaussians" or an absolute path
 * @param penaltyWeight lambda (wgan-gp, zero-centred) or gamma (r1, r2); 0 without a penalty
 * @param nu           gls-gan's slope; NaN when not set
 * @param capturedSteps {@code --captured-steps}: record each kind of step once and replay it (Trainer; CUDA graphs)
 */
public record TrainSettings(
        String model, String data, int heldOut, int mlpWidth, boolean dBatchNorm,
        String loss, double clip, double nu, double lsGamma, double lsLambda, double lsTau, String lsDistance,
        String lsOutput, double[] lsganTargets,
        String penalty, double penaltyWeight, boolean oneSided,
        NetOptimizer g, NetOptimizer d, String sgdForm, String weightDecayMode, String gcTconv,
        int nCritic, boolean wganSchedule, String generatorNoise, int batchSize, long steps, long seed, String dtype,
        int diagnosticsEvery, int fixedSamples,
        String device, String conv, boolean tf32, boolean capturedSteps, int keep, int checkpointEvery,
        int sampleEvery, int scoreEvery, int scoreSamples, int logEvery) {

    /** The G update's noise when --generator-noise is not given (and in settings written before it existed). */
    public static final String DEFAULT_GENERATOR_NOISE = "fresh";

    /** The CUDA conv implementation when --conv is not given: gcgan's own kernels (the CUDA backend's default). */
    public static final String DEFAULT_CONV = "own";

    /** Samples per score when --score-samples is not given (and in settings written before it existed). */
    public static final int DEFAULT_SCORE_SAMPLES = 5000;

    /** Options that may change when a run is resumed (they do not change what is computed). */
    public static final Set<String> RUN_CONTROL = Set.of("steps", "device", "conv", "tf32", "captured-steps", "keep",
            "checkpoint-every", "sample-every", "score-every", "score-samples", "log-every");

    /**
     * One network's optimizer.
     *
     * @param algorithm sgd, adam or rmsprop
     * @param gc        none, gcc or gc
     * @param momentum  SGD's or RMSprop's momentum
     */
    public record NetOptimizer(String algorithm, String gc, double lr, double beta1, double beta2, double momentum,
                               double weightDecay) {
    }

    public TrainSettings {
        Objects.requireNonNull(model);
        Objects.requireNonNull(data);
        lsganTargets = lsganTargets.clone();
    }

    @Override
    public double[] lsganTargets() {
        return lsganTargets.clone();
    }

    /** All options by name, in --help order; doubles stay doubles, NaN becomes null. */
    public Map<String, Object> toOptions() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("data", data);
        m.put("held-out", heldOut);
        m.put("mlp-width", mlpWidth);
        m.put("d-batchnorm", dBatchNorm);
        m.put("loss", loss);
        m.put("clip", clip);
        m.put("nu", Double.isNaN(nu) ? null : nu);
        m.put("ls-gamma", lsGamma);
        m.put("ls-lambda", lsLambda);
        m.put("ls-tau", lsTau);
        m.put("ls-distance", lsDistance);
        m.put("ls-output", lsOutput);
        m.put("lsgan-targets", lsganTargets[0] + "," + lsganTargets[1] + "," + lsganTargets[2]);
        m.put("penalty", penalty);
        m.put("penalty-weight", penaltyWeight);
        m.put("one-sided", oneSided);
        putOptimizer(m, "g-", g);
        putOptimizer(m, "d-", d);
        m.put("sgd-form", sgdForm);
        m.put("weight-decay-mode", weightDecayMode);
        m.put("gc-tconv", gcTconv);
        m.put("n-critic", nCritic);
        m.put("wgan-schedule", wganSchedule);
        m.put("generator-noise", generatorNoise);
        m.put("batch-size", batchSize);
        m.put("steps", steps);
        m.put("seed", seed);
        m.put("dtype", dtype);
        m.put("diagnostics-every", diagnosticsEvery);
        m.put("fixed-samples", fixedSamples);
        m.put("device", device);
        m.put("conv", conv);
        m.put("tf32", tf32);
        m.put("captured-steps", capturedSteps);
        m.put("keep", keep);
        m.put("checkpoint-every", checkpointEvery);
        m.put("sample-every", sampleEvery);
        m.put("score-every", scoreEvery);
        m.put("score-samples", scoreSamples);
        m.put("log-every", logEvery);
        return m;
    }

    private static void putOptimizer(Map<String, Object> m, String p, NetOptimizer o) {
        m.put(p + "optimizer", o.algorithm());
        m.put(p + "gc", o.gc());
        m.put(p + "lr", o.lr());
        m.put(p + "betas", o.beta1() + "," + o.beta2());
        m.put(p + "momentum", o.momentum());
        m.put(p + "weight-decay", o.weightDecay());
    }

    /** The settings {@link #toOptions()} wrote (as read back from JSON). */
    public static TrainSettings fromOptions(Map<String, Object> m) {
        Reader r = new Reader(m);
        double[] targets = Check.numbers("lsgan-targets", r.str("lsgan-targets"), 3);
        return new TrainSettings(r.str("model"), r.str("data"), r.integer("held-out"), r.integer("mlp-width"),
                r.bool("d-batchnorm"), r.str("loss"), r.dbl("clip"), r.dblOrNaN("nu"), r.dbl("ls-gamma"),
                r.dbl("ls-lambda"), r.dbl("ls-tau"), r.str("ls-distance"), r.str("ls-output"), targets,
                r.str("penalty"), r.dbl("penalty-weight"), r.bool("one-sided"), r.optimizer("g-"), r.optimizer("d-"),
                r.str("sgd-form"), r.str("weight-decay-mode"), r.str("gc-tconv"), r.integer("n-critic"),
                r.bool("wgan-schedule"), r.strOr("generator-noise", DEFAULT_GENERATOR_NOISE), r.integer("batch-size"), r.lng("steps"), r.lng("seed"), r.str("dtype"),
                r.integer("diagnostics-every"), r.integer("fixed-samples"), r.str("device"),
                r.strOr("conv", DEFAULT_CONV), r.boolOr("tf32", false), r.boolOr("captured-steps", false),
                r.integer("keep"),
                r.integer("checkpoint-every"), r.integer("sample-every"), r.integerOr("score-every", 0),
                r.integerOr("score-samples", DEFAULT_SCORE_SAMPLES), r.integer("log-every"));
    }

    /** The options that define the run (all but {@link #RUN_CONTROL}), sorted by name. */
    public Map<String, Object> identity() {
        Map<String, Object> m = new TreeMap<>(toOptions());
        m.keySet().removeAll(RUN_CONTROL);
        return m;
    }

    /** SHA-256 of the identity options as "name=value" lines (values as text, so 1 and 1.0 differ by type only). */
    public String configHash() {
        return hash(identity());
    }

    static String hash(Map<String, Object> identity) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(identity).forEach((k, v) -> sb.append(k).append('=').append(text(v)).append('\n'));
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A value as the text that comparisons use: numbers by their double value, so 1 and 1.0 are equal. */
    static String text(Object v) {
        if (v instanceof Number n) {
            return Check.fmt(n.doubleValue());
        }
        return String.valueOf(v);
    }

    /** The identity options whose values differ between {@code a} and {@code b}: "name: a-value vs b-value". */
    static List<String> differences(Map<String, Object> a, Map<String, Object> b) {
        List<String> out = new ArrayList<>();
        Set<String> keys = new java.util.TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        for (String k : keys) {
            if (RUN_CONTROL.contains(k)) {
                continue;
            }
            String va = text(a.get(k));
            String vb = text(b.get(k));
            if (!va.equals(vb)) {
                out.add(k);
            }
        }
        return out;
    }

    /** Settings from a checkpoint's identity options, with placeholder run-control values (for sampling). */
    public static TrainSettings fromIdentity(Map<String, Object> identity) {
        Map<String, Object> m = new LinkedHashMap<>(identity);
        m.putIfAbsent("steps", 1L);
        m.putIfAbsent("device", "auto");
        m.putIfAbsent("keep", 1L);
        m.putIfAbsent("checkpoint-every", 1L);
        m.putIfAbsent("sample-every", 1L);
        m.putIfAbsent("log-every", 0L);
        return fromOptions(m);
    }

    /** The settings with another number of steps. */
    public TrainSettings withSteps(long newSteps) {
        Map<String, Object> m = toOptions();
        m.put("steps", newSteps);
        return fromOptions(m);
    }

    private record Reader(Map<String, Object> m) {
        Object get(String k) {
            if (!m.containsKey(k)) {
                throw new IllegalArgumentException("option '" + k + "' is missing from the saved run configuration");
            }
            return m.get(k);
        }

        String str(String k) {
            return String.valueOf(get(k));
        }

        double dbl(String k) {
            Object v = get(k);
            if (v instanceof Number n) {
                return n.doubleValue();
            }
            return Double.parseDouble(String.valueOf(v));
        }

        double dblOrNaN(String k) {
            return get(k) == null ? Double.NaN : dbl(k);
        }

        long lng(String k) {
            Object v = get(k);
            if (v instanceof Number n) {
                return n.longValue();
            }
            return Long.parseLong(String.valueOf(v));
        }

        int integer(String k) {
            return Math.toIntExact(lng(k));
        }

        boolean bool(String k) {
            Object v = get(k);
            return v instanceof Boolean b ? b : Boolean.parseBoolean(String.valueOf(v));
        }

        /** A run-control option that runs made before it existed do not record. */
        String strOr(String k, String absent) {
            return m.containsKey(k) && m.get(k) != null ? str(k) : absent;
        }

        int integerOr(String k, int absent) {
            return m.containsKey(k) && m.get(k) != null ? integer(k) : absent;
        }

        boolean boolOr(String k, boolean absent) {
            return m.containsKey(k) && m.get(k) != null ? bool(k) : absent;
        }

        NetOptimizer optimizer(String p) {
            double[] betas = Check.numbers(p + "betas", str(p + "betas"), 2);
            return new NetOptimizer(str(p + "optimizer"), str(p + "gc"), dbl(p + "lr"), betas[0], betas[1],
                    dbl(p + "momentum"), dbl(p + "weight-decay"));
        }
    }
}
