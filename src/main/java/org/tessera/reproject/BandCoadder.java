package org.tessera.reproject;

import java.util.List;

/**
 * The per-band work of the coadd, behind an interface so that a backend (CPU now, a GPU later)
 * can take a band of output rows: for each contribution, in list order, map its output pixels
 * into its tile, sample the tile with the contribution's kernel and add the weighted, corrected
 * values to the band's accumulators. A backend must give the same numbers as
 * {@link CpuBandCoadder} up to float rounding, and must be safe to call from several threads on
 * different bands.
 */
public interface BandCoadder {

    void accumulate(CoaddBand band, List<BandContribution> contributions);

    /** Short name for logs, e.g. "cpu". */
    String name();
}
