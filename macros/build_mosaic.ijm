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
// The keys passed on as given, not picked out one by one: the plugin then refuses a misspelt key
// by name (picked out, "inpt=[...]" was dropped and Build Mosaic built the default sky instead),
// gives the keys left out their defaults, and takes coverage=true as Fiji records it.
run("Build Mosaic...", args);

// A failed run stops the macro with an error message; here it succeeded.
print("Mosaic:   " + call("org.tessera.ij1.LastRun.get", "mosaic"));
print("Coverage: " + call("org.tessera.ij1.LastRun.get", "coverage"));
print("Preview:  " + call("org.tessera.ij1.LastRun.get", "preview"));
print("Log:      " + call("org.tessera.ij1.LastRun.get", "log"));
skipped = call("org.tessera.ij1.LastRun.get", "skipped");
if (skipped != "0") print("Skipped " + skipped + " input(s):\n" + call("org.tessera.ij1.LastRun.get", "skipped_list"));
