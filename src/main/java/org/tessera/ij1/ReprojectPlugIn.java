package org.tessera.ij1;

import java.util.List;

import org.tessera.command.Job;

/**
 * Plugins › Tessera › Reproject and Coadd...:
 * {@code run("Reproject and Coadd...", "input=[/data/tiles] output=[/data/out] kernel=lanczos3");}
 */
public class ReprojectPlugIn extends TesseraPlugIn {

    static final List<Field> FIELDS = List.of(
            Field.folder("input", "Input images folder (or a FITS file)"),
            Field.folder("output", "Output folder"),
            CONFIG, KERNEL, GPU, SETTINGS, COVERAGE);

    public ReprojectPlugIn() {
        super(Job.REPROJECT, "Tessera: Reproject and Coadd", FIELDS);
    }
}
