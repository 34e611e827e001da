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
}
