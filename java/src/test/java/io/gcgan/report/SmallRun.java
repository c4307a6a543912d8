package io.gcgan.report;

import io.gcgan.data.GaussianMixture;
import io.gcgan.gan.loss.GanLosses;
import io.gcgan.gan.model.Mlp2d;
import io.gcgan.gan.penalty.CentredGradientPenalty;
import io.gcgan.gan.train.RealData;
import io.gcgan.gan.train.Trainer;
import io.gcgan.gan.train.TrainerConfig;
import io.gcgan.nn.Module;
import io.gcgan.nn.ModuleOptions;
import io.gcgan.optim.Adam;
import io.gcgan.optim.Optimizer;
import io.gcgan.optim.ParamGroup;
import io.gcgan.random.Generator;
import java.util.List;

/**
 * A training run small enough to write a run folder's files in a test: WGAN-GP on the 8 Gaussians, MLPs of width 8,
 * Adam, as CheckpointFilesTest trains it (the penalty draws alpha, so every stream moves).
 */
record SmallRun(Module g, Module d, Optimizer gOpt, Optimizer dOpt, Trainer trainer) {

    static SmallRun of(long initSeed) {
        ModuleOptions o = ModuleOptions.of(new Generator(initSeed));
        Module g = Mlp2d.generator(8, o);
        Module d = Mlp2d.discriminator(8, o);
        Optimizer gOpt = new Adam(List.of(ParamGroup.builder(1e-3).addAll(g.namedParameters()).build()), 0.5, 0.9,
                1e-8);
        Optimizer dOpt = new Adam(List.of(ParamGroup.builder(1e-3).addAll(d.namedParameters()).build()), 0.5, 0.9,
                1e-8);
        Trainer t = new Trainer(g, d, new long[] {2}, RealData.of(GaussianMixture.eightOnRing(), 16, 3),
                GanLosses.byName("wgan"), CentredGradientPenalty.wganGp(1.0), gOpt, dOpt,
                TrainerConfig.defaults(5).withBatchSize(16).withCritic(2, false));
        return new SmallRun(g, d, gOpt, dOpt, t);
    }
}
