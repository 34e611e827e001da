package org.tessera.command;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.tessera.config.Config;
import org.tessera.gpu.GpuService;
import org.tessera.gpu.GpuSettings;

/**
 * Plugins › Tessera › About Tessera: version, where the documentation is, and the GPU as a run
 * with the default settings would find it (the report {@code tessera gpu} prints), so that a Fiji
 * user can see whether runs will use the GPU without starting one.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Tessera>About Tessera", headless = true)
public class AboutTesseraCommand implements Command {

    @Parameter(label = "About Tessera", type = ItemIO.OUTPUT)
    String about;

    /** The context's GPU service; without one (a bare context) the GPU paragraph is left out. */
    @Parameter(required = false)
    GpuService gpuService;

    @Override
    public void run() {
        about = text() + (gpuService == null ? "" : "\n\n" + gpu(gpuService));
    }

    static String text() {
        return "Tessera " + TesseraVersion.get() + "\n"
                + "Stacks astronomical sub-frames into master tiles and coadds them into one sky mosaic.\n"
                + "Menus: Plugins > Tessera > Build Mosaic, Stack Frames, Reproject and Coadd.\n"
                + "Command line: bin/tessera --help. User guide: docs/user-guide.md.\n"
                + "https://github.com/tessera-astro/tessera (GPL-3.0-or-later)";
    }

    /** The health check of {@code tessera gpu} with the default settings; a failed check is its own answer. */
    static String gpu(GpuService gpu) {
        Config defaults = new Config();
        try {
            return gpu.health(defaults).report(GpuSettings.fromConfig(defaults)).strip();
        } catch (RuntimeException e) {
            return "GPU: not usable\nreason: " + Errors.describe(e) + "\nruns: every step runs on the CPU";
        }
    }
}
