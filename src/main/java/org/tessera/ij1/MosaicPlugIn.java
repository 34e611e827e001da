package org.tessera.ij1;

import java.util.List;

import org.tessera.command.Job;

/**
 * Plugins › Tessera › Build Mosaic...:
 * {@code run("Build Mosaic...", "input=[/data/frames] output=[/data/out] mode=sds rejection=kappa_sigma");}
 * An empty input builds the built-in default sky.
 */
public class MosaicPlugIn extends TesseraPlugIn {

    static final List<Field> FIELDS = List.of(
            Field.folder("input", "Input folder (empty: built-in default sky)"),
            Field.folder("output", "Output folder"),
            CONFIG, MODE, REJECTION, COMBINE, DEMOSAIC, GPU, SETTINGS, COVERAGE);

    public MosaicPlugIn() {
        super(Job.MOSAIC, "Tessera: Build Mosaic", FIELDS);
    }
}
