#@ File (label = "Folder of FITS images with a WCS", style = "directory") input
#@ File (label = "Output folder", style = "directory") output
#@ String (label = "Kernel", choices = {"bilinear", "nearest", "lanczos3", "exact"}) kernel
#@ String (label = "Settings (key=value ...)", value = "", required = false) settings
#@output String mosaic
#@output String coverage

# Tessera example (Jython): reproject images that carry a WCS (e.g. master tiles) onto one grid
# and coadd them, with the Java API.
# Fiji: open in the Script Editor (File > Open...) and Run; Fiji asks for the parameters above.
# The same job as Plugins > Tessera > Reproject and Coadd.

import sys

from ij import IJ
from java.lang import Thread, Throwable
from org.tessera import Progress
from org.tessera.command import HeadlessExit, JobSettings
from org.tessera.config import Config
from org.tessera.io import FrameScanner
from org.tessera.pipeline import MosaicPipeline, OutputRun


class PrintProgress(Progress):
    """Prints one line per 10 % of the run; Esc (or the Script Editor's Kill) stops it."""
    def __init__(self):
        self.last = -10
        self.owner = Thread.currentThread()

    def update(self, fraction, message):
        percent = int(fraction * 100)
        if percent >= self.last + 10 or fraction >= 1:
            self.last = percent
            print("%3d%% %s" % (percent, message or ""))

    def cancelled(self):
        return IJ.escapePressed() or self.owner.isInterrupted()


try:  # a failure ends a headless Fiji with status 1 when TESSERA_EXIT_ON_FAILURE=1 (see the end)
    config = Config()
    config.set("reproject_kernel=" + kernel)
    # e.g. intertile_photometric_match=false; split as the menus do: spaces, new lines or ';', "double quotes" keep spaces
    for assignment in JobSettings.split(settings):
        config.set(assignment)

    # the files the menu takes from a folder: .fit, .fits, .fts, also gzip'ed (.gz) or fpack'ed (.fz), any case
    images = sorted([f.toPath() for f in input.listFiles() if f.isFile() and FrameScanner.isFrameName(f.toPath())])
    if not images:
        raise ValueError("no FITS images in %s" % input)

    IJ.resetEscape()
    # The output folder held (another run writing there stops this one at once), then <output>/tessera.log opened
    run = OutputRun.folder(output.toPath(), False)
    try:
        outcome = MosaicPipeline.reproject(output.toPath(), images, config, PrintProgress())
    finally:
        run.close()

    for s in outcome.skipped():
        print("skipped %s: %s" % (s.file(), s.reason()))
    for n in outcome.notApplied():    # e.g. the final background extraction, after it failed: the mosaic kept without it
        print("%s: %s not applied, %s" % (n.output(), n.step(), n.reason()))
    mosaic = str(outcome.mosaic())
    coverage = str(outcome.coverage())
    print("Mosaic: " + mosaic)
except:
    # Headless Fiji logs a script's exception and exits 0; asked, this ends it with status 1 (after tessera.log is closed)
    failure = sys.exc_info()[1]
    HeadlessExit.scriptFailed(failure if isinstance(failure, Throwable) else str(failure))
    raise
