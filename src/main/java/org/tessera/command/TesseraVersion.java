package org.tessera.command;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Tessera's version: from the jar manifest, else Maven's pom.properties, else "development build". */
public final class TesseraVersion {
    private TesseraVersion() {}

    private static final String POM_PROPERTIES = "/META-INF/maven/org.tessera/tessera/pom.properties";

    public static String get() {
        String v = TesseraVersion.class.getPackage().getImplementationVersion();
        if (v != null && !v.isBlank()) return v;
        try (InputStream in = TesseraVersion.class.getResourceAsStream(POM_PROPERTIES)) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                v = p.getProperty("version");
                if (v != null && !v.isBlank()) return v;
            }
        } catch (IOException ignored) {
            // fall through: a version is nice to have, never worth failing for
        }
        return "development build";
    }
}
