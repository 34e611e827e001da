// Tessera example: stack the frames of one field into a master tile (FITS with ALPHA).
//
// In Fiji: Plugins > Macros > Run... and pick this file (it asks for the folders).
// Headless:
//   ImageJ-linux64 --headless --console -macro stack_frames.ijm "input=[/data/frames] output=[/data/out/tile.fits]"
// Optional keys: rejection, combine, demosaic, gpu, config (a JSON file), settings (more key=value pairs).

args = getArgument();
if (args == "") {
    input = getDirectory("Folder of FITS frames");
    output = getDirectory("Folder for the stacked tile") + "master_tile.fits";
    args = "input=[" + input + "] output=[" + output + "]";
}

run("Stack Frames...",
    "input=[" + option(args, "input", "") + "] output=[" + option(args, "output", "") + "]"
    + " config=[" + option(args, "config", "") + "]"
    + " rejection=" + option(args, "rejection", "config")
    + " combine=" + option(args, "combine", "config")
    + " demosaic=" + option(args, "demosaic", "config")
    + " gpu=" + option(args, "gpu", "config")
    + " settings=[" + option(args, "settings", "") + "]");

print("Stacked tile: " + call("org.tessera.ij1.LastRun.get", "tile"));
print("Log:          " + call("org.tessera.ij1.LastRun.get", "log"));
skipped = call("org.tessera.ij1.LastRun.get", "skipped");
if (skipped != "0") print("Skipped " + skipped + " frame(s):\n" + call("org.tessera.ij1.LastRun.get", "skipped_list"));

function option(options, key, fallback) {
    return call("ij.Macro.getValue", options, key, fallback);
}
