package org.tessera.sds;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

import org.tessera.wcs.WcsGrid;

/**
 * SDS mode's batch policy (the original's "ZeSupaDupStack", mosaic first): the frames, in their
 * order, are cut into batches that each cover the global grid, so that every batch can be coadded
 * straight onto it as one mega-tile. As the original: frames are added one by one while the union
 * of their footprints is counted on a coarse lattice of cells of the global grid; a batch closes
 * when it holds at least {@code minBatchSize} frames and covers at least {@code coverageThreshold}
 * of the cells, or, whatever its coverage, when it reaches {@code targetBatchSize} frames; a last
 * batch smaller than {@code minBatchSize} is merged into the one before it (a single frame in all
 * makes a batch of one).
 * <p>
 * Tessera's lattice: cells of side ceil(max(W, H) / 128) global pixels (at most 128 on the long
 * side, the resolution of Phase 5's previews); a cell is covered by a frame when the sky position
 * of its centre falls inside the frame.
 */
public final class SdsBatches {
    private SdsBatches() {}

    private static final Logger LOG = Logger.getLogger("org.tessera.sds");

    /** Cells on the long side of the coverage lattice. */
    static final int LATTICE = 128;

    /**
     * The policy's settings ({@code sds_coverage_threshold}, {@code sds_min_batch_size},
     * {@code sds_target_batch_size}), coerced as the original does: the threshold into [0.10, 0.99],
     * the sizes to at least 1.
     */
    public record Policy(double coverageThreshold, int minBatchSize, int targetBatchSize) {
        /** The original's defaults: 0.92, 5, 10. */
        public static final Policy DEFAULTS = new Policy(0.92, 5, 10);

        public Policy {
            if (!Double.isFinite(coverageThreshold)) coverageThreshold = 0.92;
            coverageThreshold = Math.max(0.10, Math.min(0.99, coverageThreshold));
            minBatchSize = Math.max(1, minBatchSize);
            targetBatchSize = Math.max(1, targetBatchSize);
        }
    }

    /** One batch: the indices of its frames (in input order) and the fraction of the lattice they cover. */
    public record Batch(List<Integer> frames, double coverage) {
        public Batch {
            frames = List.copyOf(frames);
        }
    }

    /** The batches of {@code footprints} (each a frame's WCS and shape) on {@code global}. */
    public static List<Batch> build(List<WcsGrid> footprints, WcsGrid global, Policy policy) {
        Lattice lat = new Lattice(global);
        List<Batch> out = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        BitSet covered = new BitSet(lat.cells());
        for (int i = 0; i < footprints.size(); i++) {
            current.add(i);
            covered.or(lat.cover(footprints.get(i)));
            double fraction = covered.cardinality() / (double) lat.cells();
            boolean byCoverage = current.size() >= policy.minBatchSize() && fraction >= policy.coverageThreshold();
            if (byCoverage || current.size() >= policy.targetBatchSize()) {
                out.add(new Batch(current, fraction));
                current = new ArrayList<>();
                covered = new BitSet(lat.cells());
            }
        }
        if (!current.isEmpty()) {
            if (current.size() < policy.minBatchSize() && !out.isEmpty()) {
                Batch last = out.remove(out.size() - 1);
                List<Integer> merged = new ArrayList<>(last.frames());
                merged.addAll(current);
                BitSet u = new BitSet(lat.cells());
                for (int i : merged) u.or(lat.cover(footprints.get(i)));
                out.add(new Batch(merged, u.cardinality() / (double) lat.cells()));
            } else {
                out.add(new Batch(current, covered.cardinality() / (double) lat.cells()));
            }
        }
        StringBuilder sizes = new StringBuilder();
        for (Batch b : out) sizes.append(sizes.length() == 0 ? "" : ", ")
                .append(String.format(Locale.ROOT, "%d (%.0f%%)", b.frames().size(), 100 * b.coverage()));
        LOG.info(String.format(Locale.ROOT, "[SDS] coverage=%.2f, min_size=%d, target_size=%d: %d frame(s) in %d batch(es): %s",
                policy.coverageThreshold(), policy.minBatchSize(), policy.targetBatchSize(), footprints.size(),
                out.size(), sizes));
        return out;
    }

    /** The coverage lattice on the global grid: the sky position of each cell centre. */
    private static final class Lattice {
        final int nx, ny;
        final double[] ra, dec;

        Lattice(WcsGrid g) {
            int side = (int) Math.ceil(Math.max(g.width(), g.height()) / (double) LATTICE);
            nx = (g.width() + side - 1) / side;
            ny = (g.height() + side - 1) / side;
            ra = new double[nx * ny];
            dec = new double[nx * ny];
            double[] t = new double[2];
            for (int j = 0; j < ny; j++)
                for (int i = 0; i < nx; i++) {
                    double x = Math.min(g.width() - 1, (i + 0.5) * side - 0.5);
                    double y = Math.min(g.height() - 1, (j + 0.5) * side - 0.5);
                    g.wcs().pixelToWorld(x, y, t);
                    ra[j * nx + i] = t[0];
                    dec[j * nx + i] = t[1];
                }
        }

        int cells() {
            return nx * ny;
        }

        /** The cells whose centre lies inside {@code f} (pixel centres at integers, edges at ±0.5). */
        BitSet cover(WcsGrid f) {
            BitSet b = new BitSet(cells());
            double[] p = new double[2];
            for (int k = 0; k < cells(); k++) {
                f.wcs().worldToPixel(ra[k], dec[k], p);
                if (p[0] >= -0.5 && p[0] < f.width() - 0.5 && p[1] >= -0.5 && p[1] < f.height() - 0.5) b.set(k);
            }
            return b;
        }
    }
}
