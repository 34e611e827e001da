package org.tessera.wcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import nom.tam.fits.Header;
import nom.tam.util.FitsFile;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The real frames under ../shared/data read straight from their FITS files give the fixtures' mapping. */
class RealFramesTest {

    private static final File DATA = new File("../shared/data");

    @Test
    void realHeadersMatchTheirFixtures() throws Exception {
        Assumptions.assumeTrue(DATA.isDirectory(), "../shared/data absent: real-frame check skipped");
        List<File> files = new ArrayList<>();
        for (String d : new String[] {"seestar_ngc7023_solved", "seestar_m94_subset/night1", "seestar_m94_subset/night2",
                "seestar_m94_subset/night3", "dss_pair"}) {
            File[] fs = new File(DATA, d).listFiles((dir, n) -> n.endsWith(".fit") || n.endsWith(".fits"));
            if (fs != null) files.addAll(List.of(fs));
        }
        assertEquals(20, files.size(), "6 NGC 7023 + 12 M 94 + 2 DSS frames");
        Pattern stamp = Pattern.compile("(\\d{8}-\\d{6})");
        for (File f : files) {
            Header h;
            try (FitsFile in = new FitsFile(f, "r")) { // the header only, not the pixels
                h = Header.readHeader(in);
            }
            String name;
            Matcher m = stamp.matcher(f.getName());
            if (f.getPath().contains("ngc7023") && m.find()) name = "real_ngc7023_" + m.group(1);
            else if (m.find()) name = "real_m94_" + f.getParentFile().getName() + "_" + m.group(1);
            else name = "real_" + f.getName().replace(".fits", "");
            WcsFixtures.Case c = WcsFixtures.load(name);
            assertEquals(c.naxis1(), h.getIntValue("NAXIS1"), name);
            Wcs w = Wcs.fromHeader(h);
            double[] o = new double[2];
            for (WcsFixtures.Sample s : c.p2w()) {
                w.pixelToWorld(s.x(), s.y(), o);
                assertTrue(SkyMath.separationDeg(o[0], o[1], s.ra(), s.dec()) < 1e-9, name);
            }
        }
    }
}
