// Tessera example: build a mosaic from a folder of FITS frames.
//
// In Fiji: Plugins > Macros > Run... and pick this file (it asks for the folders).
// Headless:
//   ImageJ-linux64 --headless --console -macro build_mosaic.ijm "input=[/data/frames] output=[/data/out]"
// Leave out input= to build the built-in default sky. Optional keys: mode (classic, or sds: SDS
// mode, mosaic first), rejection, combine, demosaic, gpu, config (a JSON file) and settings (more key=value
// pairs, e.g. settings=[stacking_kappa_low=2.5]); the word coverage also opens the coverage map.

args = getArgument();
if (args == "") {
    input = getDirectory("Folder of FITS frames");
    output = getDirectory("Output folder");
    args = "input=[" + input + "] output=[" + output + "]";
}
input = option(args, "input", "");
output = option(args, "output", "");

run("Build Mosaic...",
    "input=[" + input + "] output=[" + output + "]"
    + " config=[" + option(args, "config", "") + "]"
    + " mode=" + option(args, "mode", "config")
    + " rejection=" + option(args, "rejection", "config")
    + " combine=" + option(args, "combine", "config")
    + " demosaic=" + option(args, "demosaic", "config")
    + " gpu=" + option(args, "gpu", "config")
    + " settings=[" + option(args, "settings", "") + "]"
    + flag(args, "coverage"));

// A failed run stops the macro with an error message; here it succeeded.
print("Mosaic:   " + call("org.tessera.ij1.LastRun.get", "mosaic"));
print("Coverage: " + call("org.tessera.ij1.LastRun.get", "coverage"));
print("Preview:  " + call("org.tessera.ij1.LastRun.get", "preview"));
print("Log:      " + call("org.tessera.ij1.LastRun.get", "log"));
skipped = call("org.tessera.ij1.LastRun.get", "skipped");
if (skipped != "0") print("Skipped " + skipped + " input(s):\n" + call("org.tessera.ij1.LastRun.get", "skipped_list"));

// The value of key=... (or key=[...]) in an options string, or the default.
function option(options, key, fallback) {
    return call("ij.Macro.getValue", options, key, fallback);
}

// " KEY" when the options hold the bare word KEY (a ticked box, e.g. coverage), else "".
function flag(options, key) {
    if (matches(" " + options + " ", ".* " + key + " .*")) return " " + key;
    return "";
}
