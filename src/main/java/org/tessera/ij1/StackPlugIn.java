package org.tessera.ij1;

import java.util.List;

import org.tessera.command.Job;

/**
 * Plugins › Tessera › Stack Frames...:
 * {@code run("Stack Frames...", "input=[/data/frames] output=[/data/out/tile.fits] combine=median");}
 */
public class StackPlugIn extends TesseraPlugIn {

    static final List<Field> FIELDS = List.of(
            Field.folder("input", "Input frames folder (or a FITS file)"),
            Field.save("output", "Output FITS file"),
            CONFIG, REJECTION, COMBINE, DEMOSAIC, GPU, SETTINGS);

    public StackPlugIn() {
        super(Job.STACK, "Tessera: Stack Frames", FIELDS);
    }
}
