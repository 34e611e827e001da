package org.tessera.spark;

import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.tessera.io.DecompressedCopies;

/**
 * How a task reaches the files of a run, named by a local path or by a URI of any Hadoop-compatible
 * file system ({@code hdfs://}, {@code s3a://}, {@code file:}…; Hadoop's {@link FileSystem} API,
 * which Spark ships). A local path is used as it is (a shared POSIX file system); a URI's file is
 * copied once into the application's scratch folder on the executor ({@link SparkFiles}, removed
 * with the application) and opened there, and a file a task writes is written there and then put
 * at its URI (a temporary name, then renamed, so an attempt that dies leaves no half file).
 *
 * @param hadoopConf the driver's {@code spark.hadoop.*} settings (credentials, endpoints), applied on
 *                   the executors over the cluster's Hadoop configuration
 */
record FsAccess(Map<String, String> hadoopConf) implements Serializable {

    /** Whether this process's decompressed copies were placed in its scratch. */
    private static final java.util.concurrent.atomic.AtomicBoolean COPIES_PLACED = new java.util.concurrent.atomic.AtomicBoolean();

    /** True for a URI with a scheme ({@code hdfs:}, {@code s3a:}, {@code file:}), not a plain path (nor {@code C:\…}). */
    static boolean isUri(String ref) {
        int colon = ref.indexOf(':');
        if (colon < 2) return false;
        try {
            return new URI(ref).getScheme() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    Configuration configuration() {
        Configuration c = new Configuration();
        for (Map.Entry<String, String> e : hadoopConf.entrySet()) c.set(e.getKey(), e.getValue());
        return c;
    }

    FileSystem fs(String uri) throws IOException {
        FileSystem fs = FileSystem.get(URI.create(uri), configuration());
        fs.setWriteChecksum(false); // no .crc files beside the outputs on file: URIs
        return fs;
    }

    /**
     * A local file for {@code ref}: the path itself, or the URI's file copied into this process's
     * scratch (once). A compressed frame is read through a plain copy ({@code io.DecompressedCopies}),
     * made here in the same scratch, on the disks the cluster gives its jobs, and removed with the
     * application: no run on an executor would delete them, and {@code java.io.tmpdir} may be small.
     */
    Path fetch(String ref) throws IOException {
        if (COPIES_PLACED.compareAndSet(false, true))
            DecompressedCopies.placeUnder(scratch(), "give the executors' scratch more room (spark.local.dir, "
                    + "or SPARK_LOCAL_DIRS / the cluster manager's local directories)");
        if (!isUri(ref)) return Path.of(ref);
        Path dir = Files.createDirectories(scratch().resolve("in").resolve(digest(ref)));
        String name = new org.apache.hadoop.fs.Path(URI.create(ref)).getName();
        Path local = dir.resolve(name);
        org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(URI.create(ref));
        FileSystem fs = fs(ref);
        long size = fs.getFileStatus(src).getLen();
        if (Files.isRegularFile(local) && Files.size(local) == size) return local; // fetched by an earlier task
        Path tmp = Files.createTempFile(dir, name, ".part");
        try {
            fs.copyToLocalFile(false, src, new org.apache.hadoop.fs.Path(tmp.toUri()), true);
            Files.move(tmp, local, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return local;
    }

    /** Where a task writes a file that goes to {@code ref}: next to it for a path, a fresh scratch folder for a URI. */
    Path writeDir(String ref) throws IOException {
        if (!isUri(ref)) return Path.of(ref).toAbsolutePath().getParent();
        return Files.createTempDirectory(Files.createDirectories(scratch().resolve("out")), "task");
    }

    /** Puts the finished local file {@code local} at {@code ref} (a path: moved there; a URI: copied up, then renamed). */
    void put(Path local, String ref) throws IOException {
        if (!isUri(ref)) {
            if (!local.toAbsolutePath().equals(Path.of(ref).toAbsolutePath()))
                Files.move(local, Path.of(ref), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        FileSystem fs = fs(ref);
        org.apache.hadoop.fs.Path dst = new org.apache.hadoop.fs.Path(URI.create(ref));
        TaskContext ctx = TaskContext.get();
        org.apache.hadoop.fs.Path tmp = dst.suffix(".tmp" + (ctx != null ? ctx.taskAttemptId() : System.nanoTime()));
        fs.mkdirs(dst.getParent());
        fs.copyFromLocalFile(true, true, new org.apache.hadoop.fs.Path(local.toUri()), tmp);
        fs.delete(dst, false); // rename does not replace on HDFS
        if (!fs.rename(tmp, dst)) {
            fs.delete(tmp, false);
            throw new IOException("cannot rename " + tmp + " to " + dst);
        }
    }

    /** Removes {@code ref} if it exists. */
    void delete(String ref) throws IOException {
        if (!isUri(ref)) Files.deleteIfExists(Path.of(ref));
        else fs(ref).delete(new org.apache.hadoop.fs.Path(URI.create(ref)), false);
    }

    /** The application's scratch folder on this process (Spark deletes it when the application ends). */
    static Path scratch() throws IOException {
        return Files.createDirectories(Path.of(SparkFiles.getRootDirectory()).resolve("tessera"));
    }

    private static String digest(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every Java runtime", e);
        }
    }
}
