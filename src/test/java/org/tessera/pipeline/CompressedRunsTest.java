package org.tessera.pipeline;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;

import nom.tam.fits.header.Compression;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.cli.Main;
import org.tessera.command.Jobs;
import org.tessera.io.CompressedFixtures;
import org.tessera.io.DecompressedCopies;

/**
 * Runs on compressed inputs, through the command line as a user runs them: a reproject of the DSS
 * pair gzip'ed and fpack'ed writes the very bytes of the run on the plain files (mosaic, coverage,
 * preview), a stack of Seestar frames the same pixels (its header names the compressed file it took
 * as reference), and no decompressed copy is left after a run, whether it succeeded or failed.
 */
class CompressedRunsTest {

    static final Path DATA = Paths.get("../shared/data");
    static final Path DSS = DATA.resolve("dss_pair");
    static final Path NGC7023 = DATA.resolve("seestar_ngc7023_solved");

    @TempDir Path tmp;

    private String out, err;

    private int cli(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int rc = new Main(Jobs.PIPELINE).run(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return rc;
    }

    /** The files in the folder of decompressed copies now (none once the runs that made them ended). */
    private static List<Path> copies() throws IOException {
        Path dir = DecompressedCopies.location();
        if (dir == null || !Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void reprojectOfCompressedPlatesWritesTheBytesOfThePlainRun() throws IOException {
        assumeTrue(Files.exists(DSS), "../shared/data beside the checkout");
        Path in = Files.createDirectories(tmp.resolve("packed"));
        CompressedFixtures.gzip(DSS.resolve("dss_test1.fits"), in.resolve("dss_test1.fits.gz"));
        CompressedFixtures.fpack(DSS.resolve("dss_test2.fits"), in.resolve("dss_test2.FITS.FZ"), Compression.ZCMPTYPE_RICE_1, null);
        assertEquals(0, cli("-q", "reproject", tmp.resolve("plain").toString(), DSS.resolve("dss_test1.fits").toString(),
                DSS.resolve("dss_test2.fits").toString()), err);
        assertEquals(0, cli("-q", "reproject", tmp.resolve("out").toString(), in.toString()), err); // the folder: both found
        for (String f : new String[] {"mosaic.fits", "mosaic_coverage.fits", "mosaic_preview.png"})
            assertEquals(-1, Files.mismatch(tmp.resolve("plain").resolve(f), tmp.resolve("out").resolve(f)), f);
        assertEquals(List.of(), copies());
        String log = Files.readString(tmp.resolve("out/tessera.log"));
        assertTrue(log.contains("[READ] compressed inputs are read through plain copies in " + DecompressedCopies.location()), log);
    }

    @Test
    void stackOfCompressedFramesHasThePixelsOfThePlainStackAndNamesTheFilesAsGiven() throws IOException {
        assumeTrue(Files.exists(NGC7023), "../shared/data beside the checkout");
        List<Path> frames;
        try (Stream<Path> s = Files.list(NGC7023)) {
            frames = s.filter(p -> p.toString().endsWith(".fit")).sorted().limit(3).toList();
        }
        Path in = Files.createDirectories(tmp.resolve("packed"));
        Path gz = CompressedFixtures.gzip(frames.get(0), in.resolve(frames.get(0).getFileName() + ".gz"));
        Path fz = CompressedFixtures.fpack(frames.get(1), in.resolve(frames.get(1).getFileName() + ".fz"),
                Compression.ZCMPTYPE_RICE_1, null);
        Files.copy(frames.get(2), in.resolve(frames.get(2).getFileName()));
        Path plain = tmp.resolve("plain.fits"), packed = tmp.resolve("packed.fits");
        assertEquals(0, cli("-q", "stack", plain.toString(), frames.get(0).toString(), frames.get(1).toString(),
                frames.get(2).toString()), err);
        assertEquals(0, cli("-q", "stack", packed.toString(), gz.toString(), fz.toString(),
                in.resolve(frames.get(2).getFileName()).toString()), err);
        byte[] a = Files.readAllBytes(plain), b = Files.readAllBytes(packed);
        assertEquals(a.length, b.length);
        int header = org.tessera.io.FitsHeaderLength.of(a);
        assertEquals(header, org.tessera.io.FitsHeaderLength.of(b));
        assertEquals(-1, java.util.Arrays.mismatch(a, header, a.length, b, header, b.length), "pixels and ALPHA byte for byte");
        // the reference frame is named as the user gave it, never as a copy
        String hb = new String(b, 0, header, StandardCharsets.US_ASCII);
        assertTrue(hb.contains("MT_REF  = '" + fz.getFileName()), hb);
        assertFalse(hb.contains("tessera-decompressed"), hb);
        assertEquals(List.of(), copies());
    }

    /** The DSS pair as two compressed inputs: the first gzip'ed, the second fpack'ed with {@code algorithm}. */
    private List<Path> packedDssPair(String algorithm) throws IOException {
        return List.of(CompressedFixtures.gzip(DSS.resolve("dss_test1.fits"), tmp.resolve("dss_test1.fits.gz")),
                CompressedFixtures.fpack(DSS.resolve("dss_test2.fits"), tmp.resolve("dss_test2.fits.fz"), algorithm, null));
    }

    /** A script calling the pipeline itself, without a front's run around it: its copies go at the call's end too. */
    @Test
    void aDirectPipelineCallLeavesNoCopy() throws IOException {
        assumeTrue(Files.exists(DSS), "../shared/data beside the checkout");
        MosaicPipeline.Outcome o = MosaicPipeline.reproject(tmp.resolve("out"), packedDssPair(Compression.ZCMPTYPE_GZIP_2),
                new org.tessera.config.Config(), org.tessera.Progress.NONE);
        assertTrue(Files.size(o.mosaic()) > 0);
        assertTrue(o.skipped().isEmpty(), o.skipped().toString());
        assertEquals(List.of(), copies());
    }

    /** Cancelled once the copies exist (Esc after the scan): the run ends as cancelled, its copies gone. */
    @Test
    void aCancelledRunLeavesNoCopy() throws IOException {
        assumeTrue(Files.exists(DSS), "../shared/data beside the checkout");
        List<Path> pair = packedDssPair(Compression.ZCMPTYPE_RICE_1);
        java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger();
        org.tessera.Progress esc = new org.tessera.Progress() {
            @Override public void update(double f, String m) {}
            @Override public boolean cancelled() {
                try {
                    int n = copies().size();
                    seen.accumulateAndGet(n, Math::max);
                    return n > 0;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        assertThrows(java.util.concurrent.CancellationException.class, () -> MosaicPipeline.reproject(tmp.resolve("out"),
                pair, new org.tessera.config.Config(), esc));
        assertEquals(2, seen.get(), "cancelled with both copies made");
        assertEquals(List.of(), copies());
    }

    @Test
    void aFailedRunLeavesNoCopy() throws IOException {
        assumeTrue(Files.exists(DSS) && Files.exists(NGC7023), "../shared/data beside the checkout");
        Path in = Files.createDirectories(tmp.resolve("packed"));
        CompressedFixtures.gzip(DSS.resolve("dss_test1.fits"), in.resolve("dss_test1.fits.gz"));
        Path seestar;
        try (Stream<Path> s = Files.list(NGC7023)) {
            seestar = s.filter(p -> p.toString().endsWith(".fit")).sorted().findFirst().orElseThrow();
        }
        CompressedFixtures.fpack(seestar, in.resolve("seestar.fit.fz"), Compression.ZCMPTYPE_RICE_1, null);
        // two fields 100 degrees apart: the run stops after reading both, with the copies made
        assertEquals(2, cli("-q", "reproject", tmp.resolve("out").toString(), in.toString()), out + err);
        assertEquals(List.of(), copies());
        assertTrue(err.contains("the 2 image(s) are of 2 separate fields") && err.contains("(first: seestar.fit.fz)")
                && err.contains("(first: dss_test1.fits.gz)"), err); // named as given, never as their copies
        assertTrue(Files.readString(tmp.resolve("out/tessera.log")).contains("compressed inputs are read through plain copies"));
    }

}
