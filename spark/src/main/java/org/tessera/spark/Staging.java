package org.tessera.spark;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.stream.Stream;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The driver's side of a run whose inputs or output folder are URIs ({@link FsAccess}): the driver
 * works in a local folder as on one machine and names each file to the tasks by where it really
 * is. Inputs named by a URI are copied into the driver's scratch folder (the driver reads their
 * headers; the executors fetch the frames their tasks need by URI); files under the local output
 * folder are named by their place under the output URI, where the tasks put what they write, and
 * what the driver writes (mosaic, coverage, preview, log, WCS cache) is put there at the end.
 * A run with plain paths only is the identity: every name is the path.
 */
final class Staging {

    private static final Logger LOG = Logger.getLogger("org.tessera.spark");

    final FsAccess fs;
    private final Path localOut;
    private final String outUri; // null: the output folder is a path
    private final Map<Path, String> inputUris = new HashMap<>();
    private final java.util.Set<Path> put = new java.util.HashSet<>();

    private Staging(FsAccess fs, Path localOut, String outUri) {
        this.fs = fs;
        this.localOut = localOut;
        this.outUri = outUri == null ? null : outUri.replaceAll("/+$", "");
    }

    /** Plain paths: every name is the path. */
    static Staging local(JavaSparkContext sc, Path outputDir) {
        return new Staging(access(sc), outputDir, null);
    }

    /** Output at {@code outUri} (a URI), worked on in {@code localOut}. */
    static Staging remote(JavaSparkContext sc, Path localOut, String outUri) {
        return new Staging(access(sc), localOut, outUri);
    }

    /** The driver's {@code spark.hadoop.*} settings, for the executors' file system clients. */
    static FsAccess access(JavaSparkContext sc) {
        Map<String, String> conf = new HashMap<>();
        for (scala.Tuple2<String, String> t : sc.getConf().getAll())
            if (t._1().startsWith("spark.hadoop.")) conf.put(t._1().substring("spark.hadoop.".length()), t._2());
        return new FsAccess(Map.copyOf(conf));
    }

    boolean remoteOutput() {
        return outUri != null;
    }

    /** An input (file or folder): a path as it is; a URI copied into {@code scratch}, each file remembered by its URI. */
    Path stageIn(String input, Path scratch) throws IOException {
        if (!FsAccess.isUri(input)) return Path.of(input);
        URI uri = URI.create(input);
        FileSystem hfs = fs.fs(input);
        org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(uri);
        if (!hfs.exists(src)) throw new IOException(input + ": input does not exist");
        Path local = Files.createDirectories(scratch).resolve(src.getName().isEmpty() ? "input" : src.getName());
        LOG.info("[READ] copying " + input + " to the driver's scratch folder " + local + " (headers and stack plan read there)");
        hfs.copyToLocalFile(false, src, new org.apache.hadoop.fs.Path(local.toUri()), true);
        FileStatus st = hfs.getFileStatus(src);
        String base = st.getPath().toString().replaceAll("/+$", "");
        try (Stream<Path> files = Files.walk(local)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String rel = local.relativize(f).toString().replace('\\', '/');
                inputUris.put(f.toAbsolutePath().normalize(), rel.isEmpty() ? base : base + "/" + rel);
            }
        }
        return local;
    }

    /** How a task names the file the driver knows at {@code local}: its input URI, its place under the output URI, or the path. */
    String ref(Path local) {
        Path p = local.toAbsolutePath().normalize();
        String in = inputUris.get(p);
        if (in != null) return in;
        if (outUri != null && p.startsWith(localOut)) return outUri + "/" + localOut.relativize(p).toString().replace('\\', '/');
        return p.toString();
    }

    /** Brings what a task put at {@code ref} to the driver's {@code local} path (nothing to do for a path). */
    Path pull(String ref, Path local) throws IOException {
        if (!FsAccess.isUri(ref)) return Path.of(ref);
        Files.createDirectories(local.getParent());
        put.add(local.toAbsolutePath().normalize()); // already at its place under the output URI
        fs.fs(ref).copyToLocalFile(false, new org.apache.hadoop.fs.Path(URI.create(ref)),
                new org.apache.hadoop.fs.Path(local.toUri()), true);
        return local;
    }

    /**
     * Puts the driver's output folder ({@code sub}: that folder of it, null: all) at the output URI;
     * the tiles the tasks put there already are not copied again.
     */
    void publish(String sub) throws IOException {
        if (outUri == null) return;
        FileSystem hfs = fs.fs(outUri);
        Path from = sub == null ? localOut : localOut.resolve(sub);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String rel = localOut.relativize(f).toString().replace('\\', '/');
                if (sub == null && put.contains(f.toAbsolutePath().normalize())) continue;
                hfs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(f.toUri()),
                        new org.apache.hadoop.fs.Path(URI.create(outUri + "/" + rel)));
            }
        }
        if (sub == null) LOG.info("[P5] outputs put at " + outUri);
    }

    /** Removes a scratch folder of the driver. */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warning("cannot remove the scratch folder " + dir + ": " + e.getMessage());
        }
    }
}
