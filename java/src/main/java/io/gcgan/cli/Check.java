package io.gcgan.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Validation of option values with messages that name the option, the value and what is allowed. */
final class Check {

    private Check() {
    }

    /**
     * {@code path} unless it is empty: an empty {@code --out} would otherwise mean the current folder, which a run or
     * an experiment would fill (or, with --overwrite, empty).
     */
    static Path nonEmptyPath(String option, Path path) {
        if (path != null && path.toString().isBlank()) {
            throw new UsageException(option + ": an empty path; give a folder name");
        }
        return path;
    }

    /**
     * An image file to write: its name ends in .png (the image is PNG), and it is not a folder, nor a file that is not
     * a PNG image (a run's config.json or metrics.csv given by mistake would be lost).
     */
    static void pngOut(String option, Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        if (!name.toLowerCase(Locale.ROOT).endsWith(".png") || name.length() == 4) {
            throw new UsageException(option + " '" + file + "': the image is written as PNG; give a file name ending in"
                    + " .png");
        }
        if (Files.isDirectory(file)) {
            throw new UsageException(option + " " + file + " is a folder; give a .png file name");
        }
        if (Files.exists(file) && !isPng(file)) {
            throw new UsageException(option + " " + file + " exists and is not a PNG image; it is not replaced"
                    + " (remove it, or choose another name)");
        }
    }

    private static boolean isPng(Path file) {
        byte[] magic = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(magic.length), magic);
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code value} (ignoring case and surrounding spaces) if it is one of {@code valid}, else a usage error. */
    static String oneOf(String option, String value, List<String> valid) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        if (valid.contains(v)) {
            return v;
        }
        throw new UsageException(option + ": unknown value '" + value + "'; valid values: " + String.join(", ", valid));
    }

    /** {@code value} if it lies in the interval, else a usage error giving the value and the interval. */
    static double range(String option, double value, double lo, boolean loInclusive, double hi, boolean hiInclusive) {
        boolean ok = !Double.isNaN(value) && (loInclusive ? value >= lo : value > lo)
                && (hiInclusive ? value <= hi : value < hi);
        if (!ok) {
            throw new UsageException(option + " = " + fmt(value) + " is out of range " + (loInclusive ? "[" : "(")
                    + fmt(lo) + ", " + fmt(hi) + (hiInclusive ? "]" : ")"));
        }
        return value;
    }

    /** An integer in [lo, hi]. */
    static long range(String option, long value, long lo, long hi) {
        if (value < lo || value > hi) {
            throw new UsageException(option + " = " + value + " is out of range [" + lo + ", " + hi + "]");
        }
        return value;
    }

    static int range(String option, int value, int lo, int hi) {
        return (int) range(option, (long) value, lo, (long) hi);
    }

    /** "a,b" or "a,b,c": exactly {@code n} comma-separated numbers. */
    static double[] numbers(String option, String text, int n) {
        String[] parts = text.split(",", -1);
        if (parts.length != n) {
            throw new UsageException(option + ": expected " + n + " comma-separated numbers, got '" + text + "'");
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            try {
                out[i] = Double.parseDouble(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new UsageException(option + ": '" + parts[i].strip() + "' in '" + text + "' is not a number");
            }
        }
        return out;
    }

    static String fmt(double v) {
        if (v == Double.POSITIVE_INFINITY) {
            return "inf";
        }
        if (v == Double.NEGATIVE_INFINITY) {
            return "-inf";
        }
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        double a = Math.abs(v);
        if (a >= 1e15 || a < 1e-6) {
            return Double.toString(v).replace("E", "e"); // 1.0e308, not 309 digits
        }
        // The shortest decimal that reads back as v, without an exponent: 2e-4 prints as 0.0002.
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
