package org.tessera.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.io.MountMode;

class StackPlanTest {

    @TempDir Path dir;

    private Path touch(String name) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[] {1});
        return p;
    }

    private Path csv(String text) throws IOException {
        Path p = dir.resolve("stack_plan.csv");
        Files.writeString(p, text);
        return p;
    }

    @Test
    void everyDelimiterWithHeader() throws IOException {
        touch("a.fits");
        touch("sub/b.fits");
        for (String d : new String[] {",", ";", "|", "\t", " "}) {
            String text = String.join(d, "file_path", "exptime", "filter", "mount") + "\n"
                    + String.join(d, "a.fits", "10", "L", "EQ") + "\n"
                    + String.join(d, "sub/b.fits", "20", "R", "altaz") + "\n";
            StackPlan plan = StackPlan.read(csv(text));
            assertEquals(d.charAt(0), plan.delimiter(), "delimiter '" + d + "'");
            assertTrue(plan.hasHeader());
            assertEquals(2, plan.entries().size(), "delimiter '" + d + "'");
            StackPlan.Entry b = plan.entries().get(1);
            assertEquals(dir.resolve("sub/b.fits").toAbsolutePath().normalize(), b.path());
            assertEquals(20.0, b.exposure());
            assertEquals("R", b.filter());
            assertEquals(MountMode.ALT_AZ, b.mount());
            assertEquals(MountMode.EQ, plan.entries().get(0).mount());
        }
    }

    @Test
    void everyAliasOfEveryColumn() throws IOException {
        touch("a.fits");
        String[] paths = {"file_path", "filepath", "file", "path", "filename", "fits", "raw"};
        String[] exps = {"exposure", "exp", "exptime", "exposure_s"};
        String[] filters = {"filter", "band", "channel"};
        String[] batches = {"batch_id", "batch", "session", "night"};
        String[] orders = {"order", "seq", "sequence", "index"};
        String[] mounts = {"mount", "eqmode", "mount_mode"};
        for (int i = 0; i < paths.length; i++) {
            String h = String.join(",", mounts[i % 3], orders[i % 4], paths[i], exps[i % 4], filters[i % 3], batches[i % 4]);
            StackPlan plan = StackPlan.read(csv(h + "\n1,7,a.fits,30,Ha,night2\n"));
            StackPlan.Entry e = plan.entries().get(0);
            assertEquals(30.0, e.exposure(), h);
            assertEquals("Ha", e.filter(), h);
            assertEquals("night2", e.batch(), h);
            assertEquals(7.0, e.order(), h);
            assertEquals(MountMode.EQ, e.mount(), h);
        }
    }

    @Test
    void noHeaderIsPositionalAndExposureDefaultsToOne() throws IOException {
        touch("a.fits");
        touch("b.fits");
        StackPlan plan = StackPlan.read(csv("a.fits\nb.fits\n"));
        assertFalse(plan.hasHeader());
        assertEquals(2, plan.entries().size());
        assertEquals(1.0, plan.entries().get(0).exposure());
        assertNull(plan.entries().get(0).mount());
        StackPlan p2 = StackPlan.read(csv("a.fits;12.5\nb.fits;3\n"));
        assertEquals(';', p2.delimiter());
        assertEquals(12.5, p2.entries().get(0).exposure());
        assertEquals(3.0, p2.entries().get(1).exposure());
    }

    @Test
    void orderColumnSortsFrames() throws IOException {
        touch("a.fits");
        touch("b.fits");
        touch("c.fits");
        StackPlan plan = StackPlan.read(csv("path,order\na.fits,3\nb.fits,1\nc.fits,2\n"));
        assertEquals(List.of("b.fits", "c.fits", "a.fits"),
                plan.entries().stream().map(e -> e.path().getFileName().toString()).toList());
    }

    @Test
    void badLinesAreNamedAndSkippedTheRestIsKept() throws IOException {
        touch("a.fits");
        touch("b.fits");
        Path p = csv("# a comment\npath,exposure,mount\na.fits,10,EQ\nmissing.fits,10,EQ\nb.fits,abc,EQ\n,5,EQ\nb.fits,5,sideways\nb.fits,-2,EQ\n");
        StackPlan plan = StackPlan.read(p);
        assertEquals(1, plan.entries().size());
        assertEquals(5, plan.problems().size());
        List<StackPlan.Problem> pr = plan.problems();
        assertEquals(4, pr.get(0).line());
        assertTrue(pr.get(0).reason().startsWith("stack_plan.csv: line 4: file not found"), pr.get(0).reason());
        assertTrue(pr.get(1).reason().contains("line 5: exposure 'abc'"), pr.get(1).reason());
        assertTrue(pr.get(2).reason().contains("line 6: no file path"), pr.get(2).reason());
        assertTrue(pr.get(3).reason().contains("line 7: mount 'sideways'"), pr.get(3).reason());
        assertTrue(pr.get(4).reason().contains("line 8: exposure '-2'"), pr.get(4).reason());
    }

    /**
     * The same frame listed twice (a copied line, another spelling of its path, a link to it) was
     * stacked twice: on the 12 M 94 frames with one line repeated twice more, "14/14 frame(s)
     * stacked" and EXPTOTAL 140 s instead of 120 s. The first listing is kept.
     */
    @Test
    void aFrameListedTwiceIsKeptOnce() throws IOException {
        Path a = touch("night1/a.fits");
        touch("night1/b.fits");
        Files.createSymbolicLink(dir.resolve("link.fits"), a);
        Path p = csv("path,exposure\nnight1/a.fits,10\nnight1/b.fits,10\n./night1/../night1/a.fits,20\nlink.fits,10\nnight1/a.fits,10\n");
        StackPlan plan = StackPlan.read(p);
        assertEquals(List.of(2, 3), plan.entries().stream().map(StackPlan.Entry::line).toList());
        assertEquals(10.0, plan.entries().get(0).exposure());
        List<StackPlan.Problem> pr = plan.problems();
        assertEquals(List.of(4, 5, 6), pr.stream().map(StackPlan.Problem::line).toList());
        assertEquals("stack_plan.csv: line 4: the same file as line 2 (" + a + "): a frame is stacked once, this line is left out",
                pr.get(0).reason());
        assertTrue(pr.get(1).reason().startsWith("stack_plan.csv: line 5: the same file as line 2 ("), pr.get(1).reason());
        assertTrue(pr.get(2).reason().startsWith("stack_plan.csv: line 6: the same file as line 2 ("), pr.get(2).reason());
    }

    @Test
    void fatalErrorsNameTheCsv() throws IOException {
        Path p = csv("exposure,filter\n10,L\n");
        IOException e = assertThrows(IOException.class, () -> StackPlan.read(p));
        assertTrue(e.getMessage().contains("stack_plan.csv") && e.getMessage().contains("line 1")
                && e.getMessage().contains("no path column"), e.getMessage());
        Path q = csv("path\nnope.fits\n");
        IOException e2 = assertThrows(IOException.class, () -> StackPlan.read(q));
        assertTrue(e2.getMessage().contains("no usable frame") && e2.getMessage().contains("line 2"), e2.getMessage());
        Path r = csv("\n# only a comment\n");
        assertThrows(IOException.class, () -> StackPlan.read(r));
    }

    @Test
    void quotedPathsKeepTheirDelimiters() throws IOException {
        touch("my, frame.fits");
        StackPlan plan = StackPlan.read(csv("path,exp\n\"my, frame.fits\",4\n"));
        assertEquals("my, frame.fits", plan.entries().get(0).path().getFileName().toString());
        assertEquals(4.0, plan.entries().get(0).exposure());
    }

    /**
     * A plan as spreadsheets save it: Excel's "CSV UTF-8" (byte-order mark, CRLF, empty rows ",,"
     * below the table, which were each a skipped input "no file path", exit 1), European Excel (';'
     * with decimal commas: "10,5" was "not a number > 0", and without a header ',' was taken as the
     * delimiter), "Unicode Text" (UTF-16, tabs: "Input length = 1", no file named) and plain "CSV"
     * in a Windows code page (named with its line).
     */
    @Test
    void plansAsSpreadsheetsSaveThem() throws IOException {
        touch("a.fits");
        touch("b\u00e9.fits");
        Path p = dir.resolve("stack_plan.csv");
        Files.write(p, ("\uFEFFfile_path,exposure,filter\r\na.fits,10,L\r\n\"b\u00e9.fits\",20,\"L, R\"\r\n,,\r\n,,\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        StackPlan plan = StackPlan.read(p);
        assertEquals(List.of(10.0, 20.0), plan.entries().stream().map(StackPlan.Entry::exposure).toList());
        assertEquals("L, R", plan.entries().get(1).filter());
        assertEquals(List.of(), plan.problems());

        plan = StackPlan.read(csv("file_path;exposure;order\r\na.fits;10,5;2\r\nb\u00e9.fits;0,25;1,5\r\n;;\r\n"));
        assertEquals(';', plan.delimiter());
        assertEquals(List.of(0.25, 10.5), plan.entries().stream().map(StackPlan.Entry::exposure).toList());
        assertEquals(1.5, plan.entries().get(0).order());
        plan = StackPlan.read(csv("a.fits;10,5\r\nb\u00e9.fits;3,0\r\n")); // ',' too splits each line in two
        assertEquals(';', plan.delimiter());
        assertEquals(List.of(10.5, 3.0), plan.entries().stream().map(StackPlan.Entry::exposure).toList());
        // with ',' as the delimiter "10,5" stays two fields
        assertEquals(',', StackPlan.read(csv("a.fits,10,5\n")).delimiter());

        Files.write(p, ("\uFEFFfile_path\texposure\r\nb\u00e9.fits\t30\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_16LE));
        plan = StackPlan.read(p);
        assertEquals(dir.resolve("b\u00e9.fits"), plan.entries().get(0).path());
        assertEquals(30.0, plan.entries().get(0).exposure());

        Files.write(p, "file_path,exposure\na.fits,10\nb\u00e9.fits,20\n".getBytes(java.nio.charset.Charset.forName("windows-1252")));
        IOException e = assertThrows(IOException.class, () -> StackPlan.read(p));
        assertEquals(p + ": not UTF-8 text: line 3 holds the byte 0xE9 (saved in another encoding, such as a Windows "
                + "code page?): save it as UTF-8 (in Excel: Save As, CSV UTF-8)", e.getMessage());
    }

    /** Paths written from the folder the user works in: the failure says where relative paths are read from. */
    @Test
    void aPlanOfNoFoundFileSaysWhereRelativePathsAreRead() throws IOException {
        touch("frames/a.fits");
        Path sub = Files.createDirectories(dir.resolve("plans")).resolve("plan.csv");
        Files.writeString(sub, "path\nframes/a.fits\n");
        IOException e = assertThrows(IOException.class, () -> StackPlan.read(sub));
        assertEquals(sub + ": stack plan lists no usable frame (1 line(s) left out, first: plan.csv: line 2: file not found: "
                + dir.resolve("plans/frames/a.fits") + "); relative paths are read from the plan's folder " + dir.resolve("plans"),
                e.getMessage());
    }

    /** A line without a path is named by the plan's file among the skipped inputs (it was "skipped null: …"). */
    @Test
    void aLineWithoutAPathIsSkippedUnderThePlansName() throws Exception {
        GridFixtures.monoFrame(dir.resolve("a.fits"), new org.tessera.wcs.FitsWcs(org.tessera.wcs.Projection.forCode("TAN"), 16.5, 12.5, 150, 40, -0.0007, 0, 0, 0.0007), 32, 24);
        Path p = csv("path,exposure\na.fits,10\n,5\n");
        GridInputs.Split split = GridInputs.open(StackPlan.read(p),
                new org.tessera.tiles.AltAzGating(false, false, org.tessera.tiles.AltAzGating.UnknownPolicy.EQ));
        assertEquals(List.of(new org.tessera.io.FrameScanner.Problem(p, "stack_plan.csv: line 3: no file path")), split.skipped());
    }

    /** A plan written on Windows: relative paths with '\\' are found; a Windows drive path is named as such. */
    @Test
    void windowsPathsOfAPlan() throws IOException {
        touch("night1/a.fits");
        StackPlan plan = StackPlan.read(csv("path\nnight1\\a.fits\nC:\\astro\\b.fits\n"));
        assertEquals(List.of(dir.resolve("night1/a.fits")), plan.entries().stream().map(StackPlan.Entry::path).toList());
        assertEquals("stack_plan.csv: line 3: file not found: " + dir.resolve("C:\\astro\\b.fits")
                + " (a Windows path: write it relative to the plan's folder)", plan.problems().get(0).reason());
    }
}
