package org.tessera.scripts;

import org.scijava.plugin.Plugin;
import org.scijava.script.AdaptedScriptLanguage;
import org.scijava.script.ScriptLanguage;

/** Jython for SciJava's ScriptService in tests (Fiji's scripting-jython is not on Maven Central). */
@Plugin(type = ScriptLanguage.class, name = "Python")
public class TestJythonLanguage extends AdaptedScriptLanguage {
    public TestJythonLanguage() {
        super("python");
    }
}
