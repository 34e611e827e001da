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

// The keys passed on as given, not picked out one by one: the plugin then refuses a misspelt key
// by name (picked out, "inpt=[...]" was dropped and Build Mosaic built the default sky instead),
// gives the keys left out their defaults, and takes coverage=true as Fiji records it.
run("Stack Frames...", args);

print("Stacked tile: " + call("org.tessera.ij1.LastRun.get", "tile"));
print("Log:          " + call("org.tessera.ij1.LastRun.get", "log"));
skipped = call("org.tessera.ij1.LastRun.get", "skipped");
if (skipped != "0") print("Skipped " + skipped + " frame(s):\n" + call("org.tessera.ij1.LastRun.get", "skipped_list"));
