package io.gcgan.cli;

import io.gcgan.gan.dirac.DiracGan;
import io.gcgan.gan.dirac.Eigenvalues;
import io.gcgan.gan.dirac.FieldGrid;
import io.gcgan.gan.dirac.Jacobian;
import io.gcgan.gan.dirac.Point;
import io.gcgan.gan.dirac.Trajectory;
import io.gcgan.gan.dirac.UpdateRule;
import io.gcgan.report.Charts;
import io.gcgan.report.DiracPlot;
import io.gcgan.report.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gcgan dirac}: simulates gradient-descent training of the Dirac-GAN (thesis section 3.1) and draws the
 * trajectory over the gradient vector field (figure 3-3). With {@code --json} it prints one JSON object:
 *
 * <pre>
 * {
 *   "loss": "gan", "regularizer": "zero-centred", "gamma": 1.0, "sigma": null, "clip": null,
 *   "update": "simultaneous", "d_steps": 1, "h": 0.1, "steps": 300,
 *   "start": {"theta": 1.0, "psi": 1.0},
 *   "final": {"theta": ..., "psi": ...},
 *   "distance_to_equilibrium": ...,          (of the final point; the equilibrium is (0, 0))
 *   "steps_taken": 300, "diverged": false,   (the run stops early once a coordinate is not finite)
 *   "jacobian": [[tt, tp], [pt, pp]],        (of the vector field at the equilibrium)
 *   "eigenvalues": [{"re": ..., "im": ...}, {"re": ..., "im": ...}],
 *   "update_eigenvalues": [...], "update_spectral_radius": ...,   (of the discrete update map at (0, 0))
 *   "plot": "/abs/path/dirac.png"
 * }
 * </pre>
 */
@Command(name = "dirac", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Simulates the Dirac-GAN (data at 0, G = theta, D(x) = psi x) and writes its trajectory "
                + "over the gradient vector field as a PNG; --json prints the final point, its distance to the "
                + "equilibrium (0, 0) and the Jacobian's eigenvalues at the equilibrium.",
        footer = {"", "Examples:",
            "  gcgan dirac                     # unregularized GAN: circles, no convergence",
            "  gcgan dirac --regularizer zero-centred --gamma 1 --json",
            "  gcgan dirac --loss wgan --update alternating --h 0.2 --out wgan-alt.png"})
final class DiracCommand implements Callable<Integer> {

    static final List<String> LOSSES = List.of("gan", "nsgan", "wgan");
    static final List<String> REGULARIZERS = List.of("none", "wgan-gp", "zero-centred", "consensus", "instance-noise");
    static final List<String> UPDATES = List.of("simultaneous", "alternating");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--loss", paramLabel = "NAME", defaultValue = "gan",
            description = "gan, nsgan (non-saturating G) or wgan. Default: ${DEFAULT-VALUE}.")
    String loss;

    @Option(names = "--regularizer", paramLabel = "NAME", defaultValue = "none",
            description = "none; wgan-gp (gamma/2 (|dD/dx| - 1)^2); zero-centred (gamma/2 |dD/dx|^2 at the data, "
                    + "R1); consensus (v - gamma grad |v|^2/2); instance-noise (N(0, sigma^2) on both samples). "
                    + "Default: ${DEFAULT-VALUE}.")
    String regularizer;

    @Option(names = "--gamma", paramLabel = "G", defaultValue = "1",
            description = "Weight of wgan-gp, zero-centred, consensus, in (0, 1e6]. wgan-gp and zero-centred are "
                    + "gamma/2 times their squared term (Mescheder et al.), so gamma here is twice train's "
                    + "--penalty-weight for the same penalty. Default: ${DEFAULT-VALUE}.")
    double gamma;

    @Option(names = "--sigma", paramLabel = "S", defaultValue = "1",
            description = "Instance noise standard deviation, in (0, 100]. The noise's expectation is a 64-point "
                    + "Gauss-Hermite rule: exact at the equilibrium, within 1e-9 at sigma 1; with sigma 10 or more, "
                    + "off by a few percent away from it. Default: ${DEFAULT-VALUE}.")
    double sigma;

    @Option(names = "--clip", paramLabel = "C", description = "Clip psi to [-C, C] after each D step (C > 0). "
            + "Default: off.")
    Double clip;

    @Option(names = "--update", paramLabel = "RULE", defaultValue = "simultaneous",
            description = "simultaneous or alternating (G step, then --d-steps D steps). Default: ${DEFAULT-VALUE}.")
    String update;

    @Option(names = "--d-steps", paramLabel = "N", defaultValue = "1",
            description = "D steps per G step (alternating only), in [1, 100]. Default: ${DEFAULT-VALUE}.")
    int dSteps;

    @Option(names = "--h", paramLabel = "H", defaultValue = "0.1",
            description = "Step size (learning rate), in (0, 10]. Default: ${DEFAULT-VALUE}.")
    double h;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "300",
            description = "Updates to simulate, in [0, 1000000]. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--start", paramLabel = "THETA,PSI", defaultValue = "1,1",
            description = "Starting point. Default: ${DEFAULT-VALUE}.")
    String start;

    @Option(names = "--range", paramLabel = "R",
            description = "The arrows' grid spans [-R, R]^2 (the plot half an arrow more), R in (0, 1000]. Default:"
                    + " fits the start and the trajectory (at most 5).")
    Double range;

    @Option(names = "--grid", paramLabel = "N", defaultValue = "21",
            description = "Arrows per axis, in [2, 101]. Default: ${DEFAULT-VALUE}.")
    int grid;

    @Option(names = "--out", paramLabel = "PNG", defaultValue = "dirac.png",
            description = "The plot to write. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--json", description = "Print the result as one JSON object (and nothing else) on stdout.")
    boolean json;

    private void noteIgnored(String option, String why) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("note: " + option + " is ignored: it " + why + " (this run: --regularizer " + regularizer + ")");
        err.flush();
    }

    @Override
    public Integer call() throws Exception {
        Check.pngOut("--out", out);
        String l = Check.oneOf("--loss", loss, LOSSES);
        String reg = Check.oneOf("--regularizer", regularizer, REGULARIZERS);
        String rule = Check.oneOf("--update", update, UPDATES);
        Check.range("--gamma", gamma, 0, false, 1e6, true);
        Check.range("--sigma", sigma, 0, false, 100, true);
        // As gcgan train does: an option that this run does not use is noted on stderr (--json keeps stdout clean).
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        boolean usesGamma = !reg.equals("none") && !reg.equals("instance-noise");
        if (parsed.hasMatchedOption("--gamma") && !usesGamma) {
            noteIgnored("--gamma", "goes with --regularizer wgan-gp, zero-centred or consensus");
        }
        if (parsed.hasMatchedOption("--sigma") && !reg.equals("instance-noise")) {
            noteIgnored("--sigma", "goes with --regularizer instance-noise");
        }
        if (clip != null) {
            Check.range("--clip", clip, 0, false, Double.POSITIVE_INFINITY, true);
        }
        Check.range("--d-steps", dSteps, 1, 100);
        if (rule.equals("simultaneous") && dSteps != 1) {
            throw new UsageException("--d-steps " + dSteps + " needs --update alternating (simultaneous updates take"
                    + " one step of each player)");
        }
        Check.range("--h", h, 0, false, 10, true);
        Check.range("--steps", steps, 0, 1_000_000);
        Check.range("--grid", grid, 2, 101);
        double[] s = Check.numbers("--start", start, 2);
        for (double v : s) {
            Check.range("--start", v, -1e6, true, 1e6, true);
        }
        if (range != null) {
            Check.range("--range", range, 0, false, 1000, true);
        }

        DiracGan.Builder b = DiracGan.builder().loss(switch (l) {
            case "nsgan" -> DiracGan.Loss.NS_GAN;
            case "wgan" -> DiracGan.Loss.WGAN;
            default -> DiracGan.Loss.GAN;
        });
        switch (reg) {
            case "wgan-gp" -> b.wganGp(gamma);
            case "zero-centred" -> b.zeroCentred(gamma);
            case "consensus" -> b.consensus(gamma);
            case "instance-noise" -> b.instanceNoise(sigma);
            default -> b.unregularized();
        }
        if (clip != null) {
            b.clip(clip);
        }
        DiracGan game = b.build();
        UpdateRule updateRule = rule.equals("alternating") ? UpdateRule.ALTERNATING : UpdateRule.SIMULTANEOUS;
        Point from = new Point(s[0], s[1]);
        Trajectory trajectory = game.simulate(from, h, steps, updateRule, dSteps);
        Jacobian j = game.jacobianAtEquilibrium();
        Jacobian update = updateRule == UpdateRule.ALTERNATING ? j.alternatingStep(h, dSteps) : j.simultaneousStep(h);

        double r = range != null ? range : autoRange(trajectory);
        FieldGrid field = game.fieldGrid(-r, r, grid, -r, r, grid);
        String title = "Dirac-GAN: " + l + (reg.equals("none") ? "" : " + " + reg + parameterText(reg)) + ", " + rule
                + ", h = " + Check.fmt(h) + ", " + trajectory.steps() + " steps";
        Charts.write(DiracPlot.render(title, field, trajectory, r, 700), out);

        PrintWriter w = spec.commandLine().getOut();
        Map<String, Object> result = result(l, reg, rule, trajectory, j, update);
        if (json) {
            w.print(Json.write(result));
        } else {
            Point f = trajectory.finalPoint();
            Eigenvalues ev = j.eigenvalues();
            w.println(title);
            w.printf(Locale.ROOT, "final point after %d steps: theta %.6g, psi %.6g; distance to (0, 0): %.6g%s%n",
                    trajectory.steps(), f.theta(), f.psi(), trajectory.finalDistance(),
                    f.isFinite() ? "" : " (diverged)");
            w.printf(Locale.ROOT, "Jacobian at the equilibrium: %s, eigenvalues %s%n", j, ev);
            w.printf(Locale.ROOT, "%s update at the equilibrium: spectral radius %.6g (%s)%n", rule,
                    update.eigenvalues().spectralRadius(),
                    update.eigenvalues().spectralRadius() < 1 ? "locally convergent" : "not locally convergent");
            w.println("plot: " + out.toAbsolutePath().normalize());
        }
        w.flush();
        return 0;
    }

    private String parameterText(String reg) {
        return reg.equals("instance-noise") ? " (sigma " + Check.fmt(sigma) + ")" : " (gamma " + Check.fmt(gamma) + ")";
    }

    private Map<String, Object> result(String l, String reg, String rule, Trajectory t, Jacobian j, Jacobian update) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loss", l);
        m.put("regularizer", reg);
        m.put("gamma", reg.equals("none") || reg.equals("instance-noise") ? null : gamma);
        m.put("sigma", reg.equals("instance-noise") ? sigma : null);
        m.put("clip", clip);
        m.put("update", rule);
        m.put("d_steps", dSteps);
        m.put("h", h);
        m.put("steps", steps);
        Point s = t.points().getFirst();
        m.put("start", point(s));
        Point f = t.finalPoint();
        m.put("final", point(f));
        m.put("distance_to_equilibrium", t.finalDistance());
        m.put("steps_taken", t.steps());
        m.put("diverged", !f.isFinite());
        m.put("jacobian", List.of(List.of(j.tt(), j.tp()), List.of(j.pt(), j.pp())));
        m.put("eigenvalues", eigen(j.eigenvalues()));
        m.put("update_eigenvalues", eigen(update.eigenvalues()));
        m.put("update_spectral_radius", update.eigenvalues().spectralRadius());
        m.put("plot", out.toAbsolutePath().normalize().toString());
        return m;
    }

    private static Map<String, Object> point(Point p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("theta", p.theta());
        m.put("psi", p.psi());
        return m;
    }

    private static List<Object> eigen(Eigenvalues e) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("re", e.re1());
        a.put("im", e.im1());
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("re", e.re2());
        c.put("im", e.im2());
        return List.of(a, c);
    }

    /** 1.15 times the largest |coordinate| of the start and the finite points, between 1 and 5. */
    static double autoRange(Trajectory t) {
        double m = 0;
        for (Point p : t.points()) {
            if (p.isFinite()) {
                m = Math.max(m, Math.max(Math.abs(p.theta()), Math.abs(p.psi())));
            }
        }
        return Math.min(5, Math.max(1, 1.15 * m));
    }
}
