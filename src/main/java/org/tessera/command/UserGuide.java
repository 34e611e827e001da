package org.tessera.command;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;

import org.scijava.platform.PlatformService;
import org.scijava.ui.UIService;

/**
 * The dialogs' Help: the user guide online, or the copy bundled in the jar when no browser can be
 * opened (offline machines, a desktop without a browser).
 */
public final class UserGuide {
    private UserGuide() {}

    /** The guide's section on the Fiji menus and dialogs. */
    public static final String URL = "https://github.com/tessera-astro/tessera/blob/main/docs/user-guide.md#in-fiji";

    /** Where {@code mvn package} puts docs/user-guide.md inside the jar. */
    static final String BUNDLED = "/org/tessera/user-guide.md";

    /** One line for the dialogs, under their Help button. */
    public static final String LINE = "Help: " + URL + " (also bundled: Help shows it offline)";

    /** Opens the guide in a browser, else shows the bundled copy as text. */
    public static void open(PlatformService platform, UIService ui) {
        try {
            if (platform != null) {
                platform.open(new URL(URL));
                return;
            }
        } catch (IOException | RuntimeException e) {
            // no browser: fall through to the bundled copy
        }
        if (ui != null) ui.show("Tessera user guide", bundled());
    }

    /** The bundled guide's text, or a line saying where it is when the jar lacks it (a dev build). */
    public static String bundled() {
        try (InputStream in = UserGuide.class.getResourceAsStream(BUNDLED)) {
            if (in != null) return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            // fall through
        }
        return "The user guide is docs/user-guide.md in the Tessera sources: " + URL;
    }
}
