package io.gcgan.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * The IDX format of the MNIST files (LeCun et al.), plain or gzipped.
 *
 * <pre>
 *   bytes 0-1   0x00 0x00
 *   byte  2     data type: 0x08 unsigned byte, 0x09 signed byte, 0x0B int16, 0x0C int32, 0x0D float32,
 *               0x0E float64 (all big-endian)
 *   byte  3     number of dimensions d (>= 1)
 *   then        d sizes, unsigned 32-bit big-endian; dims[0] is the item count
 *   then        prod(sizes) elements, row-major; nothing after them
 * </pre>
 *
 * MNIST's images are {@code 0x00000803} ([N, 28, 28] unsigned bytes), its labels {@code 0x00000801} ([N]).
 * gcgan reads unsigned-byte files only and names any other type in its refusal. A gzipped file is recognized
 * by its first two bytes (1f 8b), whatever its name.
 *
 * <p>Every problem throws a {@link DataFileException} naming the file: a bad magic number, an unsupported
 * type, a truncated header, data shorter or longer than the header describes (with both byte counts),
 * corrupt gzip data, or a folder where the file should be.
 */
public final class Idx {

    /** The largest data size read into one Java array. */
    public static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 8;

    static final int TYPE_UNSIGNED_BYTE = 0x08;

    private Idx() {
    }

    /** Reads an unsigned-byte IDX file, gzipped or not. */
    public static IdxArray read(Path file) throws IOException {
        if (Files.isDirectory(file)) { // else the read fails with "Is a directory", naming nothing
            throw new DataFileException(file.toString(), "is a folder, not an IDX file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /**
     * Reads an unsigned-byte IDX stream, gzipped or not, to its end; {@code name} (a path or resource name)
     * is what the error messages call it. Does not close the stream.
     */
    public static IdxArray read(InputStream in, String name) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        buffered.mark(2);
        int first = buffered.read();
        int second = buffered.read();
        buffered.reset();
        boolean gzip = first == 0x1f && second == 0x8b;
        Reader r;
        try {
            r = new Reader(gzip ? new GZIPInputStream(buffered, 1 << 16) : buffered, name, gzip);
        } catch (EOFException | ZipException e) {
            throw new DataFileException(name, "truncated or corrupt gzip header (" + describe(e) + ")", e);
        }
        return r.read();
    }

    /** Writes {@code array} as an unsigned-byte IDX file, gzipped when asked (whatever the file's name). */
    public static void write(Path file, IdxArray array, boolean gzip) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            if (gzip) {
                try (GZIPOutputStream z = new GZIPOutputStream(out, 1 << 16)) {
                    z.write(encode(array));
                }
            } else {
                out.write(encode(array));
            }
        }
    }

    /** The bytes of an unsigned-byte IDX file (uncompressed) holding {@code array}. */
    public static byte[] encode(IdxArray array) {
        int[] dims = array.dims();
        int header = 4 + 4 * dims.length;
        byte[] out = new byte[Math.toIntExact(header + (long) array.data().length)];
        out[2] = TYPE_UNSIGNED_BYTE;
        out[3] = (byte) dims.length;
        for (int i = 0; i < dims.length; i++) {
            putInt(out, 4 + 4 * i, dims[i]);
        }
        System.arraycopy(array.data(), 0, out, header, array.data().length);
        return out;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static String describe(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** The name of an IDX data type byte, or null for a byte that is none. */
    static String typeName(int type) {
        return switch (type) {
            case 0x08 -> "unsigned byte";
            case 0x09 -> "signed byte";
            case 0x0B -> "short (int16)";
            case 0x0C -> "int (int32)";
            case 0x0D -> "float (float32)";
            case 0x0E -> "double (float64)";
            default -> null;
        };
    }

    /** One pass over the (decompressed) stream, counting bytes so that messages can give sizes. */
    private static final class Reader {
        private final InputStream in;
        private final String name;
        private final boolean gzip;
        private long consumed;
        private long expected = -1; // total bytes the header describes, once known

        Reader(InputStream in, String name, boolean gzip) {
            this.in = in;
            this.name = name;
            this.gzip = gzip;
        }

        IdxArray read() throws IOException {
            byte[] magic = readUpTo(4);
            if (magic.length == 0) {
                throw new DataFileException(name, "no IDX magic number: " + what() + " is empty");
            }
            if (magic.length < 4) {
                throw new DataFileException(name, "truncated IDX header: " + what() + " has " + consumed
                        + " bytes, the magic number alone needs 4");
            }
            int magicValue = ((magic[0] & 0xFF) << 24) | ((magic[1] & 0xFF) << 16) | ((magic[2] & 0xFF) << 8)
                    | (magic[3] & 0xFF);
            if (magic[0] != 0 || magic[1] != 0) {
                throw new DataFileException(name, String.format("not an IDX file: magic number 0x%08X; an IDX"
                        + " file starts with two zero bytes, a data type byte (0x08 for unsigned byte) and the"
                        + " number of dimensions (MNIST images: 0x00000803, labels: 0x00000801)", magicValue));
            }
            int type = magic[2] & 0xFF;
            if (type != TYPE_UNSIGNED_BYTE) {
                String typeName = typeName(type);
                throw new DataFileException(name, typeName == null
                        ? String.format("magic number 0x%08X has data type byte 0x%02X, which is not an IDX"
                                + " type (0x08 unsigned byte, 0x09 signed byte, 0x0B short, 0x0C int, 0x0D"
                                + " float, 0x0E double)", magicValue, type)
                        : String.format("magic number 0x%08X: IDX data type 0x%02X (%s) is not supported;"
                                + " gcgan reads unsigned byte (0x08) IDX files", magicValue, type, typeName));
            }
            int rank = magic[3] & 0xFF;
            if (rank == 0) {
                throw new DataFileException(name, String.format("magic number 0x%08X declares 0 dimensions",
                        magicValue));
            }
            long headerBytes = 4L + 4L * rank;
            byte[] dimBytes = readUpTo(4 * rank);
            if (dimBytes.length < 4 * rank) {
                throw new DataFileException(name, "truncated IDX header: " + rank + " dimensions need "
                        + headerBytes + " header bytes, " + what() + " has " + consumed);
            }
            long[] sizes = new long[rank];
            long numel = 1;
            for (int i = 0; i < rank; i++) {
                sizes[i] = ((dimBytes[4 * i] & 0xFFL) << 24) | ((dimBytes[4 * i + 1] & 0xFFL) << 16)
                        | ((dimBytes[4 * i + 2] & 0xFFL) << 8) | (dimBytes[4 * i + 3] & 0xFFL);
                numel *= sizes[i]; // sizes < 2^32 and numel <= MAX_DATA_BYTES before this: no overflow
                if (numel > MAX_DATA_BYTES) {
                    throw new DataFileException(name, "the header's dims " + Arrays.toString(sizes)
                            + " describe more than " + MAX_DATA_BYTES + " bytes of data, more than gcgan"
                            + " reads into memory (a corrupt header?)");
                }
            }
            int[] dims = new int[rank];
            for (int i = 0; i < rank; i++) {
                dims[i] = (int) sizes[i]; // each size <= numel <= MAX_DATA_BYTES
            }
            expected = headerBytes + numel;
            byte[] data = readUpTo((int) numel);
            if (data.length < numel) {
                throw new DataFileException(name, "truncated: the header describes dims " + Arrays.toString(dims)
                        + " of unsigned byte, " + expected + " bytes in all (" + headerBytes + " header + " + numel
                        + " data), but " + what() + " has " + consumed + " bytes");
            }
            long extra = skipRest();
            if (extra > 0) {
                throw new DataFileException(name, "longer than its header describes: dims "
                        + Arrays.toString(dims) + " of unsigned byte make " + expected + " bytes in all ("
                        + headerBytes + " header + " + numel + " data), but " + what() + " has "
                        + (expected + extra) + " bytes (" + extra + " extra)");
            }
            return new IdxArray(dims, data);
        }

        private String what() {
            return gzip ? "the gzip data (decompressed)" : "the file";
        }

        /**
         * Up to n bytes; fewer only at the end of the stream. The buffer grows as data arrives, so a corrupt
         * header that claims gigabytes fails on the short data, not on the allocation.
         */
        private byte[] readUpTo(int n) throws IOException {
            byte[] b = new byte[Math.min(n, 1 << 24)];
            int filled = 0;
            try {
                while (filled < n) {
                    if (filled == b.length) {
                        b = Arrays.copyOf(b, (int) Math.min(n, 2L * b.length));
                    }
                    int got = in.read(b, filled, Math.min(b.length - filled, 1 << 20));
                    if (got < 0) {
                        return Arrays.copyOf(b, filled);
                    }
                    filled += got;
                    consumed += got;
                }
                return b;
            } catch (EOFException e) {
                throw truncatedGzip(e);
            } catch (ZipException e) {
                throw corruptGzip(e);
            }
        }

        private long skipRest() throws IOException {
            byte[] buffer = new byte[1 << 16];
            long total = 0;
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    total += n;
                    consumed += n;
                }
            } catch (EOFException e) {
                throw truncatedGzip(e);
            } catch (ZipException e) {
                throw corruptGzip(e);
            }
            return total;
        }

        private DataFileException truncatedGzip(EOFException e) {
            return new DataFileException(name, "truncated gzip data: the stream ends after " + consumed
                    + " decompressed bytes" + ofExpected() + " (" + describe(e) + ")", e);
        }

        private DataFileException corruptGzip(ZipException e) {
            return new DataFileException(name, "corrupt gzip data after " + consumed + " decompressed bytes"
                    + ofExpected() + ": " + describe(e), e);
        }

        private String ofExpected() {
            return expected < 0 ? "" : " of the " + expected + " that the IDX header describes";
        }
    }
}
