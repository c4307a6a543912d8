package io.gcgan.backend;

/**
 * The calls a backend refuses while it captures ({@link Backend#beginCapture}), and why, in one message for every
 * backend: what a replay would get wrong, and what to do instead.
 */
public enum CaptureRefusal {
    COPY_FROM_HOST("copyFromHost", "a replay would copy from the same host memory again; copy into storage allocated"
            + " before the capture, before replaying"),
    COPY_TO_HOST("copyToHost", "nothing has run yet; read after a replay"),
    RANDOM_UNIFORM("randomUniform", RandomFill.WHY),
    RANDOM_NORMAL("randomNormal", RandomFill.WHY),
    OPTIMIZER_STEP("optimizerStep", "its step counts (Adam's bias correction) would be the same in every replay; run"
            + " it between replays"),
    SYNCHRONIZE("synchronize", "nothing has run yet"),
    RELEASE_CACHED_MEMORY("releaseCachedMemory", "the recording may still allocate from the cache; release it after"
            + " endCapture");

    private final String call;
    private final String why;

    CaptureRefusal(String call, String why) {
        this.call = call;
        this.why = why;
    }

    /** Throws the refusal when {@code capturing}: "&lt;call&gt; cannot be captured on &lt;device&gt;: &lt;why&gt;". */
    public void check(boolean capturing, Backend backend) {
        if (capturing) {
            throw new IllegalStateException(call + " cannot be captured on " + backend.device() + ": " + why);
        }
    }

    private static final class RandomFill {
        static final String WHY = "its Philox offset would be the same in every replay; draw before replaying, into"
                + " storage allocated before the capture";
    }
}
