package org.tessera.gpu;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs the tests tagged "gpu" of this package without Maven (the GPU machine has no Maven):
 * {@code java -cp … org.tessera.gpu.GpuSuite}. One line per test as it ends ({@code [suite] PASS|FAIL|ABORTED
 * Class.method (seconds): why}: a test aborted by its assumption says "no GPU: …"), then JUnit's
 * summary. Exit status 1 when a test failed, 2 when none passed (no GPU).
 */
public final class GpuSuite {
    private GpuSuite() {}

    public static void main(String[] args) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectPackage("org.tessera.gpu"))
                .filters(TagFilter.includeTags("gpu"))
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener, new PerTest());
        TestExecutionSummary s = listener.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        s.printFailuresTo(out, 30);
        s.printTo(out);
        System.exit(s.getTotalFailureCount() > 0 ? 1 : s.getTestsSucceededCount() == 0 ? 2 : 0);
    }

    /** Prints each test's verdict and time as it ends: what a run cut short by its timeout still shows. */
    private static final class PerTest implements TestExecutionListener {
        private final Map<String, Long> started = new ConcurrentHashMap<>();

        private static String name(TestIdentifier id) {
            return id.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast)
                    .map(m -> m.getClassName().substring(m.getClassName().lastIndexOf('.') + 1) + "." + m.getMethodName())
                    .orElse(id.getDisplayName());
        }

        @Override
        public void executionStarted(TestIdentifier id) {
            if (id.isTest()) started.put(id.getUniqueId(), System.nanoTime());
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            if (id.isTest()) System.out.println("[suite] SKIPPED " + name(id) + ": " + reason);
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult r) {
            if (!id.isTest()) return;
            double sec = (System.nanoTime() - started.getOrDefault(id.getUniqueId(), System.nanoTime())) / 1e9;
            String verdict = switch (r.getStatus()) {
                case SUCCESSFUL -> "PASS";
                case ABORTED -> "ABORTED";
                case FAILED -> "FAIL";
            };
            String why = r.getThrowable().map(t -> {
                String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
                return ": " + m.lines().findFirst().orElse("").replaceFirst("^Assumption failed: ", "");
            }).orElse("");
            System.out.println(String.format(Locale.ROOT, "[suite] %s %s (%.1f s)%s", verdict, name(id), sec, why));
        }
    }
}
