package io.gcgan.cli;

import io.gcgan.report.AtomicFiles;
import io.gcgan.report.RunFolder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gcgan experiment}: the study's comparison in one command. It trains one run per configuration and seed
 * (each a {@code gcgan train} in its own folder under {@code --out}, scored every 200 steps unless the options say
 * otherwise), then draws and tabulates them with {@code gcgan compare}. A run whose folder already holds a
 * checkpoint is resumed rather than started again, so an interrupted experiment continues where it stopped and a
 * larger {@code --steps} extends every run.
 */
@Command(name = "experiment", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains several configurations (by default SGD, SGD+GC, Adam and Adam+GC) on the same "
                + "options and seeds, each in its own run folder, then compares their losses and scores.",
            "Options after -- go to every run (gcgan train's options); --run adds a configuration's own."},
        footer = {"", "Examples:",
            "  gcgan experiment --out runs/optimizers -- --steps 1200",
            "  gcgan experiment --out runs/gc --seeds 0,1,2 \\",
            "    --run \"none=--gc none\" --run \"GC=--gc gc\" -- --data 8gaussians --steps 2000"})
final class ExperimentCommand implements Callable<Integer> {

    /** The thesis's optimizers (SGD's learning rate: the best of a 400-step sweep on the main job, README). */
    static final Map<String, String> DEFAULT_RUNS = defaultRuns();

    private static Map<String, String> defaultRuns() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("SGD", "--optimizer sgd --lr 0.03 --momentum 0.5 --gc none");
        m.put("SGD+GC", "--optimizer sgd --lr 0.03 --momentum 0.5 --gc gc");
        m.put("Adam", "--optimizer adam --gc none");
        m.put("Adam+GC", "--optimizer adam --gc gc");
        return m;
    }

    static final String DEFAULT_SCORE_EVERY = "200";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "The experiment's folder: one run folder per configuration and seed, compare.png, "
                    + "compare-scores.png and summary.txt.")
    Path out;

    @Option(names = "--run", paramLabel = "NAME=OPTIONS",
            description = "A configuration: its name and gcgan train options, as \"SGD+GC=--optimizer sgd --gc "
                    + "gc\" (repeatable). Default: SGD, SGD+GC (sgd, lr 0.03, momentum 0.5), Adam, Adam+GC.")
    List<String> runs;

    @Option(names = "--seeds", paramLabel = "S,...", defaultValue = "0",
            description = "Seeds; every configuration is trained once per seed. Default: ${DEFAULT-VALUE}.")
    String seeds;

    @Option(names = "--overwrite", description = "Start every run again instead of resuming the run folders there.")
    boolean overwrite;

    @Parameters(paramLabel = "TRAIN-OPTION", description = "Options for every run (after --).")
    List<String> common = new ArrayList<>();

    /**
     * One training run of the experiment; {@code skip}: null, or why it does not train this time (a run folder of an
     * earlier attempt that stopped before its first checkpoint: it keeps its metrics, and compare shows them).
     */
    record Run(String label, Path dir, List<String> args, String skip) {
    }

    @Override
    public Integer call() throws Exception {
        Map<String, List<String>> configs = configurations();
        List<Long> seedList = seedList();
        Check.nonEmptyPath("--out", out);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new UsageException("--out " + out + " exists and is not a folder; give the experiment's folder");
        }
        List<Run> plan = plan(configs, seedList);
        checkBeforeTraining(plan);
        checkOutputs();
        PrintWriter w = spec.commandLine().getOut();
        PrintWriter e = spec.commandLine().getErr();
        try {
            AtomicFiles.createDirectories(out);
        } catch (java.io.IOException cannot) {
            throw AtomicFiles.naming(out, "create the experiment's folder", cannot);
        }
        int status = 0;
        for (int i = 0; i < plan.size(); i++) {
            Run r = plan.get(i);
            if (r.skip() != null) {
                e.printf(Locale.ROOT, "experiment: run %d of %d, %s skipped: %s%n", i + 1, plan.size(), r.label(),
                        r.skip());
                e.flush();
                continue;
            }
            w.printf(Locale.ROOT, "experiment: run %d of %d, %s -> %s%n", i + 1, plan.size(), r.label(), r.dir());
            w.flush();
            int s = Main.run(w, e, r.args().toArray(String[]::new));
            if (s == TrainingRun.EXIT_INTERRUPTED) { // Ctrl-C or SIGTERM: the JVM is on its way out
                w.println("experiment: stopped; run it again to continue");
                w.flush();
                return s;
            }
            if (s != 0) {
                e.println("experiment: " + r.label() + " ended with exit status " + s + "; going on with the others");
                e.flush();
                status = status == 0 ? s : status;
            }
        }
        List<String> compare = new ArrayList<>(List.of("compare"));
        List<String> labels = new ArrayList<>();
        for (Run r : plan) {
            if (Files.isRegularFile(r.dir().resolve("metrics.csv"))) {
                compare.add(r.dir().toString());
                labels.add(r.label());
            }
        }
        if (labels.isEmpty()) {
            e.println("experiment: no run wrote metrics; nothing to compare");
            e.flush();
            return status == 0 ? 1 : status;
        }
        compare.addAll(List.of("--labels", String.join(",", labels), "--smooth", "25", "--out",
                out.resolve("compare.png").toString()));
        StringWriter table = new StringWriter();
        int c = Main.run(new PrintWriter(table, true), e, compare.toArray(String[]::new));
        w.print(table);
        if (c == 0) {
            AtomicFiles.writeString(out.resolve("summary.txt"), SUMMARY_FIRST_LINE + "\n" + table);
            w.println("summary: " + out.resolve("summary.txt").toAbsolutePath().normalize());
        } else {
            e.println("experiment: compare ended with exit status " + c + "; summary.txt is not written");
            e.flush();
        }
        w.flush();
        return status != 0 ? status : c;
    }

    /**
     * The first line of summary.txt: an experiment replaces only a summary.txt that starts with it, or with compare's
     * table as earlier versions wrote it ({@link #EARLIER_SUMMARY_START}).
     */
    static final String SUMMARY_FIRST_LINE = "# gcgan experiment: the compare table of its runs";
    private static final String EARLIER_SUMMARY_START = "final metrics (means over the last ";

    /**
     * Checks, before any run trains, that the experiment's own files can be written at the end: a summary.txt there
     * must be an earlier experiment's, and compare.png and compare-scores.png PNG images (or absent).
     */
    private void checkOutputs() throws java.io.IOException {
        Path summary = out.resolve("summary.txt");
        if (Files.isDirectory(summary) || (Files.exists(summary) && !startsWithSummaryLine(summary))) {
            throw new UsageException("--out " + out + ": its summary.txt was not written by gcgan experiment and is"
                    + " not replaced (move it, or choose another --out)");
        }
        Check.pngOut("--out", out.resolve("compare.png"));
        Check.pngOut("--out", out.resolve("compare-scores.png"));
    }

    private static boolean startsWithSummaryLine(Path file) throws java.io.IOException {
        try (var lines = Files.lines(file)) {
            // empty: an earlier version wrote it when compare failed
            return lines.findFirst().map(l -> l.equals(SUMMARY_FIRST_LINE) || l.startsWith(EARLIER_SUMMARY_START))
                    .orElse(true);
        } catch (java.io.UncheckedIOException bad) { // not text
            return false;
        }
    }

    /**
     * Checks every run's train options before any run trains, so that a bad value in the last configuration is
     * reported at once, and once; a resumed run's options against its checkpoint too (an option changed since the
     * experiment began). A checkpoint that cannot be read is left to its run, which says so when its turn comes.
     */
    private void checkBeforeTraining(List<Run> plan) throws Exception {
        for (Run r : plan) {
            List<String> args = r.args().subList(1, r.args().size()); // after "train"
            if (r.skip() != null) {
                continue;
            }
            if (args.contains("--resume")) {
                try {
                    TrainCommand.checkResume(args);
                } catch (CommandLine.ParameterException | UsageException e) {
                    String hint = e instanceof RepeatedOptionException ? REPEATED_HINT
                            : " To start every run of the experiment again, give it --overwrite.";
                    throw new UsageException("run " + r.label() + ": " + e.getMessage() + hint, e);
                } catch (java.io.IOException damaged) {
                    // its run reports it, and the others train
                }
                continue;
            }
            try {
                RunFolder.checkNew(r.dir(), overwrite);
            } catch (java.io.IOException e) {
                throw new UsageException("run " + r.label() + ": " + (overwrite ? e.getMessage() : r.dir()
                        + " is not a gcgan run folder and not empty; move it away, or choose another --out"), e);
            }
            TrainCommand train = new TrainCommand();
            try {
                TrainCommand.refuseRepeatedOptions(new CommandLine(train).parseArgs(args.toArray(String[]::new)));
                train.resolve();
            } catch (CommandLine.ParameterException | UsageException e) {
                String hint = e instanceof RepeatedOptionException ? REPEATED_HINT : "";
                throw new UsageException("run " + r.label() + ": " + e.getMessage() + hint, e);
            }
        }
    }

    /** The configurations by name, each its train options (split on spaces). */
    private Map<String, List<String>> configurations() {
        Map<String, String> given = new LinkedHashMap<>();
        if (runs == null || runs.isEmpty()) {
            given.putAll(DEFAULT_RUNS);
        } else {
            for (String spec : runs) {
                int eq = spec.indexOf('=');
                if (eq <= 0) {
                    throw new UsageException("--run: '" + spec + "' is not NAME=OPTIONS (for example \"Adam+GC=--gc"
                            + " gc\")");
                }
                String name = spec.substring(0, eq).strip();
                if (name.contains(",") || given.containsKey(name)) {
                    throw new UsageException("--run: the name '" + name + "' " + (name.contains(",")
                            ? "contains a comma (names become compare's --labels)" : "is given twice"));
                }
                given.put(name, spec.substring(eq + 1).strip());
            }
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        Set<String> folders = new HashSet<>();
        for (var en : given.entrySet()) {
            if (!folders.add(folderName(en.getKey()))) {
                throw new UsageException("--run: the names give the same folder name '" + folderName(en.getKey())
                        + "'; choose names that differ in letters or digits");
            }
            List<String> opts = en.getValue().isEmpty() ? List.of() : List.of(en.getValue().split("\\s+"));
            for (String o : SET_BY_EXPERIMENT) {
                if (gives(opts, o)) {
                    throw new UsageException("--run " + en.getKey() + ": " + o + " is set by the experiment (--out,"
                            + " --seeds)");
                }
            }
            out.put(en.getKey(), opts);
        }
        for (String o : SET_BY_EXPERIMENT) {
            if (gives(common, o)) {
                throw new UsageException("experiment: " + o + " is set by the experiment (--out, --seeds)");
            }
        }
        return out;
    }

    /** Said after a run's repeated option: where the two come from. */
    private static final String REPEATED_HINT = " (a configuration's options and those after -- go to the same"
            + " train command: give an option in one of them, e.g. in each --run)";

    /** gcgan train options that the experiment sets for every run itself. */
    private static final List<String> SET_BY_EXPERIMENT = List.of("--out", "--resume", "--seed");

    /** Whether the arguments give {@code option} ("--option value" or "--option=value"). */
    static boolean gives(List<String> args, String option) {
        return args.stream().anyMatch(a -> a.equals(option) || a.startsWith(option + "="));
    }

    private List<Long> seedList() {
        List<Long> out = new ArrayList<>();
        for (String s : seeds.split(",")) {
            try {
                long v = Long.parseLong(s.strip());
                Check.range("--seeds", v, 0, Long.MAX_VALUE);
                if (out.contains(v)) {
                    throw new UsageException("--seeds: " + v + " is given twice");
                }
                out.add(v);
            } catch (NumberFormatException ex) {
                throw new UsageException("--seeds: '" + s.strip() + "' is not a whole number (seeds are comma-"
                        + "separated, e.g. 0,1,2)");
            }
        }
        return out;
    }

    /** One run per configuration and seed: its label, folder and the train command line. */
    private List<Run> plan(Map<String, List<String>> configs, List<Long> seedList) throws java.io.IOException {
        boolean scoreGiven = gives(common, "--score-every");
        List<Run> plan = new ArrayList<>();
        for (var c : configs.entrySet()) {
            for (long seed : seedList) {
                boolean several = seedList.size() > 1;
                String label = several ? c.getKey() + " s" + seed : c.getKey();
                Path dir = out.resolve(folderName(c.getKey()) + (several ? "-s" + seed : ""));
                List<String> args = new ArrayList<>(List.of("train"));
                boolean runFolder = !overwrite && Files.isDirectory(dir) && RunFolder.isRunFolder(dir);
                boolean resume = runFolder && !RunFolder.read(dir).checkpoints().steps().isEmpty();
                String skip = runFolder && !resume ? dir + " holds a run that stopped before its first checkpoint"
                        + " (nothing to resume; give --overwrite to start every run again, or remove the folder)"
                        : null;
                if (resume) {
                    args.addAll(List.of("--resume", dir.toString()));
                } else {
                    args.addAll(List.of("--out", dir.toString()));
                    if (overwrite) {
                        args.add("--overwrite");
                    }
                }
                args.addAll(List.of("--seed", Long.toString(seed)));
                if (!scoreGiven && !gives(c.getValue(), "--score-every")) {
                    args.addAll(List.of("--score-every", DEFAULT_SCORE_EVERY));
                }
                args.addAll(c.getValue());
                args.addAll(common);
                plan.add(new Run(label, dir, args, skip));
            }
        }
        return plan;
    }

    /** A configuration's folder name: lower case, runs of other characters than letters and digits as one '-'. */
    static String folderName(String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return s.isEmpty() ? "run" : s;
    }
}
