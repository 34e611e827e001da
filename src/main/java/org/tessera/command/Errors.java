package org.tessera.command;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.ExecutionException;

/** Turns a failure into one line a user can act on: the file and the problem, no stack trace. */
public final class Errors {
    private Errors() {}

    public static String describe(Throwable e) {
        Throwable t = e;
        while ((t instanceof UncheckedIOException || t instanceof ExecutionException) && t.getCause() != null)
            t = t.getCause();
        String msg = t.getMessage() == null ? "" : t.getMessage().strip();
        // NIO exceptions carry only the path as message: say what went wrong with it.
        if (t instanceof NoSuchFileException f) return "file not found: " + f.getFile();
        if (t instanceof AccessDeniedException f) return "permission denied: " + f.getFile();
        if (t instanceof FileSystemException f && f.getReason() != null)
            return f.getFile() + ": " + f.getReason();
        if (t instanceof java.io.IOException || t instanceof IllegalArgumentException) {
            return msg.isEmpty() ? t.getClass().getSimpleName() : msg;
        }
        // Anything else is unexpected: keep its type so a bug report is useful.
        return t.getClass().getSimpleName() + (msg.isEmpty() ? "" : ": " + msg);
    }
}
