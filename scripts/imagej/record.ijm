// scripts/imagej-check.sh, part 1 (ImageJ 1 with its window, under Xvfb): each Tessera menu
// command run as a person would — menu, dialog, OK — with the macro recorder open. Checks that
// the result opens composite and calibrated, and writes the recorded lines to WORK/recorded.ijm
// for part 2 to replay. Argument: "WORK|SHOTS" (SHOTS: folder for screenshots, or empty).
var work = "";
var shots = "";
var recorded = "";
args = split(getArgument(), "|");
work = args[0];
if (args.length > 1) shots = args[1];

run("Record...");

recordRun("Build Mosaic...", "Tessera: Build Mosaic", newArray("1", work + "/rec"), "output", "rec", "build-mosaic");
File.makeDirectory(work + "/p1");
frames = getFileList(work + "/rec/default_sky");
for (i = 0; i < frames.length; i++)
    if (indexOf(frames[i], "_p1_") > 0) File.copy(work + "/rec/default_sky/" + frames[i], work + "/p1/" + frames[i]);
recordRun("Stack Frames...", "Tessera: Stack Frames", newArray("0", work + "/p1", "1", work + "/tile.fits"), "tile", "tile", "");
// SDS mode chosen in the dialog's Mode drop-down (c0: drop-down 0) on the panel's 5 frames, batches of 2.
recordRun("Build Mosaic...", "Tessera: Build Mosaic", newArray("c0", "SDS (mosaic first)",
    "3", "sds_coverage_threshold=0.5 sds_min_batch_size=2 sds_target_batch_size=2", "0", work + "/p1", "1", work + "/sds"),
    "output", "sds", "");
if (!File.isDirectory(work + "/sds/sds_megatiles") || File.exists(work + "/sds/master_tiles"))
    fail("Mode SDS from the dialog did not run SDS mode (no sds_megatiles/, or master_tiles/)");
call("Dialog_Driver.say", "ok: Mode 'SDS (mosaic first)' from the dialog ran SDS mode (sds_megatiles/, no master tiles)");
recordRun("Reproject and Coadd...", "Tessera: Reproject and Coadd", newArray("0", work + "/rec/master_tiles", "1", work + "/coadd"), "output", "coadd", "");

// A dialog cancelled runs nothing and records nothing.
before = call("Dialog_Driver.recorded");
doCommand("Stack Frames...");
shown = call("Dialog_Driver.waitFor", "Tessera: Stack Frames", "30000");
if (shown != "ok") fail("the Stack Frames dialog opens again");
call("Dialog_Driver.press", "Cancel");
wait(1500);
after = call("Dialog_Driver.recorded");
if (after != before) fail("a cancelled dialog was recorded: " + substring(after, lengthOf(before)));
call("Dialog_Driver.say", "ok: a cancelled dialog records nothing");

// Browse, then Cancel in the file chooser, then OK: the line must still be usable (no select=).
before = call("Dialog_Driver.recorded");
doCommand("Reproject and Coadd...");
shown = call("Dialog_Driver.waitFor", "Tessera: Reproject and Coadd", "30000");
if (shown != "ok") fail("the Reproject and Coadd dialog opens again");
browsed = call("Dialog_Driver.browseAndCancel");
if (browsed != "ok") fail("Browse then Cancel: " + browsed);
shown = call("Dialog_Driver.waitFor", "Tessera: Reproject and Coadd", "10000");
if (shown != "ok") fail("the dialog is still open after the file chooser was cancelled");
call("Dialog_Driver.setText", "0", work + "/rec/master_tiles");
call("Dialog_Driver.setText", "1", work + "/coadd3");
call("Dialog_Driver.press", "OK");
line = "";
for (t = 0; t < 1200 && line == ""; t++) {
    wait(200);
    status = call("org.tessera.ij1.LastRun.get", "status");
    output = call("org.tessera.ij1.LastRun.get", "output");
    after = call("Dialog_Driver.recorded");
    if (status == "ok" && output == work + "/coadd3") line = newLine(before, after, "Reproject and Coadd...");
}
if (line == "") fail("Reproject and Coadd after Browse-then-Cancel did not finish or was not recorded");
if (indexOf(line, "select=") >= 0) fail("Browse-then-Cancel left select= in the line: " + line);
call("Dialog_Driver.say", "ok: Browse then Cancel leaves a clean line: " + line);

File.saveString(recorded, work + "/recorded.ijm");
call("Dialog_Driver.exit", "0");

// Opens COMMAND from the menu, types FIELDS (index, text, ...; index cN: drop-down N) into its dialog, presses OK, waits
// until LastRun's OUTPUTKEY names the output typed last and the recorder has its line, then checks
// the image TITLE is open, composite, in arcsec. SHOT: name of the screenshots, or "".
function recordRun(command, dialogTitle, fields, outputKey, title, shot) {
    before = call("Dialog_Driver.recorded");
    doCommand(command);
    shown = call("Dialog_Driver.waitFor", dialogTitle, "30000");
    if (shown != "ok") fail("the " + command + " dialog opens");
    for (i = 0; i < fields.length; i += 2) {
        if (startsWith(fields[i], "c")) set = call("Dialog_Driver.setChoice", substring(fields[i], 1), fields[i + 1]);
        else set = call("Dialog_Driver.setText", fields[i], fields[i + 1]);
        if (set != "ok") fail(command + ": field " + fields[i] + ": " + set);
    }
    bounds = call("Dialog_Driver.bounds", dialogTitle);
    if (shot != "") capture(split(bounds, " "), shots + "/" + shot + "-dialog.png");
    call("Dialog_Driver.press", "OK");
    line = "";
    done = false;
    for (t = 0; t < 1200 && !done; t++) { // up to 4 minutes
        wait(200);
        status = call("org.tessera.ij1.LastRun.get", "status");
        error = call("org.tessera.ij1.LastRun.get", "error");
        output = call("org.tessera.ij1.LastRun.get", outputKey);
        if (status == "failed") fail(command + " failed: " + error);
        after = call("Dialog_Driver.recorded");
        line = newLine(before, after, command);
        if (status == "ok" && output == fields[fields.length - 1] && line != "") done = true;
    }
    if (!done) fail(command + " did not finish within 4 minutes");
    if (line == "") fail("the recorder wrote a line for " + command);
    recorded = recorded + line + "\n";
    for (t = 0; t < 50 && !isOpen(title); t++) wait(100);
    titles = getList("image.titles");
    if (!isOpen(title)) fail(command + " leaves the image '" + title + "' open; open: " + String.join(titles, ", "));
    selectImage(title);
    checkImage(command, title);
    if (shot != "") {
        getLocationAndSize(x, y, w, h);
        capture(newArray(x, y, w, h), shots + "/" + shot + "-result.png");
    }
}

// The first line of AFTER that BEFORE did not have and that runs COMMAND.
function newLine(before, after, command) {
    lines = split(substring(after, lengthOf(before)), "\n");
    for (i = 0; i < lines.length; i++)
        if (startsWith(lines[i], "run(\"" + command + "\"")) return lines[i];
    return "";
}

function checkImage(command, title) {
    getPixelSize(unit, pw, ph);
    if (!is("composite") || nSlices != 3) fail(command + ": '" + title + "' is a composite of 3 channels, not " + nSlices + " slice(s)");
    if (unit != "arcsec" || pw <= 0.1 || pw >= 100) fail(command + ": calibrated in arcsec, not " + pw + " " + unit);
    call("Dialog_Driver.say", "ok: " + command + " from the menu: '" + getTitle() + "' open, composite, " + d2s(pw, 3) + " " + unit + "/pixel");
}

// Screen area R (X, Y, W, H) → PNG at most 520 pixels wide.
function capture(r, path) {
    wait(700); // let the window paint
    call("Dialog_Driver.capture", "" + r[0] + " " + r[1] + " " + r[2] + " " + r[3], "520", path);
}

function fail(what) {
    call("Dialog_Driver.say", "FAIL: " + what);
    call("Dialog_Driver.exit", "3");
}
