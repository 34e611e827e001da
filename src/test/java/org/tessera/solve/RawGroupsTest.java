package org.tessera.solve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.image.FloatImage;
import org.tessera.io.FitsFrame;
import org.tessera.io.InMemoryFrame;
import org.tessera.io.MountMode;
import org.tessera.synth.CameraFitsWriter;

/** Sessions by DATE-OBS gaps, pointings by a quarter field, geometry, and the order references are tried in. */
class RawGroupsTest {

    /** A 200×100 frame at 2.39″/px (field 0.066° × 0.133°: a quarter of the short side is 0.0166°). */
    static FitsFrame frame(Path dir, String name, String date, double ra, double dec, int w) throws Exception {
        Map<String, String> k = new LinkedHashMap<>();
        if (date != null) k.put("DATE-OBS", date);
        if (!Double.isNaN(ra)) {
            k.put("RA", Double.toString(ra));
            k.put("DEC", Double.toString(dec));
        }
        k.put("FOCALLEN", "250");
        k.put("XPIXSZ", "2.9");
        Path f = dir.resolve(name + ".fit");
        CameraFitsWriter.write(new InMemoryFrame(name, new FloatImage(w, 200, 1), null, MountMode.UNKNOWN, 10, k), f);
        return FitsFrame.open(f);
    }

    static List<List<String>> names(List<RawGroups.Group> gs) {
        List<List<String>> out = new ArrayList<>();
        for (RawGroups.Group g : gs) out.add(g.frames().stream().map(f -> f.name().replace(".fit", "")).toList());
        return out;
    }

    @Test
    void sessionsPointingsAndGeometrySplitGroups(@TempDir Path d) throws Exception {
        List<FitsFrame> in = List.of(
                frame(d, "a1", "2025-03-27T01:00:00", 193.0, 41.0, 100),
                frame(d, "a2", "2025-03-27T01:59:00", 193.01, 41.0, 100),   // 59 min later, 0.0075° away: same group
                frame(d, "b1", "2025-03-27T01:30:00", 193.05, 41.0, 100),   // 0.038° away: another pointing
                frame(d, "c1", "2025-03-27T03:00:00", 193.0, 41.0, 100),    // 61 min after a2: another session
                frame(d, "c2", "2025-03-27T03:00:10", 193.0, 41.0, 120),    // another image size
                frame(d, "u1", null, Double.NaN, Double.NaN, 100),          // undated, no pointing
                frame(d, "u2", "not a date", Double.NaN, Double.NaN, 100));
        List<RawGroups.Group> g = RawGroups.group(in, 3.0);
        assertEquals(List.of(List.of("a1", "a2"), List.of("b1"), List.of("c1"), List.of("c2"), List.of("u1", "u2")), names(g));
        assertEquals(List.of(1, 2, 3, 4, 5), g.stream().map(RawGroups.Group::id).toList());
        assertEquals("2025-03-27 01:00:00", g.get(0).session());
        assertEquals("undated", g.get(4).session());
    }

    /**
     * Dates read as every step reads them (io.FitsDates): the FITS old form dd/mm/yy (old plates,
     * some capture software) dates its frames, so two nights in that form are two sessions, not
     * one "undated" group.
     */
    @Test
    void oldFormDatesMakeSessions(@TempDir Path d) throws Exception {
        List<FitsFrame> in = List.of(
                frame(d, "n1a", "15/04/88", 193.0, 41.0, 100),
                frame(d, "n2a", "16/04/88", 193.0, 41.0, 100),
                frame(d, "n1b", "1988-04-15T00:30:00", 193.0, 41.0, 100));
        List<RawGroups.Group> g = RawGroups.group(in, 3.0);
        assertEquals(List.of(List.of("n1a", "n1b"), List.of("n2a")), names(g));
        assertEquals(577065600.0, RawGroups.epochSeconds(in.get(0)), 0); // 1988-04-15T00:00:00Z
    }

    @Test
    void referencesAreTriedFromTheMiddleOfTheSessionOutwards(@TempDir Path d) throws Exception {
        List<FitsFrame> in = new ArrayList<>();
        for (int i = 0; i < 5; i++) in.add(frame(d, "f" + i, "2025-04-09T20:5" + i + ":00", 193.0, 41.0, 100));
        RawGroups.Group g = RawGroups.group(in, 3.0).get(0);
        assertEquals(List.of("f2.fit", "f1.fit", "f3.fit", "f0.fit", "f4.fit"), g.referenceOrder().stream().map(FitsFrame::name).toList());
    }
}
