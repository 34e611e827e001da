package org.tessera.cli;

import org.tessera.command.Job;

/** The help texts of {@code tessera --help} and {@code tessera COMMAND --help}. */
final class Usage {
    private Usage() {}

    private static final String OPTIONS = """
            Options:
              -c, --config FILE     JSON config overlaying the defaults (ZeMosaic key names)
              -s, --set KEY=VALUE   set one config key, after --config (repeatable, one value per key)
              -q, --quiet           no progress; only warnings, errors and the output paths
              -v, --verbose         debug detail on the console, stack traces on errors
              -h, --help            this help
              -V, --version         print the version

            Exit status: 0 success, 1 some inputs were skipped (each is named with the reason) or a
            step was not applied to an output that was kept (the final background extraction after it
            failed), 2 usage or fatal error, 130 (143) stopped by Ctrl-C (kill). Each run appends its
            full log to tessera.log in the output folder.
            Config keys and their defaults: docs/user-guide.md.
            """;

    static final String GPU = """
            Usage: tessera gpu [--config FILE] [--set KEY=VALUE]...

            Checks the GPU as a run would (driver, device gpu_id_phase5, a tiny allocation and
            kernel) and prints the result, the reason when it is not usable, free / total VRAM,
            and which steps a run with these settings puts on the GPU (use_gpu_phase5,
            use_gpu_grid). gpu_simulate=... checks the simulated device instead. -v shows the
            check's debug lines on stderr.
            Exit status: 0 the GPU is usable, 1 it is not, 2 usage error.
            """;

    static String text(Job job) {
        if (job == null) {
            return """
                    Usage: tessera COMMAND [OPTIONS] ARGS...

                    Tessera stacks astronomical sub-frames into master tiles and coadds them into
                    one sky mosaic.

                    Commands:
                      mosaic [INPUT_DIR] [OUTPUT_DIR]  frames -> master tiles -> mosaic
                                                       (no INPUT_DIR: the built-in default sky;
                                                       OUTPUT_DIR defaults to ./tessera-out)
                      stack OUTPUT.fits FRAME...       frames -> one stacked master tile
                      reproject OUTPUT_DIR IMAGE...    images with a WCS -> one coadded mosaic
                      gpu                              the GPU health report (driver, device, VRAM)

                    'tessera COMMAND --help' describes one command.

                    """ + OPTIONS;
        }
        return switch (job) {
            case MOSAIC -> """
                    Usage: tessera mosaic [OPTIONS] [INPUT_DIR] [OUTPUT_DIR]
                           tessera mosaic [OPTIONS] [INPUT_DIR] --output OUTPUT_DIR

                    Reads the FITS frames (*.fit, *.fits, *.fts, also gzip'ed .gz or fpack'ed
                    .fz) of INPUT_DIR and its subfolders (not those of OUTPUT_DIR), groups them by sky
                    position, stacks each group into a master tile and coadds the tiles into one
                    mosaic. A folder holding stack_plan.csv (or a .csv stack plan named as
                    INPUT_DIR) runs in Grid mode: tiles/, mosaic_grid.fits,
                    mosaic_grid_coverage.fits, mosaic_grid_preview.png. Without INPUT_DIR the
                    built-in default sky (synthetic frames) is used. --mode sds runs SDS mode
                    (mosaic first: batches of frames that each cover the field coadded onto one
                    grid, then stacked; no master tiles; sds_megatiles/ instead), Classic when no
                    batch covers the field; Grid mode keeps priority. A rerun into the same
                    OUTPUT_DIR reuses the finished master tiles or mega-tiles (resume=auto; not
                    Grid mode, which makes its tiles again) and the plate solutions.
                    Writes OUTPUT_DIR (default ./tessera-out): mosaic.fits, mosaic_coverage.fits,
                    mosaic_preview.png, master_tiles/, tessera.log.

                      -o, --output DIR      output folder (instead of the second argument)
                      --mode classic|sds    Classic (master tiles first) or SDS (mosaic first);
                                            the same as --set sds_mode_default=false|true (the
                                            config's value when not given; both given must agree)
                    """ + OPTIONS;
            case STACK -> """
                    Usage: tessera stack [OPTIONS] OUTPUT.fits FRAME...

                    Stacks the frames (FITS files, or folders of them: a folder's own files, not
                    its subfolders') of one field into a master
                    tile on the grid of the central frame: OUTPUT.fits with an ALPHA extension.
                    Frames without WCS (raw subs) are plate-solved or registered first, as by
                    mosaic. tessera.log and solved_wcs/ go beside OUTPUT.fits. An existing
                    OUTPUT.fits is replaced only when Tessera wrote it (never a frame).

                    """ + OPTIONS;
            case REPROJECT -> """
                    Usage: tessera reproject [OPTIONS] OUTPUT_DIR IMAGE...

                    Reprojects FITS images that carry a WCS (files, or folders of them: a folder's
                    own files; e.g. master tiles) onto one optimal grid and coadds them: OUTPUT_DIR/mosaic.fits,
                    mosaic_coverage.fits, mosaic_preview.png, tessera.log.

                    """ + OPTIONS;
        };
    }
}
