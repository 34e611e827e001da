package org.tessera.image;

/**
 * Optional capability of a {@link RowSource}: it knows from its metadata alone, without reading a
 * pixel, that it never returns NaN or an infinity (an integer FITS image without BLANK and without
 * a mask, say). A consumer that would otherwise scan every pixel to find the valid ones, such as
 * the coadd's first pass over its tiles, may then skip that scan.
 */
public interface AllFinite {

    /** True only when every pixel of every channel is finite; false when some may not be, or when unknown. */
    boolean allFinite();
}
