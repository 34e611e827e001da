package org.tessera.command;

import java.io.File;

import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.process.AbstractPreprocessorPlugin;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.prefs.PrefService;
import org.scijava.ui.UIService;
import org.scijava.widget.InputHarvester;

/**
 * Remembers the values of the Tessera dialogs between runs, for people only. SciJava's own
 * {@code persist = true} would also fill in the values a macro leaves out (Fiji loads persisted
 * values for every input a macro line does not name), so the same macro line would give different
 * results after someone used the dialog; the commands therefore say {@code persist = false} and
 * this pair of preprocessors remembers instead, but only for a dialog run: a UI is shown and no
 * macro is running. Macros, headless runs and scripts that pass their inputs start from the plain
 * defaults, so their replay is deterministic. A script in Fiji's window that names some inputs
 * ({@code commands.run(ReprojectCoaddCommand, true, "input", ..., "output", ...)}) would otherwise
 * get a dialog for the inputs it left out, filled with the last dialog's values: the caller having
 * named any input marks a call from code, whose other inputs keep their defaults without a dialog.
 */
public final class RememberedInputs {
    private RememberedInputs() {}

    /** Whether {@code module} is one of Tessera's dialog commands run by a person at the desktop. */
    static boolean interactive(Module module, UIService ui) {
        return isTessera(module) && ui != null && !ui.isHeadless() && !macroRunning();
    }

    static boolean isTessera(Module module) {
        String cls = module.getInfo().getDelegateClassName();
        return cls.startsWith("org.tessera.command.") && !cls.endsWith("AboutTesseraCommand");
    }

    private static boolean macroRunning() {
        return macroOptions() != null;
    }

    /** The running macro line's options (Fiji hands them to the command's thread), or null. */
    static String macroOptions() {
        try {
            return ij.Macro.getOptions();
        } catch (LinkageError e) { // no ImageJ 1 on the class path: no macros either
            return null;
        }
    }

    /**
     * A macro line in Fiji, as in ImageJ 1: a box is ticked by its bare word ({@code coverage}; Fiji
     * itself only reads {@code coverage=true}), and every key the line leaves out keeps its default
     * instead of opening the dialog (Fiji asks for the keys a macro line leaves out), so the
     * documented lines run unattended in a batch macro.
     */
    static void macroLine(Module module, String options) {
        String words = " " + options.trim() + " ";
        for (ModuleItem<?> item : module.getInfo().inputs()) {
            Class<?> t = item.getType();
            if ((t == boolean.class || t == Boolean.class) && !module.isInputResolved(item.getName())
                    && words.contains(" " + item.getName() + " ")) {
                module.setInput(item.getName(), Boolean.TRUE);
                module.resolveInput(item.getName());
            }
        }
        resolveTheRest(module);
    }

    /** The inputs worth remembering: what the user types or picks, never services or messages. */
    static boolean remembered(ModuleItem<?> item) {
        Class<?> t = item.getType();
        return item.getVisibility() == org.scijava.ItemVisibility.NORMAL
                && (t == File.class || t == String.class || t == boolean.class || t == Boolean.class);
    }

    /** Before the dialog: the last values into the fields the caller left open. */
    @Plugin(type = PreprocessorPlugin.class, priority = InputHarvester.PRIORITY + 1.5)
    public static class Load extends AbstractPreprocessorPlugin {
        @Parameter(required = false) PrefService prefs;
        @Parameter(required = false) UIService ui;

        @Override
        public void process(Module module) {
            String macro = isTessera(module) ? macroOptions() : null;
            if (macro != null) { // headless or not: a macro line never opens a dialog
                macroLine(module, macro);
                return;
            }
            if (!interactive(module, ui)) return;
            if (fromCode(module)) {
                resolveTheRest(module); // no dialog: what the caller left out keeps its default
                synchronized (FROM_CODE) { FROM_CODE.put(module, Boolean.TRUE); }
            } else if (prefs != null) {
                load(module, prefs);
            }
        }
    }

    /** Modules run from code in this session (their values are not remembered for the dialog). */
    private static final java.util.Map<Module, Boolean> FROM_CODE = new java.util.WeakHashMap<>();

    /**
     * Whether the caller named an input before any dialog: a menu run leaves every field to the
     * dialog, a script's {@code commands.run(..., "output", f)} resolves the ones it passes.
     */
    static boolean fromCode(Module module) {
        for (ModuleItem<?> item : module.getInfo().inputs())
            if (userField(item) && module.isInputResolved(item.getName())) return true;
        return false;
    }

    /** Marks every user field not yet given as resolved, so no dialog asks for it. */
    static void resolveTheRest(Module module) {
        for (ModuleItem<?> item : module.getInfo().inputs())
            if (userField(item)) module.resolveInput(item.getName());
    }

    /** A field of the dialog (not a service, the context, a message or a button). */
    private static boolean userField(ModuleItem<?> item) {
        Class<?> t = item.getType();
        return item.getVisibility() == org.scijava.ItemVisibility.NORMAL
                && !org.scijava.service.Service.class.isAssignableFrom(t) && t != org.scijava.Context.class
                && t != org.scijava.widget.Button.class;
    }

    /** The last saved values into the inputs not yet resolved (given by the caller). */
    static void load(Module module, PrefService prefs) {
        Class<?> cls = module.getDelegateObject().getClass();
        for (ModuleItem<?> item : module.getInfo().inputs()) {
            if (!remembered(item) || module.isInputResolved(item.getName())) continue;
            String v = prefs.get(cls, item.getName(), null);
            if (v == null) continue;
            Class<?> t = item.getType();
            Object value = t == File.class ? (v.isEmpty() ? null : new File(v))
                    : t == String.class ? v : Boolean.valueOf(v);
            if (t == String.class && item.getChoices() != null && !item.getChoices().isEmpty()
                    && !item.getChoices().contains(v)) continue; // a label renamed since: keep the default
            module.setInput(item.getName(), value);
        }
    }

    /** After the dialog was confirmed: its values for next time. */
    @Plugin(type = PreprocessorPlugin.class, priority = InputHarvester.PRIORITY - 1.5)
    public static class Save extends AbstractPreprocessorPlugin {
        @Parameter(required = false) PrefService prefs;
        @Parameter(required = false) UIService ui;

        @Override
        public void process(Module module) {
            boolean fromCode;
            synchronized (FROM_CODE) { fromCode = FROM_CODE.remove(module) != null; }
            if (prefs != null && !fromCode && interactive(module, ui)) save(module, prefs);
        }
    }

    /** The module's current input values, for {@link #load} next time. */
    static void save(Module module, PrefService prefs) {
        Class<?> cls = module.getDelegateObject().getClass();
        for (ModuleItem<?> item : module.getInfo().inputs()) {
            if (!remembered(item)) continue;
            Object v = module.getInput(item.getName());
            prefs.put(cls, item.getName(), v == null ? "" : v instanceof File f ? f.getPath() : v.toString());
        }
    }
}
