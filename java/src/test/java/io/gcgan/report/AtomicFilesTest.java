package io.gcgan.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path tmp;

    @Test
    void aReaderNeverSeesAPartlyWrittenFile() throws Exception {
        Path file = tmp.resolve("state.bin");
        int size = 4 << 20;
        byte[] first = new byte[size];
        AtomicFiles.write(file, first);
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                try {
                    byte[] b = Files.readAllBytes(file);
                    byte v = b[0];
                    if (b.length != size) {
                        failure.set("length " + b.length);
                    }
                    for (byte x : b) {
                        if (x != v) {
                            failure.set("mixed contents " + v + " and " + x);
                            return;
                        }
                    }
                } catch (Exception e) {
                    failure.set(e.toString());
                    return;
                }
            }
        });
        reader.start();
        for (int i = 1; i <= 40; i++) {
            byte[] b = new byte[size];
            Arrays.fill(b, (byte) i);
            AtomicFiles.write(file, b);
        }
        done.set(true);
        reader.join();
        assertEquals(null, failure.get());
        assertEquals(40, Files.readAllBytes(file)[size - 1]);
        try (var s = Files.list(tmp)) {
            assertTrue(s.allMatch(p -> p.equals(file)), "no temporary files remain");
        }
    }
}
