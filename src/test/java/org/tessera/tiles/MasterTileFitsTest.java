package org.tessera.tiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.image.FloatImage;
import org.tessera.io.FitsFrame;
import org.tessera.wcs.WcsGrid;

/**
 * A master tile is a clean FITS file (issue 14, item 11): a reference frame name too long for one
 * card continues on CONTINUE cards announced by LONGSTRN (fitsverify warned on every tile without
 * it), and the file carries ORIGIN = 'Tessera' so that a rerun never reads it as a frame.
 */
class MasterTileFitsTest {

    /** The primary header's 80-character cards, up to END. */
    static List<String> cards(Path fits) throws IOException {
        byte[] b = Files.readAllBytes(fits);
        List<String> out = new ArrayList<>();
        for (int c = 0; c + 80 <= b.length; c += 80) {
            String card = new String(b, c, 80, StandardCharsets.US_ASCII);
            out.add(card);
            if (card.startsWith("END     ")) break;
        }
        return out;
    }

    @Test
    void aLongReferenceNameIsAnnouncedByLongstrn(@TempDir Path dir) throws Exception {
        String name = "Light_M 31_mosaic_panel_3_10.0s_IRCUT_20240924-213402_solved_calibrated_registered.fit";
        FloatImage img = new FloatImage(8, 6, 1);
        img.fill(5f);
        Map<String, Object> header = new LinkedHashMap<>();
        header.put(TileHeaders.NFRAMES, 3);
        header.put(TileHeaders.MOUNT, "EQ");
        header.put(TileHeaders.REFERENCE, name);
        header.put(TileHeaders.EMPTY, 0);
        MasterTile t = new MasterTile(4, img, null, new WcsGrid(SyntheticSky.wcs(150, 20, 0.001, 0, 8, 6), 8, 6), header,
                List.of(name), null);
        Path f = MasterTileFiles.write(t, dir);

        List<String> cards = cards(f);
        int longstrn = -1, mtRef = -1, cont = -1;
        for (int i = 0; i < cards.size(); i++) {
            if (cards.get(i).startsWith("LONGSTRN= 'OGIP 1.0'")) longstrn = i;
            if (cards.get(i).startsWith("MT_REF  = ")) mtRef = i;
            if (cards.get(i).startsWith("CONTINUE") && cont < 0) cont = i;
        }
        assertTrue(mtRef >= 0 && cont == mtRef + 1, "MT_REF continues on the next card: " + cards);
        assertTrue(longstrn >= 0 && longstrn < mtRef, "LONGSTRN before the long string: " + cards);
        assertEquals(1, cards.stream().filter(c -> c.startsWith("LONGSTRN")).count());
        assertTrue(cards.stream().anyMatch(c -> c.startsWith("ORIGIN  = 'Tessera ")), cards.toString());
        FitsFrame back = FitsFrame.open(f);
        assertEquals(name, back.keys().get(TileHeaders.REFERENCE));

        // The same check as a user would run it, where fitsverify is installed.
        Path fv = Path.of("/usr/bin/fitsverify");
        if (Files.isExecutable(fv)) {
            Process p = new ProcessBuilder(fv.toString(), "-q", f.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertTrue(out.startsWith("verification OK"), out); // -q prints only the verdict
        }
    }

    @Test
    void aShortReferenceNameNeedsNoLongstrn(@TempDir Path dir) throws Exception {
        FloatImage img = new FloatImage(8, 6, 1);
        img.fill(5f);
        Map<String, Object> header = new LinkedHashMap<>();
        header.put(TileHeaders.MOUNT, "EQ");
        header.put(TileHeaders.REFERENCE, "short.fit");
        header.put(TileHeaders.EMPTY, 0);
        MasterTile t = new MasterTile(5, img, null, new WcsGrid(SyntheticSky.wcs(150, 20, 0.001, 0, 8, 6), 8, 6), header,
                List.of("short.fit"), null);
        List<String> cards = cards(MasterTileFiles.write(t, dir));
        assertTrue(cards.stream().noneMatch(c -> c.startsWith("LONGSTRN") || c.startsWith("CONTINUE")), cards.toString());
    }
}
