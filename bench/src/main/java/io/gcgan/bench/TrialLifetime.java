package io.gcgan.bench;

import io.gcgan.backend.Lifetime;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;

/** A lifetime owned by one benchmark trial: a shared arena, closed (with any registered releases) in @TearDown. */
final class TrialLifetime implements Lifetime, AutoCloseable {

    private final Arena arena = Arena.ofShared();
    private final List<Runnable> releases = new ArrayList<>();

    @Override
    public Arena arena() {
        return arena;
    }

    @Override
    public void onClose(Runnable release) {
        releases.add(release);
    }

    @Override
    public boolean scoped() {
        return true;
    }

    @Override
    public void close() {
        for (int i = releases.size() - 1; i >= 0; i--) {
            releases.get(i).run();
        }
        releases.clear();
        arena.close();
    }
}
