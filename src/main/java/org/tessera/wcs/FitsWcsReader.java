package org.tessera.wcs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import nom.tam.fits.Header;
import nom.tam.fits.HeaderCard;
import nom.tam.util.Cursor;

/**
 * Reads the celestial WCS keywords of a FITS header the way astropy (wcslib) interprets them, with
 * an error message naming the keyword when something is missing or unsupported.
 * <p>
 * Linear transform precedence, as wcslib: PCi_j (with CDELTi, default 1) over CDi_j over CDELTi with
 * CROTA of the latitude axis (CROTA2). Obsolete PC00i00j is read as PCi_j. Frames: ICRS and FK5
 * J2000 are accepted as the same frame (they differ by less than 0.1″); FK4, B1950, FK5 of another
 * equinox and apparent places are refused.
 */
final class FitsWcsReader {
    private FitsWcsReader() {}

    private static final Logger LOG = Logger.getLogger("org.tessera.wcs");

    /** The header's WCS: the DSS plate solution when its keywords are present (as astropy does), else the standard WCS. */
    static Wcs read(Header h) throws WcsException {
        if (DssWcs.isDss(h)) return DssWcs.fromHeader(h);
        return readStandard(h);
    }

    static FitsWcs readStandard(Header h) throws WcsException {
        String t1 = string(h, "CTYPE1"), t2 = string(h, "CTYPE2");
        if (t1 == null && t2 == null) throw new WcsException("no celestial WCS: CTYPE1 and CTYPE2 missing");
        if (t1 == null || t2 == null) throw new WcsException("no celestial WCS: " + (t1 == null ? "CTYPE1" : "CTYPE2") + " missing");
        Ctype c1 = Ctype.parse("CTYPE1", t1), c2 = Ctype.parse("CTYPE2", t2);
        int lng, lat; // 0-based header axis of RA and of Dec
        if (c1.coord.equals("RA") && c2.coord.equals("DEC")) { lng = 0; lat = 1; }
        else if (c1.coord.equals("DEC") && c2.coord.equals("RA")) { lng = 1; lat = 0; }
        else throw new WcsException("unsupported celestial axes CTYPE1='" + t1 + "', CTYPE2='" + t2
                + "': Tessera needs equatorial RA---xxx / DEC--xxx (galactic, ecliptic or linear axes are not supported)");
        if (!c1.code.equals(c2.code))
            throw new WcsException("CTYPE1 and CTYPE2 name different projections: '" + t1 + "' / '" + t2 + "'");
        if (!c1.suffix.equals(c2.suffix))
            throw new WcsException("CTYPE1 and CTYPE2 name different distortions: '" + t1 + "' / '" + t2 + "'");
        for (String k : new String[] {"CRPIX1", "CRPIX2", "CRVAL1", "CRVAL2"})
            if (!h.containsKey(k)) throw new WcsException("no celestial WCS: " + k + " missing");
        checkFrame(h);
        double[] perDegree = unitsPerDegree(h);

        String latAxis = Integer.toString(lat + 1);
        Projection proj;
        if (c1.code.equals("SIN")) {
            double xi = number(h, "PV" + latAxis + "_1", 0), eta = number(h, "PV" + latAxis + "_2", 0);
            proj = Projections.sin(xi, eta);
        } else {
            proj = Projection.forCode(c1.code);
        }

        double[] m = linearMatrix(h, lng, lat, perDegree);
        double crpix1 = number(h, "CRPIX1"), crpix2 = number(h, "CRPIX2");
        double crvalLng = number(h, "CRVAL" + (lng + 1)) / perDegree[lng];
        double crvalLat = number(h, "CRVAL" + (lat + 1)) / perDegree[lat];
        double lonpole = number(h, "LONPOLE", Double.NaN), latpole = number(h, "LATPOLE", Double.NaN);

        Sip sip = Sip.read(h);
        if (sip == null && c1.suffix.equals("-SIP"))
            LOG.fine(() -> "CTYPE says TAN-SIP but the header has no A_ORDER/B_ORDER: no distortion applied");
        if (sip != null && !c1.suffix.equals("-SIP"))
            LOG.fine(() -> "SIP coefficients present but CTYPE1='" + t1 + "' lacks -SIP: applying them, as astropy does");
        String frame = frame(h);
        try {
            return new FitsWcs(proj, crpix1, crpix2, crvalLng, crvalLat, m[0], m[1], m[2], m[3], lonpole, latpole, sip, frame);
        } catch (IllegalArgumentException e) {
            throw new WcsException("invalid WCS: " + e.getMessage());
        }
    }

    /**
     * Each header axis's unit per degree, from CUNIT1/2 (absent or blank: degrees): CRVALi, CDELTi
     * and row i of CDi_j are in that unit and are divided by it, as wcslib's wcsset does for a
     * celestial axis (PCi_j has no unit; LONPOLE, LATPOLE and CROTAi are always degrees; SIP works in
     * pixels). Degrees divide by 1, which leaves every value's bits as they are. A unit that is no
     * angle, or one not known here, is refused by name.
     */
    static double[] unitsPerDegree(Header h) throws WcsException {
        double[] per = new double[2];
        for (int i = 0; i < 2; i++) {
            String k = "CUNIT" + (i + 1), u = string(h, k);
            per[i] = u == null ? 1 : unitsPerDegree(u.trim().toLowerCase(Locale.ROOT));
            if (Double.isNaN(per[i]))
                throw new WcsException(k + " = '" + u.trim() + "' is not supported: Tessera needs the celestial axes in an "
                        + "angle unit ('deg', 'arcmin', 'arcsec', 'mas' or 'rad')");
        }
        return per;
    }

    /** How many of {@code unit} (lower case) make a degree; NaN for a unit that is not a known angle. */
    private static double unitsPerDegree(String unit) {
        return switch (unit) {
            case "", "deg", "degree", "degrees" -> 1;
            case "arcmin", "arcmins" -> 60;
            case "arcsec", "arcsecs" -> 3600;
            case "mas" -> 3.6e6;
            case "rad", "radian", "radians" -> Math.PI / 180;
            default -> Double.NaN;
        };
    }

    /** The parts of a CTYPE value: coordinate ("RA", "DEC", …), projection code, distortion suffix ("" or "-SIP"). */
    private record Ctype(String coord, String code, String suffix) {
        static Ctype parse(String key, String value) throws WcsException {
            String v = value.trim().toUpperCase(Locale.ROOT);
            if (v.length() < 8 || v.charAt(4) != '-')
                throw new WcsException("no celestial projection in " + key + "='" + value + "' (need e.g. RA---TAN)");
            String coord = v.substring(0, 4).replaceAll("-+$", "");
            String code = v.substring(5, 8);
            String suffix = v.substring(8).trim();
            if (!suffix.isEmpty() && !suffix.equals("-SIP"))
                throw new WcsException("unsupported distortion '" + suffix + "' in " + key + "='" + value + "' (only -SIP)");
            if (code.contains("-"))
                throw new WcsException("no celestial projection in " + key + "='" + value + "'");
            if (Projections.byCode(code) == null)
                throw new WcsException("unsupported projection '" + code + "' in " + key + "='" + value
                        + "' (supported: " + Projections.SUPPORTED + ", with optional -SIP)");
            return new Ctype(coord, code, suffix);
        }
    }

    /**
     * The 2×2 matrix from pixel offsets to (RA, Dec) intermediate coordinates in degrees, rows
     * ordered RA first whatever the header's axis order; {@code perDegree}: each header axis's unit
     * per degree ({@link #unitsPerDegree(Header)}), dividing its CDELT and its row of CD.
     */
    static double[] linearMatrix(Header h, int lng, int lat, double[] perDegree) throws WcsException {
        double[][] m = new double[2][2];
        boolean pc = false, pcOld = false, cd = false;
        for (int i = 1; i <= 2; i++)
            for (int j = 1; j <= 2; j++) {
                pc |= h.containsKey("PC" + i + "_" + j);
                pcOld |= h.containsKey(String.format(Locale.ROOT, "PC%03d%03d", i, j));
                cd |= h.containsKey("CD" + i + "_" + j);
            }
        if (pc || pcOld) {
            if (cd) LOG.fine("both PCi_j and CDi_j present: PCi_j takes precedence (wcslib rule)");
            double[] s = {number(h, "CDELT1", 1) / perDegree[0], number(h, "CDELT2", 1) / perDegree[1]};
            for (int i = 1; i <= 2; i++)
                for (int j = 1; j <= 2; j++) {
                    String k = pc ? "PC" + i + "_" + j : String.format(Locale.ROOT, "PC%03d%03d", i, j);
                    m[i - 1][j - 1] = s[i - 1] * number(h, k, i == j ? 1 : 0);
                }
        } else if (cd) {
            for (int i = 1; i <= 2; i++)
                for (int j = 1; j <= 2; j++)
                    m[i - 1][j - 1] = number(h, "CD" + i + "_" + j, 0) / perDegree[i - 1];
        } else {
            if (!h.containsKey("CDELT1") || !h.containsKey("CDELT2"))
                throw new WcsException("no celestial WCS: no linear transform (neither CDi_j, PCi_j nor CDELT1/CDELT2 present)");
            double[] s = {number(h, "CDELT1") / perDegree[0], number(h, "CDELT2") / perDegree[1]};
            String rotKey = "CROTA" + (lat + 1), otherKey = "CROTA" + (lng + 1);
            if (!h.containsKey(rotKey) && h.containsKey(otherKey) && number(h, otherKey) != 0)
                LOG.warning(otherKey + " without " + rotKey + " is ignored (the rotation belongs to the latitude axis, as in wcslib)");
            if (h.containsKey(rotKey) && h.containsKey(otherKey) && number(h, otherKey) != number(h, rotKey))
                LOG.fine(() -> "CROTA1 and CROTA2 differ: using " + rotKey);
            double rho = number(h, rotKey, 0);
            double c = CelestialRotation.cosd(rho), sn = CelestialRotation.sind(rho);
            m[lng][lng] = s[lng] * c;
            m[lng][lat] = -s[lat] * sn;
            m[lat][lng] = s[lng] * sn;
            m[lat][lat] = s[lat] * c;
        }
        double[] r = {m[lng][0], m[lng][1], m[lat][0], m[lat][1]};
        for (double v : r)
            if (!Double.isFinite(v)) throw new WcsException("invalid WCS: linear transform has a non-finite element");
        return r;
    }

    /** "ICRS" or "FK5" (J2000); anything else is refused. */
    static String frame(Header h) throws WcsException {
        String rs = string(h, "RADESYS");
        if (rs == null) rs = string(h, "RADECSYS");
        double eq = Double.NaN;
        String eqKey = h.containsKey("EQUINOX") ? "EQUINOX" : h.containsKey("EPOCH") ? "EPOCH" : null;
        if (eqKey != null) {
            String raw = h.getCard(eqKey).getValue();
            String s = raw == null ? "" : raw.trim().replace("'", "").trim().toUpperCase(Locale.ROOT);
            if (s.startsWith("J")) s = s.substring(1);
            try {
                eq = Double.parseDouble(s.replace('D', 'E'));
            } catch (NumberFormatException e) {
                if (s.startsWith("B")) eq = 1950;
                else throw new WcsException(eqKey + " = '" + raw + "' is not an equinox");
            }
        }
        String frame = rs != null ? rs.toUpperCase(Locale.ROOT) : Double.isNaN(eq) ? "ICRS" : eq < 1984 ? "FK4" : "FK5";
        switch (frame) {
            case "ICRS":
                return "ICRS";
            case "FK5":
                if (!Double.isNaN(eq) && Math.abs(eq - 2000) > 0.01)
                    throw new WcsException("RADESYS FK5 with " + eqKey + " = " + eq
                            + " (mean equator of date) is not supported: only ICRS and FK5 J2000");
                return "FK5";
            default:
                throw new WcsException("celestial frame " + frame + (Double.isNaN(eq) ? "" : " " + eqKey + " = " + eq)
                        + " is not supported: only ICRS and FK5 J2000 (treated as the same frame)");
        }
    }

    static void checkFrame(Header h) throws WcsException {
        frame(h);
    }

    /** The numeric value of a keyword, which must be present. */
    static double number(Header h, String key) throws WcsException {
        if (!h.containsKey(key)) throw new WcsException("no celestial WCS: " + key + " missing");
        return parse(key, h.getCard(key));
    }

    /** The numeric value of a keyword, or def when absent. */
    static double number(Header h, String key, double def) throws WcsException {
        return h.containsKey(key) ? parse(key, h.getCard(key)) : def;
    }

    private static double parse(String key, HeaderCard c) throws WcsException {
        String v = c.getValue();
        if (v == null || v.isBlank()) throw new WcsException(key + " has no value");
        try {
            double d = Double.parseDouble(v.trim().replace('D', 'E').replace('d', 'e'));
            if (!Double.isFinite(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new WcsException(key + " = '" + v.trim() + "' is not a number");
        }
    }

    /** The trimmed string value of a keyword, or null when absent or blank. */
    static String string(Header h, String key) {
        if (!h.containsKey(key)) return null;
        String s = h.getStringValue(key);
        if (s == null) {
            String v = h.getCard(key).getValue();
            s = v;
        }
        if (s == null) return null;
        s = s.trim();
        return s.isEmpty() ? null : s;
    }

    private static final Pattern WCS_KEY = Pattern.compile(
            "WCSAXES|CTYPE[12]|CRPIX[12]|CRVAL[12]|CDELT[12]|CROTA[12]|CUNIT[12]|CD[12]_[12]|PC[12]_[12]|PC00[12]00[12]"
            + "|LONPOLE|LATPOLE|RADESYS|RADECSYS|EQUINOX|EPOCH|PV[12]_\\d+|PS[12]_\\d+"
            + "|A_ORDER|B_ORDER|AP_ORDER|BP_ORDER|A_\\d+_\\d+|B_\\d+_\\d+|AP_\\d+_\\d+|BP_\\d+_\\d+|A_DMAX|B_DMAX"
            + "|PLTRA[HMS]|PLTDEC(SN|D|M|S)|PPO\\d+|AMD[XY]\\d+|[XY]PIXELSZ|CNPIX[12]");

    /** Removes every keyword that could describe a WCS, so that a new one written next is not overridden by stale keys. */
    static void removeWcsKeys(Header h) {
        List<String> keys = new ArrayList<>();
        Cursor<String, HeaderCard> it = h.iterator();
        while (it.hasNext()) {
            HeaderCard c = it.next();
            String k = c.getKey();
            if (k != null && WCS_KEY.matcher(k).matches()) keys.add(k);
        }
        for (String k : keys) h.deleteKey(k);
    }
}
