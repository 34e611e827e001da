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

// The keys passed on as given, not picked out one by one: the plugin then refuses a misspelt key
// by name (picked out, "inpt=[...]" was dropped and Build Mosaic built the default sky instead),
// gives the keys left out their defaults, and takes coverage=true as Fiji records it.
run("Reproject and Coadd...", args);

print("Mosaic:   " + call("org.tessera.ij1.LastRun.get", "mosaic"));
print("Coverage: " + call("org.tessera.ij1.LastRun.get", "coverage"));
print("Preview:  " + call("org.tessera.ij1.LastRun.get", "preview"));
print("Log:      " + call("org.tessera.ij1.LastRun.get", "log"));
skipped = call("org.tessera.ij1.LastRun.get", "skipped");
if (skipped != "0") print("Skipped " + skipped + " image(s):\n" + call("org.tessera.ij1.LastRun.get", "skipped_list"));
