package org.tessera.grid;

import java.io.IOException;
import java.util.Map;

import org.tessera.io.Frame;
import org.tessera.io.MountMode;
import org.tessera.image.RowSource;
import org.tessera.reproject.Kernel;
import org.tessera.reproject.ShiftedSource;
import org.tessera.wcs.Wcs;
import org.tessera.wcs.WcsGrid;

/**
 * A frame seen on a tile's grid (bilinear, or read straight through when it lies a whole number of
 * pixels off it; NaN outside its footprint) that keeps the frame's name,
 * mount, exposure and keys, so that the stack core's logs and drops name the file. Its footprint
 * ({@link RowSource#footprintPixels()}) is the whole tile: Grid mode judges the piece of a frame
 * on a tile against the tile (docs/grid.md), so that a frame only touching a tile's edge is left
 * to the overlapping tiles that hold it whole.
 */
final class AlignedFrame implements Frame {
    private final Frame frame;
    private final WcsGrid grid;
    private final RowSource aligned;

    AlignedFrame(Frame frame, WcsGrid grid, Kernel kernel) {
        this.frame = frame;
        this.grid = grid;
        this.aligned = ShiftedSource.onGrid(frame, frame.wcs(), grid, kernel);
    }

    @Override public String name() { return frame.name(); }
    @Override public Wcs wcs() { return grid.wcs(); }
    @Override public MountMode mountMode() { return frame.mountMode(); }
    @Override public double exposureSeconds() { return frame.exposureSeconds(); }
    @Override public Map<String, String> keys() { return frame.keys(); }
    @Override public int width() { return aligned.width(); }
    @Override public int height() { return aligned.height(); }
    @Override public int channels() { return aligned.channels(); }

    @Override
    public void readRows(int y0, int rows, float[][] dst) throws IOException {
        aligned.readRows(y0, rows, dst);
    }

    @Override
    public String toString() { return frame.name(); }
}
