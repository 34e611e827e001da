package org.tessera.reproject;

import org.tessera.image.FloatImage;
import org.tessera.wcs.WcsGrid;

/** A sink factory for tests: the mosaic and coverage land in memory. */
final class MemorySinks implements ReprojectCoadd.SinkFactory {
    WcsGrid grid;
    FloatImage mosaic, coverage;

    @Override
    public ReprojectCoadd.Sinks open(CoaddPlan plan) {
        WcsGrid g = plan.grid();
        int channels = plan.channels();
        grid = g;
        mosaic = new FloatImage(g.width(), g.height(), channels);
        coverage = new FloatImage(g.width(), g.height(), 1);
        return new ReprojectCoadd.Sinks(mosaic, coverage);
    }
}
