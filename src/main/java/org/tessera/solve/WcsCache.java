package org.tessera.solve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.logging.Logger;

import nom.tam.fits.Header;

import org.tessera.wcs.FitsWcs;

/**
 * The WCS found for each input file (solved, or derived from its group reference's solution and
 * its registration), kept in the output folder ({@value #DIR}/, one header-only FITS file per
 * input) so that a rerun does not solve again. An entry is keyed by the input's absolute path,
 * size and modification time: a file replaced or edited since is solved again. The inputs
 * themselves are never written. Entries are written to a temporary file and renamed, so an
 * interrupted run leaves no half entry.
 */
public final class WcsCache {

    private static final Logger LOG = Logger.getLogger("org.tessera.solve");

    /** Folder of the cache inside the output folder. */
    public static final String DIR = "solved_wcs";

    private final Path dir;

    /** A cached solution and how it was found ("solve-field", "registered on X …"). */
    public record Entry(FitsWcs wcs, String how) {}

    public WcsCache(Path outputDir) {
        this.dir = outputDir.resolve(DIR);
    }

    public Path dir() {
        return dir;
    }

    /** The cached WCS of {@code input}, or null when there is none or the file changed since. */
    public Entry lookup(Path input) {
        Path f = entryFile(input);
        if (!Files.isRegularFile(f)) return null;
        try {
            Header h = HeaderFiles.read(f);
            BasicFileAttributes a = Files.readAttributes(input, BasicFileAttributes.class);
            if (!key(input).equals(h.getStringValue("SRCPATH"))
                    || a.size() != h.getLongValue("SRCSIZE", -1) || a.lastModifiedTime().toMillis() != h.getLongValue("SRCMTIME", -1))
                return null;
            return new Entry(Solvers.toWcs(h), h.getStringValue("SOLVEDBY"));
        } catch (Exception e) {
            LOG.fine("[SOLVE] cache entry " + f + " unusable, solving again: " + e);
            return null;
        }
    }

    /** Records the WCS of {@code input}; a failure to write is logged, never fatal (the run goes on uncached). */
    public void store(Path input, FitsWcs wcs, String how) {
        Path f = entryFile(input);
        try {
            Files.createDirectories(dir);
            BasicFileAttributes a = Files.readAttributes(input, BasicFileAttributes.class);
            Header h = HeaderFiles.empty();
            // SRCPATH (an absolute path) and SOLVEDBY rarely fit one card: their CONTINUE cards
            // follow the OGIP convention, which LONGSTRN announces (fitsverify warns without it)
            h.addValue("LONGSTRN", "OGIP 1.0", "long strings use the CONTINUE convention");
            h.addValue("SRCPATH", key(input), "input file (URI)");
            h.addValue("SRCSIZE", a.size(), "input size, bytes");
            h.addValue("SRCMTIME", a.lastModifiedTime().toMillis(), "input modification time, ms since 1970");
            h.addValue("SOLVEDBY", ascii(how), "how this WCS was found");
            wcs.writeTo(h);
            HeaderFiles.write(h, f);
        } catch (IOException | RuntimeException e) {
            LOG.warning("[SOLVE] cannot cache the WCS of " + input + " in " + f + ": " + e.getMessage());
        }
    }

    /** FITS strings are printable ASCII: degree and arcsecond signs spelled out, anything else dropped. */
    static String ascii(String s) {
        return s.replace("°", " deg").replace("″", "\"").replaceAll("[^\\x20-\\x7E]", "");
    }

    /** The input's absolute path as an ASCII URI (FITS strings are ASCII; names need not be). */
    private static String key(Path input) {
        return input.toAbsolutePath().normalize().toUri().toASCIIString();
    }

    private Path entryFile(Path input) {
        String key = key(input);
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest(key.getBytes(StandardCharsets.UTF_8));
            String name = input.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
            if (name.length() > 80) name = name.substring(0, 80);
            return dir.resolve(name + "." + HexFormat.of().formatHex(d, 0, 6) + ".wcs");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every Java runtime", e);
        }
    }
}
