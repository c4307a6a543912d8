package io.gcgan.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.gan.train.StepMetrics;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run folder's logs and files where mutation testing found no test: metrics.csv's resume checks and its rows on
 * disk as they are appended, scores.csv, metrics tables, JSON's NaN handling and fields, and atomic writes that
 * leave nothing behind when they fail.
 */
class ReportMutationGapsTest {

    @TempDir
    Path tmp;

    private static StepMetrics row(long step) {
        return new StepMetrics(step, 1, 1.5 + step, Double.NaN, Double.NaN, 0.5, 2, 3, Double.NaN, Double.NaN,
                Double.NaN, 0.25);
    }

    private Path metrics(int rows) throws IOException {
        Path csv = tmp.resolve("metrics.csv");
        try (MetricsLog log = MetricsLog.create(csv)) {
            for (int s = 0; s < rows; s++) {
                log.append(row(s));
            }
        }
        return csv;
    }

    @Test
    void eachAppendedRowIsInTheFileBeforeTheLogIsSyncedOrClosed() throws Exception {
        Path csv = tmp.resolve("metrics.csv");
        try (MetricsLog log = MetricsLog.create(csv)) {
            assertEquals(csv, log.file());
            log.append(row(0));
            assertEquals(List.of(StepMetrics.csvHeader(), row(0).csvRow()), Files.readAllLines(csv), "tail -f");
            log.append(row(1));
            log.sync();
            assertEquals(3, Files.readAllLines(csv).size());
        }
    }

    @Test
    void aClosedLogReleasesItsFile() throws Exception {
        Path csv = tmp.resolve("metrics.csv");
        MetricsLog log = MetricsLog.create(csv);
        log.append(row(0));
        log.close();
        assertThrows(IOException.class, () -> log.append(row(1)), "closed: the file is no longer held open");
        assertEquals(2, Files.readAllLines(csv).size());
    }

    @Test
    void resumingPastTheLastCompleteRowIsRefusedSayingWhichRowsThereAre() throws Exception {
        Path csv = metrics(6);
        IOException e = assertThrows(IOException.class, () -> MetricsLog.openForResume(csv, 7));
        assertEquals(csv + " has rows for steps 0..5 only; the checkpoint is at step 7", e.getMessage());
        // A row cut short (fewer fields) or damaged (no step) ends the rows that count.
        Files.writeString(csv, "6,1,9.5\n", java.nio.file.StandardOpenOption.APPEND);
        e = assertThrows(IOException.class, () -> MetricsLog.openForResume(csv, 7));
        assertTrue(e.getMessage().contains("steps 0..5 only"), e.getMessage());
        Files.writeString(csv, String.join("\n", Files.readAllLines(csv).subList(0, 7)) + "\n"
                + row(6).csvRow().replaceFirst("^6", "six") + "\n");
        e = assertThrows(IOException.class, () -> MetricsLog.openForResume(csv, 7));
        assertTrue(e.getMessage().contains("steps 0..5 only"), e.getMessage());
        try (MetricsLog log = MetricsLog.openForResume(csv, 6)) {
            log.append(row(6));
        }
        assertEquals(8, Files.readAllLines(csv).size());
        assertEquals(-1, MetricsLog.stepOf("6,1,9.5"));
        assertEquals(-1, MetricsLog.stepOf(row(6).csvRow().replaceFirst("^6", "x")));
        assertEquals(6, MetricsLog.stepOf(row(6).csvRow()));
    }

    @Test
    void resumeNeedsTheFileAndGcgansHeader() throws Exception {
        Path csv = tmp.resolve("metrics.csv");
        IOException e = assertThrows(IOException.class, () -> MetricsLog.openForResume(csv, 0));
        assertEquals(csv + " is missing: cannot resume a run without its metrics", e.getMessage());
        Files.writeString(csv, "step,loss\n0,1\n");
        e = assertThrows(IOException.class, () -> MetricsLog.openForResume(csv, 0));
        assertTrue(e.getMessage().startsWith(csv + ": the header is not gcgan's metrics header"), e.getMessage());
        Files.writeString(csv, "");
        assertThrows(IOException.class, () -> MetricsLog.openForResume(csv, 0));
    }

    @Test
    void metricsTableColumnsSumsAndANumberThatIsNotOne() throws Exception {
        Path csv = metrics(3);
        MetricsTable t = MetricsTable.read(csv);
        assertEquals(csv, t.source());
        assertEquals(List.of(StepMetrics.csvHeader().split(",")), t.columns());
        assertTrue(t.has("g_grad_norm"));
        assertFalse(t.has("nope"));
        assertEquals(1.5 + 2.5 + 3.5, t.sum("d_loss"));
        assertEquals(0.0, t.sum("penalty"), "NaN fields are left out");
        assertTrue(Double.isNaN(t.tailMean("penalty", 2)));
        assertEquals(3.5, t.tailMean("d_loss", 0), "a window of at least one row");
        Files.writeString(csv, "a,b\n1,2\n3,x\n");
        IOException e = assertThrows(IOException.class, () -> MetricsTable.read(csv));
        assertTrue(e.getMessage().startsWith(csv + " line 3: not a number"), e.getMessage());
        Files.writeString(csv, "");
        e = assertThrows(IOException.class, () -> MetricsTable.read(csv));
        assertEquals(csv + " is empty: expected a header line of metrics columns", e.getMessage());
    }

    @Test
    void scoresAreAppendedAsRowsWithEmptyFieldsForNonFiniteValues() throws Exception {
        Path csv = tmp.resolve("scores.csv");
        List<String> cols = List.of("fid", "modes");
        ScoresLog.append(csv, cols, 100, new double[] {12.5, 7});
        ScoresLog.append(csv, cols, 200, new double[] {Double.NaN, Double.POSITIVE_INFINITY});
        assertEquals(List.of("step,fid,modes", "100,12.5000000,7.00000000", "200,,"), Files.readAllLines(csv));
        MetricsTable t = MetricsTable.read(csv);
        assertArrayEquals(new double[] {100, 200}, t.column("step"));
        assertEquals(12.5, t.column("fid")[0]);
        assertTrue(Double.isNaN(t.column("modes")[1]));

        IOException e = assertThrows(IOException.class,
                () -> ScoresLog.append(csv, List.of("fid"), 300, new double[] {1}));
        assertEquals(csv + ": the header is not step,fid", e.getMessage());
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> ScoresLog.append(csv, cols, 300, new double[] {1}));
        assertEquals("ScoresLog: 1 values for 2 columns [fid, modes]", wrong.getMessage());
        Files.writeString(csv, "");
        assertThrows(IOException.class, () -> ScoresLog.append(csv, cols, 300, new double[] {1, 2}));
    }

    @Test
    void droppingScoresAfterAStepKeepsThatStepAndStopsAtADamagedRow() throws Exception {
        Path csv = tmp.resolve("scores.csv");
        ScoresLog.dropAfter(csv, 5); // no file: nothing to do
        assertFalse(Files.exists(csv));
        Files.writeString(csv, "");
        ScoresLog.dropAfter(csv, 5);
        assertEquals("", Files.readString(csv));
        Files.writeString(csv, "step,fid\n100,1\n200,2\n300,3\n");
        ScoresLog.dropAfter(csv, 200);
        assertEquals("step,fid\n100,1\n200,2\n", Files.readString(csv));
        ScoresLog.dropAfter(csv, 199);
        assertEquals("step,fid\n100,1\n", Files.readString(csv));
        Files.writeString(csv, "step\n100\n2x0\n300\n");
        ScoresLog.dropAfter(csv, 1000);
        assertEquals("step\n100\n", Files.readString(csv), "a row with only a step; rows after a damaged one go");
    }

    @Test
    void runChartsAreWrittenForTheMetricsAndForScoresOnlyOnceThereAreSome() throws Exception {
        Path dir = tmp.resolve("run");
        RunFolder run = RunFolder.create(dir, false);
        try {
            try (MetricsLog log = MetricsLog.create(run.metrics())) {
                for (int s = 0; s < 4; s++) {
                    log.append(row(s));
                }
            }
            Files.writeString(run.scores(), "step,high_quality_fraction,modes_covered,modes\n");
            RunPlots.writeRunCharts(run, "run");
            assertTrue(Files.size(run.lossPlot()) > 0 && Files.size(run.gradNormPlot()) > 0);
            assertFalse(Files.exists(run.scoresPlot()), "no scores yet: no scores.png");
            for (String scores : List.of("step,high_quality_fraction,modes_covered,modes\n10,0.5,6,8\n20,0.7,8,8\n",
                    "step,frechet_distance\n10,40\n20,30\n", "step,swd_mean,swd_16,swd_32\n10,5,4,6\n20,3,2,4\n")) {
                Files.deleteIfExists(run.scoresPlot());
                Files.writeString(run.scores(), scores);
                RunPlots.writeRunCharts(run, "run");
                assertTrue(Files.size(run.scoresPlot()) > 0, scores);
            }
            MetricsTable t = MetricsTable.read(run.metrics());
            var image = RunPlots.compare(List.of("a", "b"), List.of(t, t), List.of("d_loss", "g_loss"), 2, "c",
                    false);
            assertEquals(RunPlots.WIDTH + 100, image.getWidth());
            assertEquals(RunPlots.HEIGHT + 100, image.getHeight());
        } finally {
            run.release();
        }
    }

    /** Colour samples keep their channels, per image; one image, no padding and scale 1 are a plain picture. */
    @Test
    void colourImagesKeepTheirChannelsAndASingleUnscaledImageIsThePictureItself() {
        // Two RGB 1x2 images [2, 3, 1, 2]: image 0 red then green; image 1 blue then white.
        float[] v = {1, -1, -1, 1, -1, -1, -1, 1, -1, 1, 1, 1};
        java.awt.image.BufferedImage img = ImageGrid.of(io.gcgan.tensor.Tensor.of(v, 2, 3, 1, 2), 2, 0, 1);
        assertEquals(4, img.getWidth());
        assertEquals(1, img.getHeight());
        assertEquals(List.of(0xff0000, 0x00ff00, 0x0000ff, 0xffffff), List.of(img.getRGB(0, 0) & 0xffffff,
                img.getRGB(1, 0) & 0xffffff, img.getRGB(2, 0) & 0xffffff, img.getRGB(3, 0) & 0xffffff));
        java.awt.image.BufferedImage one = ImageGrid.of(io.gcgan.tensor.Tensor.of(new float[] {-1, 1}, 1, 1, 1, 2),
                1, 0, 1);
        assertEquals(2, one.getWidth());
        assertEquals(1, one.getHeight());
        assertEquals(0xffffff, one.getRGB(1, 0) & 0xffffff);
        assertEquals(2 + 2 * 2, ImageGrid.of(io.gcgan.tensor.Tensor.of(new float[] {-1, 1}, 1, 1, 1, 2), 1)
                .getWidth(), "one image: one column, padding 2 on both sides");
    }

    @Test
    void samplePicturesAreWrittenEnlargedWhenSmall() throws Exception {
        assertEquals(2, Samples.scaleFor(io.gcgan.tensor.Tensor.zeros(1, 1, 28, 28)));
        assertEquals(4, Samples.scaleFor(io.gcgan.tensor.Tensor.zeros(1, 1, 16, 16)));
        assertEquals(1, Samples.scaleFor(io.gcgan.tensor.Tensor.zeros(1, 3, 64, 64)));
        Path png = tmp.resolve("samples.png");
        Samples.writeImages(io.gcgan.tensor.Tensor.zeros(4, 1, 28, 28), png);
        java.awt.image.BufferedImage read = javax.imageio.ImageIO.read(png.toFile());
        assertEquals(2 * (28 * 2 + 2) + 2, read.getWidth(), "2 columns of 28 x 2 pixels, padding 2");
        Path points = tmp.resolve("points.png");
        Samples.writePoints(io.gcgan.tensor.Tensor.zeros(10, 2), io.gcgan.data.GaussianMixture.eightOnRing(),
                new io.gcgan.random.Generator(1), "step 0", points);
        assertEquals(600, javax.imageio.ImageIO.read(points.toFile()).getWidth());
    }

    /** Pixels of {@code image} within a small distance of {@code c} (antialiased lines blend into white). */
    private static int pixelsNear(java.awt.image.BufferedImage image, java.awt.Color c) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                int dr = ((rgb >> 16) & 0xff) - c.getRed();
                int dg = ((rgb >> 8) & 0xff) - c.getGreen();
                int db = (rgb & 0xff) - c.getBlue();
                n += dr * dr + dg * dg + db * db < 30 * 30 ? 1 : 0;
            }
        }
        return n;
    }

    /** Every run and column of a comparison, and every level of a sliced Wasserstein score, is drawn. */
    @Test
    void comparisonsAndScoreChartsDrawALinePerRunColumnAndLevel() throws Exception {
        MetricsTable t = MetricsTable.read(metrics(5));
        var compare = RunPlots.compare(List.of("a", "b"), List.of(t, t), List.of("d_loss", "g_loss"), 1, "c", false);
        assertTrue(pixelsNear(compare, Charts.color(0)) > 20, "run a");
        assertTrue(pixelsNear(compare, Charts.color(1)) > 20, "run b");
        Path csv = tmp.resolve("scores.csv");
        Files.writeString(csv, "step,swd_mean,swd_16,swd_32\n10,5,4,6\n20,3,2,4\n30,2,1,3\n");
        var swd = RunPlots.scores(MetricsTable.read(csv), "s");
        for (int k = 0; k < 3; k++) {
            assertTrue(pixelsNear(swd, Charts.color(k)) > 20, "line " + k);
        }
        assertEquals(0, pixelsNear(swd, Charts.color(3)), "three lines only");
    }

    /** The points each line of a chart holds: its finite points (positive ones on a log axis), under its name. */
    @Test
    void aLineChartPlotsTheFinitePointsOfEveryLineInItsColour() {
        double[] x = {0, 1, 2, 3, 4, Double.NaN};
        double[] y = {1, Double.NaN, -2, 0, 3, 5};
        java.awt.Color red = java.awt.Color.RED;
        for (boolean logY : new boolean[] {false, true}) {
            var plot = Charts.linePlot("x", "y", List.of(new Charts.Line("a", x, y, red, false),
                    new Charts.Line("a", x, y, null, true)), logY);
            var data = (org.jfree.data.xy.XYSeriesCollection) plot.getDataset();
            assertEquals(List.of("a", "a (1)"), List.of(data.getSeriesKey(0), data.getSeriesKey(1)));
            var points = data.getSeries(1);
            List<Double> ys = new java.util.ArrayList<>();
            for (int i = 0; i < points.getItemCount(); i++) {
                ys.add(points.getY(i).doubleValue());
            }
            assertEquals(logY ? List.of(1.0, 3.0) : List.of(1.0, -2.0, 0.0, 3.0), ys, "log axis " + logY);
            var renderer = (org.jfree.chart.renderer.xy.XYLineAndShapeRenderer) plot.getRenderer();
            assertEquals(red, renderer.getSeriesPaint(0));
            assertEquals(Charts.color(1), renderer.getSeriesPaint(1), "no colour given: the palette's");
            assertNull(((java.awt.BasicStroke) renderer.getSeriesStroke(0)).getDashArray());
            assertTrue(((java.awt.BasicStroke) renderer.getSeriesStroke(1)).getDashArray() != null, "dashed");
        }
    }

    @Test
    void jsonWritesNonFiniteNumbersAsNullAtAnyDepth() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("d", Double.NaN);
        m.put("f", Float.POSITIVE_INFINITY);
        m.put("ok", 1.5f);
        m.put("nested", Map.of("x", Double.NEGATIVE_INFINITY));
        m.put("list", List.of(1.0, Double.NaN));
        m.put("array", new double[] {2.0, Double.NaN});
        Map<String, Object> back = Json.parseObject(Json.write(m), "test");
        assertNull(back.get("d"));
        assertTrue(back.containsKey("d"));
        assertNull(back.get("f"));
        assertEquals(1.5, back.get("ok"));
        assertEquals(java.util.Collections.singletonMap("x", null), back.get("nested"));
        assertEquals(java.util.Arrays.asList(1.0, null), back.get("list"));
        assertEquals(java.util.Arrays.asList(2.0, null), back.get("array"));
        assertTrue(Json.write(m).endsWith("}\n"));
    }

    @Test
    void jsonFieldsOfTheWrongKindAreNamed() throws Exception {
        Map<String, Object> m = Json.parseObject("{\"n\": 3, \"half\": 1.5, \"s\": \"x\", \"o\": {\"k\": 1}}", "src");
        assertEquals(3, Json.longField(m, "n", "src"));
        assertEquals("x", Json.stringField(m, "s", "src"));
        assertEquals(Map.of("k", 1L), Json.objectField(m, "o", "src"));
        IOException e = assertThrows(IOException.class, () -> Json.longField(m, "half", "src"));
        assertEquals("src: field 'half' must be an integer, found 1.5", e.getMessage());
        e = assertThrows(IOException.class, () -> Json.stringField(m, "n", "src"));
        assertEquals("src: field 'n' must be a string, found 3", e.getMessage());
        e = assertThrows(IOException.class, () -> Json.objectField(m, "s", "src"));
        assertEquals("src: field 's' must be an object, found x", e.getMessage());
        e = assertThrows(IOException.class, () -> Json.parseObject("null", "src"));
        assertEquals("src: expected a JSON object, found null", e.getMessage());
        e = assertThrows(IOException.class, () -> Json.parseObject("{\"a\": ", "src"));
        assertTrue(e.getMessage().startsWith("src: not a valid JSON object: "), e.getMessage());
    }

    @Test
    void anAtomicWriteMakesMissingFoldersAndNamesAFileWhereAFolderIsNeeded() throws Exception {
        Path deep = tmp.resolve("a").resolve("b").resolve("config.json");
        AtomicFiles.writeString(deep, "{}");
        assertEquals("{}", Files.readString(deep));
        Path notes = Files.writeString(tmp.resolve("notes.txt"), "mine");
        Path under = notes.resolve("run").resolve("config.json");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(under, "{}"));
        assertEquals("cannot write " + under + ": not a folder: " + notes, e.getMessage());
        NotDirectoryException direct = assertThrows(NotDirectoryException.class,
                () -> AtomicFiles.createDirectories(notes.resolve("x")));
        assertEquals(notes.toString(), direct.getFile());
        assertEquals("mine", Files.readString(notes));
    }

    @Test
    void aFailedAtomicWriteLeavesTheTargetAndNoTemporaryFile() throws Exception {
        Path target = Files.createDirectories(tmp.resolve("metrics.csv")); // a folder where the file goes
        Files.writeString(target.resolve("keep"), "x");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(target, "step\n"));
        assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
        assertEquals(List.of("metrics.csv"), names(tmp));
        assertThrows(NullPointerException.class, () -> AtomicFiles.write(tmp.resolve("x.bin"), null));
        assertEquals(List.of("metrics.csv"), names(tmp), "no temporary file after an unchecked error either");
    }

    private static List<String> names(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void temporaryNamesAreRandomHex() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 64; i++) {
            String s = AtomicFiles.randomSuffix();
            assertTrue(s.matches("[0-9a-f]{1,16}"), s);
            seen.add(s);
        }
        assertTrue(seen.size() >= 60, "suffixes repeat: " + seen);
    }

    @Test
    void fileErrorsAreDescribedInWordsWithBothFilesAndTheReason() {
        assertEquals("no such file or folder: /a", AtomicFiles.describe(new NoSuchFileException("/a")));
        assertEquals("permission denied: /a (denied)",
                AtomicFiles.describe(new AccessDeniedException("/a", null, "denied")));
        assertEquals("already exists: /a -> /b", AtomicFiles.describe(new FileAlreadyExistsException("/a", "/b",
                null)));
        assertEquals("not a folder: /a", AtomicFiles.describe(new NotDirectoryException("/a")));
        assertEquals("folder not empty: /a", AtomicFiles.describe(new DirectoryNotEmptyException("/a")));
        assertEquals("file system error: /a (Is a directory)",
                AtomicFiles.describe(new FileSystemException("/a", null, "Is a directory")));
        Path file = tmp.resolve("f");
        IOException other = AtomicFiles.naming(file, "write", new AccessDeniedException(tmp.toString()));
        assertEquals("cannot write " + file + ": permission denied: " + tmp, other.getMessage());
    }

    @Test
    void aFolderIsMovedWholeAndDeletedWithEverythingInIt() throws Exception {
        Path src = Files.createDirectories(tmp.resolve(".tmp-x").resolve("sub"));
        Files.writeString(src.resolve("f"), "1");
        Path target = tmp.resolve("step-000001");
        AtomicFiles.moveDirectory(src.getParent(), target);
        assertEquals("1", Files.readString(target.resolve("sub").resolve("f")));
        assertFalse(Files.exists(src.getParent()));
        AtomicFiles.deleteRecursively(target);
        assertFalse(Files.exists(target));
        AtomicFiles.deleteRecursively(target); // absent: no error
    }

    /** A 2-D run's scores chart plots modes_covered / modes per row, the share of the mixture's modes covered. */
    @Test
    void modesCoveredShareIsCoveredOverModesPerRow() throws IOException {
        Path csv = tmp.resolve("scores.csv");
        Files.writeString(csv, "step,high_quality_fraction,modes_covered,modes\n10,0.5,6,8\n20,0.7,25,25\n"
                + "30,0.1,0,25\n");
        assertArrayEquals(new double[] {0.75, 1.0, 0.0}, RunPlots.modesCoveredShare(MetricsTable.read(csv)), 0.0);
    }
}
