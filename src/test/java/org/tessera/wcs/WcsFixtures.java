package org.tessera.wcs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import nom.tam.fits.Header;

/** Loads the astropy fixtures of src/test/resources/fixtures/wcs (made by make_wcs_fixtures.py). */
final class WcsFixtures {
    private WcsFixtures() {}

    private static final String DIR = "/fixtures/wcs/";

    /** One sample: 0-based pixel and world in degrees. */
    record Sample(double x, double y, double ra, double dec) {}

    record Case(String name, int naxis1, int naxis2, String description, Header header,
                List<Sample> p2w, List<Sample> w2p) {
        WcsGrid grid() throws WcsException {
            return new WcsGrid(Wcs.fromHeader(header), naxis1, naxis2);
        }

        @Override public String toString() { return name; }
    }

    static List<String> lines(String resource) {
        InputStream in = WcsFixtures.class.getResourceAsStream(DIR + resource);
        if (in == null) throw new IllegalStateException("fixture " + DIR + resource + " missing");
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            return r.lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> names() {
        List<String> out = new ArrayList<>();
        for (String l : lines("index.txt")) if (!l.startsWith("#") && !l.isBlank()) out.add(l.split(" ", 2)[0]);
        return out;
    }

    static List<Case> all() {
        List<Case> out = new ArrayList<>();
        for (String n : names()) out.add(load(n));
        return out;
    }

    static Case load(String name) {
        String[] idx = lines("index.txt").stream().filter(l -> l.startsWith(name + " ")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no fixture " + name)).split(" ", 4);
        Header h = header(lines(name + ".hdr"));
        List<Sample> p2w = new ArrayList<>(), w2p = new ArrayList<>();
        for (String l : lines(name + ".csv")) {
            if (l.startsWith("#") || l.startsWith("dir")) continue;
            String[] f = l.split(",");
            Sample s = new Sample(Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                    Double.parseDouble(f[3]), Double.parseDouble(f[4]));
            (f[0].equals("p2w") ? p2w : w2p).add(s);
        }
        return new Case(name, Integer.parseInt(idx[1]), Integer.parseInt(idx[2]), idx.length > 3 ? idx[3] : "", h, p2w, w2p);
    }

    /** A nom-tam header from 80-character card images. */
    static Header header(List<String> cards) {
        return new Header(cards.toArray(new String[0]));
    }
}
