package io.gcgan.backend;

import java.util.Collection;

/**
 * The order every backend's captured calls keep, with one message each (CUDA graphs need it; the CPU keeps it too, so
 * that code that runs on the CPU runs on a GPU): no replay or close while another capture records (its calls would be
 * recorded there), and no replay before the captures whose memory the recorded calls use have made it.
 */
public final class CaptureOrder {

    private CaptureOrder() {
    }

    /** Refuses {@code what} of {@code self} while {@code recording} (null: none) is another capture recording. */
    public static void refuseWhileAnotherRecords(String what, CapturedCalls self, CapturedCalls recording,
                                                 Object device) {
        if (recording != null && recording != self) {
            throw new IllegalStateException(what + ": another capture is recording on " + device + "; end it first");
        }
    }

    /**
     * Refuses a replay whose recorded calls use storage that one of {@code makers} makes (graph memory), while that
     * capture has not been replayed yet or is closed.
     */
    public static void refuseUnmadeInputs(Collection<? extends CapturedCalls> makers) {
        for (CapturedCalls c : makers) {
            if (c.isClosed() || c.replays() == 0) {
                throw new IllegalStateException("replay: the recorded calls use storage that another capture makes,"
                        + " and that capture " + (c.isClosed() ? "is closed" : "has not been replayed yet (replay it"
                        + " first)"));
            }
        }
    }
}
