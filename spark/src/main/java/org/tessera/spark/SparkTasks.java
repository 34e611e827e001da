package org.tessera.spark;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.tessera.ProgressParts;

import scala.Function1;
import scala.Function2;
import scala.collection.Iterator;
import scala.reflect.ClassTag;
import scala.runtime.BoxedUnit;

/**
 * One Spark task per item, with each task's end reported on the driver as it comes: Spark hands
 * the driver each partition's result when its task ends ({@code SparkContext.runJob} with a result
 * handler), so the bar moves by the weight of every finished task (its expected work, from the
 * pipeline's {@code WorkBar}) instead of standing still until the whole job is collected.
 */
final class SparkTasks {
    private SparkTasks() {}

    /**
     * {@code fn} applied to each item on the executors, one task each; the results in item order.
     * Task k's end moves {@code parts.part(k)} to 1 with the message "{@code what} f/n" (f: tasks
     * finished); {@code parts} has at least one part per item (parts after the items' are the
     * caller's: the driver's own work after the tasks).
     */
    static <T, R> List<R> run(JavaSparkContext sc, List<T> items, Function<T, R> fn, ProgressParts parts, String what) {
        try {
            return run(sc, items, fn, parts, what, (i, r) -> {});
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // the no-op above throws none
        }
    }

    /** Told on the driver of task {@code index}'s result as that task ends, while the others may still run. */
    @FunctionalInterface
    interface Arrived<R> {
        void result(int index, R result) throws IOException;
    }

    /**
     * {@link #run(JavaSparkContext, List, Function, ProgressParts, String)}, each result handed to
     * {@code arrived} on the driver as its task ends (one at a time): what the driver keeps of a
     * task (a master tile's record for resume) is kept then, not only once every task has ended,
     * so a driver stopped midway keeps what was finished. The first exception {@code arrived}
     * throws is thrown once the job has ended.
     */
    static <T, R> List<R> run(JavaSparkContext sc, List<T> items, Function<T, R> fn, ProgressParts parts, String what,
                              Arrived<R> arrived) throws IOException {
        int n = items.size();
        if (n == 0) return new ArrayList<>();
        if (parts.size() < n) throw new IllegalArgumentException(parts.size() + " progress parts for " + n + " tasks");
        // n slices of n items: partition k holds item k, so the handler's index is the item's
        JavaRDD<R> mapped = sc.parallelize(items, n).map(fn);
        Object[] out = new Object[n];
        AtomicInteger finished = new AtomicInteger();
        Exception[] failed = new Exception[1];
        Function2<Object, R, BoxedUnit> handler = (k, r) -> {
            int i = (Integer) k;
            out[i] = r;
            try {
                arrived.result(i, r);
            } catch (IOException | RuntimeException e) {
                synchronized (failed) {
                    if (failed[0] == null) failed[0] = e;
                }
            }
            parts.update(i, 1, what + " " + finished.incrementAndGet() + "/" + n);
            return BoxedUnit.UNIT;
        };
        @SuppressWarnings("unchecked") ClassTag<R> tag = (ClassTag<R>) (ClassTag<?>) scala.reflect.ClassTag$.MODULE$.AnyRef();
        sc.sc().runJob(mapped.rdd(), SparkTasks.<R>first(), handler, tag);
        synchronized (failed) {
            if (failed[0] instanceof IOException e) throw e;
            if (failed[0] instanceof RuntimeException e) throw e;
        }
        @SuppressWarnings("unchecked") List<R> list = (List<R>) (List<?>) new ArrayList<>(Arrays.asList(out));
        return list;
    }

    /** A partition's one result (shipped to the executors: serializable, captures nothing). */
    private static <R> Function1<Iterator<R>, R> first() {
        return (Function1<Iterator<R>, R> & Serializable) Iterator::next;
    }
}
