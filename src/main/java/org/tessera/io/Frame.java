package org.tessera.io;

import java.util.Map;

import org.tessera.image.RowSource;
import org.tessera.wcs.Wcs;

/**
 * One input image with what the pipeline needs to place it: pixels (read lazily by bands), its
 * celestial WCS, its mount mode and the header keys later phases copy or use. A FITS file on disk
 * and a synthetic in-memory frame are both frames.
 */
public interface Frame extends RowSource {

    /** Short name for logs and error messages (usually the file name). */
    String name();

    /** The celestial WCS; never null for a frame that reached grouping. */
    Wcs wcs();

    MountMode mountMode();

    /** Exposure in seconds (EXPTIME / EXPOSURE), 1.0 when unknown. */
    double exposureSeconds();

    /**
     * Header keys as strings (upper-case names, values without quotes), e.g. OBJECT, DATE-OBS,
     * FILTER, INSTRUME, EQMODE, MOUNT_MODE, MT_NFRAMES. Unmodifiable.
     */
    Map<String, String> keys();
}
