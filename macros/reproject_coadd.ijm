// Tessera example: reproject FITS images that carry a WCS (e.g. master tiles) onto one grid and
// coadd them into a mosaic.
//
// In Fiji: Plugins > Macros > Run... and pick this file (it asks for the folders).
// Headless:
//   ImageJ-linux64 --headless --console -macro reproject_coadd.ijm "input=[/data/tiles] output=[/data/out]"
// Optional keys: kernel (bilinear, nearest, lanczos3, exact), gpu, config (a JSON file), settings;
// the word coverage also opens the coverage map.

args = getArgument();
if (args == "") {
    input = getDirectory("Folder of FITS images with a WCS");
    output = getDirectory("Output folder");
    args = "input=[" + input + "] output=[" + output + "]";
}

run("Reproject and Coadd...",
    "input=[" + option(args, "input", "") + "] output=[" + option(args, "output", "") + "]"
    + " config=[" + option(args, "config", "") + "]"
    + " kernel=" + option(args, "kernel", "config")
    + " gpu=" + option(args, "gpu", "config")
    + " settings=[" + option(args, "settings", "") + "]"
    + flag(args, "coverage"));

print("Mosaic:   " + call("org.tessera.ij1.LastRun.get", "mosaic"));
print("Coverage: " + call("org.tessera.ij1.LastRun.get", "coverage"));
print("Preview:  " + call("org.tessera.ij1.LastRun.get", "preview"));
print("Log:      " + call("org.tessera.ij1.LastRun.get", "log"));
skipped = call("org.tessera.ij1.LastRun.get", "skipped");
if (skipped != "0") print("Skipped " + skipped + " image(s):\n" + call("org.tessera.ij1.LastRun.get", "skipped_list"));

function option(options, key, fallback) {
    return call("ij.Macro.getValue", options, key, fallback);
}

// " KEY" when the options hold the bare word KEY (a ticked box, e.g. coverage), else "".
function flag(options, key) {
    if (matches(" " + options + " ", ".* " + key + " .*")) return " " + key;
    return "";
}
