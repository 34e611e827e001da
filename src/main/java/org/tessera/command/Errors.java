package org.tessera.command;

import org.tessera.UserMessages;

/** Turns a failure into one line a user can act on: the file and the problem, no stack trace. */
public final class Errors {
    private Errors() {}

    /** One line for a failure; the wording lives in {@link UserMessages}. */
    public static String describe(Throwable e) {
        return UserMessages.describe(e);
    }
}
