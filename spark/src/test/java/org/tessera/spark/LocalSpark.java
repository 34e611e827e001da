package org.tessera.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The test classes' one Spark context, {@code local[2,2]}: two task threads, each task tried twice
 * (as CI's 2 cores allow); started once for the whole test JVM (a JVM holds one context at a
 * time), stopped when the JVM ends.
 */
final class LocalSpark {
    private LocalSpark() {}

    private static JavaSparkContext sc;

    static synchronized JavaSparkContext context() {
        if (sc == null) {
            sc = new JavaSparkContext(new SparkConf().setMaster("local[2,2]").setAppName("tessera-test")
                    .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                    .set("spark.driver.bindAddress", "127.0.0.1"));
            sc.setLogLevel("WARN");
            JavaSparkContext started = sc;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return sc;
    }

    /** Appends a line to a log file that every task attempt can reach (executors are other threads, or machines). */
    static void log(String file, String line) {
        try {
            Files.writeString(Path.of(file), line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A task fault that, in the task of master tile {@code group} (or Grid tile {@code tile}), waits
     * up to 30 s until the run manifest {@code manifest} records a finished piece, then logs
     * "seen:N" (N pieces recorded): the driver records each piece as its task ends, not once every
     * task has ended (then this task, still running, would see none).
     */
    record WaitsForARecord(String manifest, String log, int group, int tile) implements SparkMosaic.TaskFault {
        @Override public void after(int groupId, int attempt) {
            if (groupId == group && attempt == 0) waitAndLog();
        }

        @Override public void afterGridTile(int id, int attempt) {
            if (id == tile && attempt == 0) waitAndLog();
        }

        private void waitAndLog() {
            long deadline = System.currentTimeMillis() + 30_000;
            int seen = 0;
            while ((seen = recorded()) == 0 && System.currentTimeMillis() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            LocalSpark.log(log, "seen:" + seen);
        }

        private int recorded() {
            try {
                Object o = org.tessera.config.Json.parse(Files.readString(Path.of(manifest)));
                return o instanceof java.util.Map<?, ?> m && m.get("tiles") instanceof java.util.Map<?, ?> t ? t.size() : 0;
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }
    }
}
