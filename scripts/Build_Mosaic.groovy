#@ File (label = "Input folder (empty: built-in default sky)", style = "directory", required = false) input
#@ File (label = "Output folder", style = "directory") output
#@ String (label = "Mode", choices = {"classic", "sds"}, value = "classic") mode
#@ String (label = "Rejection", choices = {"winsorized_sigma_clip", "kappa_sigma", "linear_fit_clip", "none"}) rejection
#@ String (label = "Settings (key=value ...)", value = "", required = false) settings
#@output String mosaic
#@output String preview

// Tessera example (Groovy): build a mosaic from a folder of FITS frames with the Java API.
// Fiji: open in the Script Editor (File > Open...) and Run; Fiji asks for the parameters above.
// The same job as Plugins > Tessera > Build Mosaic, written out to show the API: a Config (defaults,
// then your keys), a Progress, the run log, and MosaicPipeline.mosaic.

import ij.IJ
import org.tessera.Progress
import org.tessera.command.HeadlessExit
import org.tessera.command.JobSettings
import org.tessera.config.Config
import org.tessera.pipeline.MosaicPipeline
import org.tessera.pipeline.OutputRun

try {   // a failure ends a headless Fiji with status 1 when TESSERA_EXIT_ON_FAILURE=1 (see the end)
    def config = new Config()
    config.put("sds_mode_default", mode == "sds")   // SDS mode (mosaic first) or Classic
    config.set("stacking_rejection_algorithm=" + rejection)
    // e.g. stacking_kappa_low=2.5; split as the menus do: spaces, new lines or ';', "double quotes" keep spaces
    JobSettings.split(settings).each { config.set(it) }

    def inputs = (input != null && input.path) ? [input.toPath()] : []   // [] = the built-in default sky
    IJ.resetEscape()
    def owner = Thread.currentThread()
    Progress progress = new Progress() {
        int lastPercent = -10

        void update(double fraction, String message) {
            int percent = (int) (fraction * 100)
            if (percent >= lastPercent + 10 || fraction >= 1) {   // one line per 10 %
                lastPercent = percent
                println String.format("%3d%% %s", percent, message ?: "")
            }
        }

        boolean cancelled() {   // Esc in Fiji, or the Script Editor's Kill: the run stops within a band or tile
            IJ.escapePressed() || owner.isInterrupted()
        }
    }

    // The output folder held (another run writing there stops this one at once), then <output>/tessera.log opened
    def run = OutputRun.folder(output.toPath(), false)
    try {
        def outcome = MosaicPipeline.mosaic(inputs, output.toPath(), config, progress)
        outcome.skipped().each { println "skipped ${it.file()}: ${it.reason()}" }
        outcome.notApplied().each { println "${it.output()}: ${it.step()} not applied, ${it.reason()}" }   // e.g. the DBE, after it failed
        mosaic = outcome.mosaic()?.toString()
        preview = outcome.preview()?.toString()
        println "Mosaic: ${mosaic}"
    } finally {
        run.close()
    }
} catch (Throwable e) {
    // Headless Fiji logs a script's exception and exits 0; asked, this ends it with status 1 (after tessera.log is closed)
    HeadlessExit.scriptFailed(e)
    throw e
}
