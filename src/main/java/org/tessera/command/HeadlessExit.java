package org.tessera.command;

import java.awt.GraphicsEnvironment;
import java.util.Locale;
import java.util.function.IntConsumer;

import org.tessera.UserMessages;

/**
 * A failed command ends a headless Fiji process with exit status 1, when the user asks for it.
 * <p>
 * Headless Fiji exits 0 whatever its commands did: {@code --run} hands a command's or a script's
 * exception to the log (scijava-common's {@code DefaultStartupService.executeOperations}) and a
 * cancelled command returns normally; after the console arguments the gateway disposes the context
 * and {@code main} returns ({@code AbstractGateway.launch}); {@code -batch} ends with
 * {@code System.exit(0)} (imagej-legacy's {@code LegacyCommandline.handleBatchExit}). A shell
 * script therefore cannot tell a failed mosaic from a made one by the status.
 * <p>
 * Tessera cannot exit on its own: a headless context also lives inside other programs (pyimagej in
 * a Python session, a server, a notebook), which {@code System.exit} would kill, and nothing tells
 * them apart from a launcher's process. So the user asks for it: with the environment variable
 * {@value #ENV}{@code =1} (or the JVM option {@code -D}{@value #PROPERTY}{@code =true}), a command
 * that fails in a headless context prints {@code Tessera: <reason>} on standard error and exits
 * with status 1, as the ImageJ 1 plugins do under {@code ImageJ -batch}. Never with a user
 * interface shown, never for a run the user cancelled.
 */
public final class HeadlessExit {
    private HeadlessExit() {}

    static final String ENV = "TESSERA_EXIT_ON_FAILURE";
    static final String PROPERTY = "tessera.exitOnFailure";

    /** How the JVM is ended; tests put a recorder here. */
    static volatile IntConsumer exit = System::exit;

    /** Whether the user asked a failed headless run to end the process. */
    static boolean asked() {
        return yes(System.getProperty(PROPERTY)) || yes(System.getenv(ENV));
    }

    private static boolean yes(String v) {
        if (v == null) return false;
        String s = v.trim().toLowerCase(Locale.ROOT);
        return s.equals("1") || s.equals("true") || s.equals("yes");
    }

    /**
     * For a script that calls the pipeline itself (the examples in {@code scripts/}): Fiji logs a
     * script's exception and exits 0 as after a failed command, so the script hands its failure
     * here before it rethrows it, and a headless process ends with status 1 when asked, as after a
     * failed Tessera command. {@code failure} is the exception, or the words of one a Jython script
     * raised itself; a cancel is no failure. Headless: {@code java.awt.headless}, which Fiji's
     * {@code --headless} sets.
     */
    public static void scriptFailed(Object failure) {
        if (failure instanceof Throwable t && UserMessages.isCancel(t)) return;
        failed(failure instanceof Throwable t ? Errors.describe(t) : String.valueOf(failure), GraphicsEnvironment.isHeadless());
    }

    /** After a failure worded {@code message}: ends the process with status 1 when headless and asked. */
    static void failed(String message, boolean headless) {
        if (!headless || !asked()) return;
        System.err.println("Tessera: " + message);
        System.err.flush();
        exit.accept(1);
    }
}
