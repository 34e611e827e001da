package org.tessera.command;

/** The three jobs every front offers; each is one {@link org.tessera.pipeline.MosaicPipeline} call. */
public enum Job {
    /** Frames (files or folders) → master tiles → one mosaic; no input → the built-in default sky. */
    MOSAIC,
    /** Frames → one stacked master tile (a FITS file). */
    STACK,
    /** Images that carry a WCS → reprojected onto one grid and coadded (Phases 4 and 5). */
    REPROJECT;

    /** Lower-case name as typed on the command line ("mosaic"). */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
