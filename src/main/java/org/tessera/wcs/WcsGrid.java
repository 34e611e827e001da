package org.tessera.wcs;

/** A pixel grid on the sky: a WCS and the image shape it describes. */
public record WcsGrid(Wcs wcs, int width, int height) {

    public WcsGrid {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("empty grid " + width + "x" + height);
    }

    /** The sub-grid [x0, x0+w) × [y0, y0+h) of this grid. */
    public WcsGrid crop(int x0, int y0, int w, int h) {
        return new WcsGrid(wcs.shifted(x0, y0), w, h);
    }

    /** World position of the grid centre, {ra, dec} in degrees. */
    public double[] centre() {
        double[] out = new double[2];
        wcs.pixelToWorld((width - 1) / 2.0, (height - 1) / 2.0, out);
        return out;
    }
}
