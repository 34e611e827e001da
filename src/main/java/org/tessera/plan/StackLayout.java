package org.tessera.plan;

import java.util.Locale;

/**
 * The decisions of a {@link ResourcePlan} for one stack: how rows and frames are cut.
 *
 * @param mode            WHOLE_FRAME: the whole cube is in memory at once (small stacks), split in one
 *                        band per worker; BANDS: bands of rows of all frames; FRAME_BLOCKS: bands of
 *                        rows, and frames streamed in blocks (huge N)
 * @param workers         worker threads actually used (never more than there are bands)
 * @param rowsPerBand     rows of one band
 * @param bands           number of bands
 * @param sampleFrames    frames whose band is held at once for the rejection statistics (all frames
 *                        unless FRAME_BLOCKS)
 * @param framesPerBlock  frames read at once in the combine pass (all frames unless FRAME_BLOCKS)
 * @param cubeBytes       size of the whole N×H×W×C cube (with weight planes), for the log
 * @param statsWorkers    frames measured in parallel in the statistics pass (one frame each)
 * @param frameRowBytes   bytes of one row of one frame in a band buffer
 * @param extraRowBytes   bytes per row outside the frame buffers (output, coverage, staging)
 * @param blockRowBytes   bytes per row of per-pixel bounds and sums in FRAME_BLOCKS mode
 */
public record StackLayout(Mode mode, int workers, int rowsPerBand, int bands, int sampleFrames, int framesPerBlock,
                          long cubeBytes, int statsWorkers, long frameRowBytes, long extraRowBytes,
                          long blockRowBytes) {

    public enum Mode { WHOLE_FRAME, BANDS, FRAME_BLOCKS }

    /** Frames held at once by one worker in the band pass. */
    public int framesHeld() {
        return mode == Mode.FRAME_BLOCKS ? sampleFrames + framesPerBlock : sampleFrames;
    }

    /** Heap the band pass holds at once, all workers together (the band buffers dominate). */
    public long bandPassBytes() {
        return (long) workers * rowsPerBand * (framesHeld() * frameRowBytes + extraRowBytes + blockRowBytes);
    }

    /** The same cut with fewer rows per band (a whole-frame layout becomes bands). */
    public StackLayout withRows(int rows, int height) {
        if (rows < 1) throw new IllegalArgumentException("rows must be >= 1");
        int bands = (height + rows - 1) / rows;
        return new StackLayout(mode == Mode.WHOLE_FRAME ? Mode.BANDS : mode, Math.min(workers, bands), rows, bands,
                sampleFrames, framesPerBlock, cubeBytes, statsWorkers, frameRowBytes, extraRowBytes, blockRowBytes);
    }

    public String describe() {
        String s = String.format(Locale.ROOT, "mode=%s workers=%d rows/band=%d bands=%d band-pass=%s cube=%s",
                mode.name().toLowerCase(Locale.ROOT).replace('_', '-'), workers, rowsPerBand, bands,
                ResourcePlan.mib(bandPassBytes()), ResourcePlan.mib(cubeBytes));
        if (mode == Mode.FRAME_BLOCKS)
            s += String.format(Locale.ROOT, " sample=%d frames block=%d frames", sampleFrames, framesPerBlock);
        return s;
    }
}
