package org.tessera.command;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins › Tessera › About Tessera: version and where the documentation is. */
@Plugin(type = Command.class, menuPath = "Plugins>Tessera>About Tessera", headless = true)
public class AboutTesseraCommand implements Command {

    @Parameter(label = "About Tessera", type = ItemIO.OUTPUT)
    String about;

    @Override
    public void run() {
        about = text();
    }

    static String text() {
        return "Tessera " + TesseraVersion.get() + "\n"
                + "Stacks astronomical sub-frames into master tiles and coadds them into one sky mosaic.\n"
                + "Menus: Plugins > Tessera > Build Mosaic, Stack Frames, Reproject and Coadd.\n"
                + "Command line: bin/tessera --help. User guide: docs/user-guide.md.\n"
                + "https://github.com/tessera-astro/tessera (GPL-3.0-or-later)";
    }
}
