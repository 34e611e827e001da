import java.awt.Button;
import java.awt.TextComponent;
import java.awt.Window;
import java.awt.event.ActionEvent;

import ij.gui.GenericDialog;
import ij.plugin.frame.Recorder;

/**
 * Test driver for scripts/imagej-check.sh: lets a macro act as the person in front of a Tessera
 * dialog that a menu command opened ({@code doCommand("Build Mosaic...")}), so that the macro
 * recorder writes the line a person's run would give. Compiled by the script into the test
 * ImageJ's plugins/ folder; never part of the plugin. Call from a macro:
 * {@code call("Dialog_Driver.waitFor", "Tessera: Build Mosaic", "20000")},
 * {@code call("Dialog_Driver.setText", "1", "/tmp/out")}, {@code call("Dialog_Driver.setChoice", "0", "SDS (mosaic first)")},
 * {@code call("Dialog_Driver.press", "OK")},
 * {@code call("Dialog_Driver.recorded")}, {@code call("Dialog_Driver.say", line)},
 * {@code call("Dialog_Driver.capture", "X Y W H", "640", "/tmp/shot.png")}, {@code call("Dialog_Driver.exit", "0")}.
 */
public class Dialog_Driver {

    /** Waits until a dialog with this title is showing: "ok", or "timeout". */
    public static String waitFor(String title, String millis) throws InterruptedException {
        long end = System.currentTimeMillis() + Long.parseLong(millis);
        while (System.currentTimeMillis() < end) {
            if (dialog(title) != null) return "ok";
            Thread.sleep(100);
        }
        return "timeout";
    }

    /** Types {@code value} into the text field number {@code index} (0-based) of the showing dialog. */
    public static String setText(String index, String value) {
        GenericDialog gd = dialog(null);
        if (gd == null) return "no dialog";
        ((TextComponent) gd.getStringFields().get(Integer.parseInt(index))).setText(value);
        return "ok";
    }

    /** Selects the entry {@code label} of the drop-down number {@code index} (0-based) of the showing dialog. */
    public static String setChoice(String index, String label) {
        GenericDialog gd = dialog(null);
        if (gd == null) return "no dialog";
        java.awt.Choice c = (java.awt.Choice) gd.getChoices().get(Integer.parseInt(index));
        c.select(label);
        return label.equals(c.getSelectedItem()) ? "ok" : "no entry '" + label + "'";
    }

    /** Presses the showing dialog's OK or Cancel button. */
    public static String press(String which) {
        GenericDialog gd = dialog(null);
        if (gd == null) return "no dialog";
        Button b = gd.getButtons()["OK".equalsIgnoreCase(which) ? 0 : 1];
        gd.actionPerformed(new ActionEvent(b, ActionEvent.ACTION_PERFORMED, b.getLabel()));
        return "ok";
    }

    /** "x y width height" of the showing dialog with this title, for cropping a screenshot. */
    public static String bounds(String title) {
        GenericDialog gd = dialog(title);
        if (gd == null) return "";
        java.awt.Rectangle r = gd.getBounds();
        return r.x + " " + r.y + " " + r.width + " " + r.height;
    }

    /**
     * Saves the screen area "X Y W H" as a PNG at most {@code maxWidth} pixels wide. Through
     * java.awt.Robot, not ImageJ's Capture Screen, so that the macro recorder sees no command of its own.
     */
    public static String capture(String bounds, String maxWidth, String path) throws Exception {
        String[] b = bounds.trim().split("\\s+");
        java.awt.Rectangle r = new java.awt.Rectangle(Integer.parseInt(b[0]), Integer.parseInt(b[1]),
                Integer.parseInt(b[2]), Integer.parseInt(b[3]));
        java.awt.image.BufferedImage shot = new java.awt.Robot().createScreenCapture(r);
        int w = Math.min(r.width, Integer.parseInt(maxWidth)), h = (int) Math.round(r.height * (double) w / r.width);
        java.awt.image.BufferedImage out = new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = out.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(shot, 0, 0, w, h, null);
        g.dispose();
        javax.imageio.ImageIO.write(out, "png", new java.io.File(path));
        return path;
    }

    /** A line on standard output (a macro's print() goes to the Log window outside batch mode). */
    public static String say(String line) {
        System.out.println(line);
        System.out.flush();
        return line;
    }

    /** Ends ImageJ with this status (the check's verdict), whatever windows are open. */
    public static String exit(String status) {
        System.out.flush();
        System.exit(Integer.parseInt(status));
        return status;
    }

    /**
     * Clicks the showing dialog's first Browse button, waits for the file chooser it opens and
     * cancels it, as a person who browses and changes their mind: "ok", or what went wrong.
     */
    public static String browseAndCancel() throws Exception {
        GenericDialog gd = dialog(null);
        if (gd == null) return "no dialog";
        Button browse = find(gd, "Browse");
        if (browse == null) return "no Browse button";
        ActionEvent click = new ActionEvent(browse, ActionEvent.ACTION_PERFORMED, "Browse");
        java.util.List<Thread> clicks = new java.util.ArrayList<>();
        for (java.awt.event.ActionListener l : browse.getActionListeners()) { // the chooser is modal: its own thread
            Thread t = new Thread(() -> l.actionPerformed(click), "Browse");
            clicks.add(t);
            t.start();
        }
        for (int i = 0; i < 100; i++) {
            Thread.sleep(100);
            for (Window w : Window.getWindows()) {
                if (!w.isShowing() || !(w instanceof javax.swing.JDialog d)) continue;
                javax.swing.JFileChooser fc = chooser(d.getContentPane());
                if (fc != null) {
                    javax.swing.SwingUtilities.invokeAndWait(fc::cancelSelection);
                    // As for a person, the Browse button's work (ImageJ records the chooser's answer) is
                    // over before anything else in the dialog is touched.
                    for (Thread t : clicks) t.join(10_000);
                    return "ok";
                }
            }
        }
        return "no file chooser opened";
    }

    private static Button find(java.awt.Container c, String label) {
        for (java.awt.Component k : c.getComponents()) {
            if (k instanceof Button b && label.equals(b.getLabel())) return b;
            if (k instanceof java.awt.Container sub) {
                Button b = find(sub, label);
                if (b != null) return b;
            }
        }
        return null;
    }

    private static javax.swing.JFileChooser chooser(java.awt.Container c) {
        if (c instanceof javax.swing.JFileChooser fc) return fc;
        for (java.awt.Component k : c.getComponents())
            if (k instanceof java.awt.Container sub) {
                javax.swing.JFileChooser fc = chooser(sub);
                if (fc != null) return fc;
            }
        return null;
    }

    /** The macro recorder's text ("" when it is not open). */
    public static String recorded() {
        Recorder r = Recorder.getInstance();
        return r == null ? "" : r.getText();
    }

    /** {@code java Dialog_Driver screenshot FILE.png}: the whole screen, to see what blocked a run. */
    public static void main(String[] args) throws Exception {
        java.awt.Rectangle screen = new java.awt.Rectangle(java.awt.Toolkit.getDefaultToolkit().getScreenSize());
        javax.imageio.ImageIO.write(new java.awt.Robot().createScreenCapture(screen), "png", new java.io.File(args[1]));
    }

    private static GenericDialog dialog(String title) {
        for (Window w : Window.getWindows())
            if (w instanceof GenericDialog gd && w.isShowing() && (title == null || title.equals(gd.getTitle()))) return gd;
        return null;
    }
}
