package org.tessera.scripts;

import org.scijava.plugin.Plugin;
import org.scijava.script.AdaptedScriptLanguage;
import org.scijava.script.ScriptLanguage;

/**
 * Groovy for SciJava's ScriptService in tests: Fiji's scripting-groovy is not on Maven Central,
 * so the JSR-223 engine is adapted directly; {@code #@} parameters then work as in Fiji.
 */
@Plugin(type = ScriptLanguage.class, name = "Groovy")
public class TestGroovyLanguage extends AdaptedScriptLanguage {
    public TestGroovyLanguage() {
        super("groovy");
    }
}
