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
import org.tessera.pipeline.OutputLock;

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

    /**
     * An input (file or folder): a path as it is; a URI copied into {@code scratch}, each file
     * remembered by its URI. Only Grid mode's stack plans are staged so ({@link #isGridPlan}); the
     * frames of a Classic run are listed ({@link #listIn}), never copied to the driver.
     */
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

    /**
     * True when the input URI is a Grid mode stack plan (a {@code .csv} file, or a folder holding
     * {@code stack_plan.csv}): the driver needs the plan and its frames' headers ({@link #stageIn}).
     */
    boolean isGridPlan(String input) throws IOException {
        FileSystem hfs = fs.fs(input);
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(URI.create(input));
        if (!hfs.exists(p)) throw new IOException(input + ": input does not exist");
        if (hfs.getFileStatus(p).isFile()) return p.getName().toLowerCase(java.util.Locale.ROOT).endsWith(".csv");
        return hfs.exists(new org.apache.hadoop.fs.Path(p, org.tessera.pipeline.MosaicPipeline.STACK_PLAN));
    }

    /**
     * The FITS files of an input URI (a file, or a folder searched recursively), listed through the
     * file system without copying anything: each is named by a stand-in path under {@code scratch}
     * (which is never written) that {@link #ref} maps back to its URI. Files under the output URI are
     * left out (Tessera's outputs are no frames).
     */
    List<Path> listIn(String input, Path scratch) throws IOException {
        FileSystem hfs = fs.fs(input);
        org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(URI.create(input));
        if (!hfs.exists(src)) throw new IOException(input + ": input does not exist");
        FileStatus top = hfs.getFileStatus(src);
        String base = top.getPath().toString().replaceAll("/+$", "");
        Path root = scratch.toAbsolutePath().normalize().resolve(src.getName().isEmpty() ? "input" : src.getName());
        List<Path> files = new java.util.ArrayList<>();
        if (top.isFile()) { // named explicitly: taken whatever its extension
            inputUris.put(root, base);
            return List.of(root);
        }
        String outPrefix = outUri == null ? null : hfs.makeQualified(new org.apache.hadoop.fs.Path(URI.create(outUri))) + "/";
        org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> it = hfs.listFiles(src, true);
        int outputs = 0;
        while (it.hasNext()) {
            String uri = it.next().getPath().toString();
            if (!uri.startsWith(base + "/")) continue;
            if (!org.tessera.io.FrameScanner.isFrameName(Path.of(uri.substring(uri.lastIndexOf('/') + 1)))) continue;
            if (outPrefix != null && uri.startsWith(outPrefix)) { outputs++; continue; }
            Path stand = root.resolve(uri.substring(base.length() + 1)).normalize();
            inputUris.put(stand, uri);
            files.add(stand);
        }
        if (outputs > 0) LOG.info("[READ] output folder " + outUri + " lies inside the input folder: its "
                + outputs + " file(s) not taken as frames");
        LOG.info("[READ] " + input + ": " + files.size() + " FITS file(s) listed (their headers are read by the executors)");
        return files;
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
                if (rel.equals(OutputLock.FILE)) continue; // the driver's own run guard, no output
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
